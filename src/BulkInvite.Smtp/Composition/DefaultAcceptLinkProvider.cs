namespace BulkInvite.Smtp.Composition;

/// <summary>
/// The documented default link: <c>{AcceptLinkBaseUrl}?token={token}</c>, the invitation's token
/// (<see cref="Invitation.AcceptToken"/>) its only parameter: no address and no id, so no link can be written from another.
/// </summary>
/// <remarks>The token is base64url and needs no escaping; <c>&amp;</c> joins the query when the base has one.</remarks>
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
        _prefix = baseUrl + separator + "token=";
    }

    public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (string.IsNullOrEmpty(invitation.AcceptToken))
        {
            throw new ArgumentException(
                "The invitation has no AcceptToken. Invitations sent by an import or by IInvitationService carry one; a host that sends its own sets it, or registers its own IAcceptLinkProvider.",
                nameof(invitation));
        }

        return new ValueTask<string>(string.Concat(_prefix, Uri.EscapeDataString(invitation.AcceptToken)));
    }
}
