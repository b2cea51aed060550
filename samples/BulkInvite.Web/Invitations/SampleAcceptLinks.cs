using BulkInvite.Smtp;
using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Invitations;

/// <summary>
/// The accept links of the sample's emails: <c>{base address}/Invitations/Accept?token=…</c>, the token the only
/// parameter. The base address is <see cref="SampleOptions.BaseAddress"/>, else the first address the server listens
/// on, read when the first invitation is written (a server started on port 0 knows its port only then).
/// </summary>
internal sealed class SampleAcceptLinks : IAcceptLinkProvider
{
    /// <summary>The accept page.</summary>
    public const string AcceptPath = "/Invitations/Accept";

    private readonly string? _configured;
    private readonly IServer _server;
    private string? _prefix;

    public SampleAcceptLinks(IOptions<SampleOptions> options, IServer server)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configured = options.Value.BaseAddress;
        _server = server;
    }

    public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (string.IsNullOrEmpty(invitation.AcceptToken))
        {
            throw new ArgumentException("The invitation has no AcceptToken: the sample's links carry the SDK's token only.", nameof(invitation));
        }

        _prefix ??= BaseAddress().TrimEnd('/') + AcceptPath + "?token=";
        return new ValueTask<string>(_prefix + Uri.EscapeDataString(invitation.AcceptToken));
    }

    /// <summary>Whether a configured base address can start links: absolute http(s), with no query or fragment.</summary>
    public static bool IsValidBaseAddress(string? value)
        => string.IsNullOrWhiteSpace(value)
            || (Uri.TryCreate(value, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                && uri.Query.Length == 0
                && uri.Fragment.Length == 0);

    private string BaseAddress()
    {
        if (!string.IsNullOrWhiteSpace(_configured))
        {
            return _configured.Trim();
        }

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? "http://localhost";

        // A wildcard binding ("http://+:5000", "http://[::]:5000", "http://0.0.0.0:5000") is reached as localhost.
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}
