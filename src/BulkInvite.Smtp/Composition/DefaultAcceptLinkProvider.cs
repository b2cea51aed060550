using System.Globalization;

namespace BulkInvite.Smtp.Composition;

/// <summary>The documented default link: <c>{AcceptLinkBaseUrl}?email={address}&amp;invitation={import id:N}-{sequence}</c>.</summary>
/// <remarks>The address is escaped with <see cref="Uri.EscapeDataString(string)"/>; <c>&amp;</c> joins the query when the base has one.</remarks>
internal sealed class DefaultAcceptLinkProvider : IAcceptLinkProvider
{
    private readonly string _prefix;

    public DefaultAcceptLinkProvider(InvitationMessageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseUrl = options.AcceptLinkBaseUrl?.Trim();
        if (string.IsNullOrEmpty(baseUrl)
            || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException(
                $"Message:AcceptLinkBaseUrl '{options.AcceptLinkBaseUrl}' is not an absolute http or https URL (for example https://app.example.com/invitations/accept).",
                nameof(options));
        }

        var separator = !baseUrl.Contains('?', StringComparison.Ordinal) ? "?"
            : baseUrl.EndsWith('?') || baseUrl.EndsWith('&') ? string.Empty
            : "&";
        _prefix = baseUrl + separator + "email=";
    }

    public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var link = string.Concat(
            _prefix,
            Uri.EscapeDataString(invitation.Address),
            "&invitation=",
            invitation.ImportId.ToString("N"),
            "-",
            invitation.Sequence.ToString(CultureInfo.InvariantCulture));
        return new ValueTask<string>(link);
    }
}
