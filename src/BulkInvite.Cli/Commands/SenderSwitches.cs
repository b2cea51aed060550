using System.CommandLine;
using System.Globalization;
using BulkInvite.Smtp;

namespace BulkInvite.Cli.Commands;

/// <summary>How <c>send</c> and <c>resume</c> deliver: a pickup folder (the default) or an SMTP server.</summary>
internal sealed class SenderSwitches
{
    internal const string PasswordVariable = "BULKINVITE_SMTP_PASSWORD";
    internal const string DefaultPickupDirectory = "pickup";
    internal const string DefaultFrom = "invitations@localhost";

    private readonly Option<string?> _pickup = new("--pickup") { Description = $"Write each invitation as an .eml file into this folder (the default, into ./{DefaultPickupDirectory})." };
    private readonly Option<string?> _smtp = new("--smtp") { Description = "Send through this SMTP server, as HOST:PORT (port 25 when omitted)." };
    private readonly Option<string> _tls = new("--tls") { Description = "none, starttls or ssl (implicit TLS).", DefaultValueFactory = _ => "starttls" };
    private readonly Option<string?> _user = new("--user") { Description = $"The SMTP user name; the password is read from the environment variable {PasswordVariable}." };
    private readonly Option<string> _from = new("--from") { Description = "The invitations' sender address.", DefaultValueFactory = _ => DefaultFrom };
    private readonly Option<string?> _template = new("--template") { Description = "A folder with subject.txt, body.txt and body.html (placeholders such as {{accept_link}})." };
    private readonly Option<string> _account = new("--account") { Description = "The account name shown in the invitation.", DefaultValueFactory = _ => "BulkInvite" };
    private readonly Option<string?> _acceptUrl = new("--accept-url")
    {
        Description = "The accept page, an http(s) URL without a query: each link is URL?token=TOKEN, the token its only parameter.",
    };
    private readonly Option<int?> _connections = new("--connections") { Description = "The most SMTP connections open at once (default 4)." };

    public SenderSwitches() => _tls.AcceptOnlyFromAmong("none", "starttls", "ssl");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _pickup, _smtp, _tls, _user, _from, _template, _account, _acceptUrl, _connections })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.GetResult(_pickup) is not null && result.GetResult(_smtp) is not null)
            {
                result.AddError("Give either --pickup or --smtp, not both.");
            }

            if (result.GetValue(_acceptUrl) is { } url && AcceptUrlError(url) is { } error)
            {
                result.AddError(error);
            }
        });
    }

    /// <summary>Reads the switches into a sender registration, or returns an error message.</summary>
    public (Action<IBulkInviteBuilder>? AddSender, string? Error) Read(ParseResult result, CliConsole console)
    {
        void Message(InvitationMessageOptions m)
        {
            m.FromAddress = result.GetValue(_from)!;
            m.AccountName = result.GetValue(_account)!;
            m.TemplateDirectory = result.GetValue(_template);
            if (result.GetValue(_acceptUrl) is { } url)
            {
                m.AcceptLinkBaseUrl = url;
            }
        }

        if (result.GetValue(_smtp) is not { } server)
        {
            var folder = result.GetValue(_pickup) ?? DefaultPickupDirectory;
            return (builder => builder.AddPickupFolderSender(o =>
            {
                o.Directory = folder;
                Message(o.Message);
            }), null);
        }

        if (!TryParseServer(server, out var host, out var port))
        {
            return (null, $"--smtp '{server}' is not HOST or HOST:PORT.");
        }

        var userName = result.GetValue(_user);
        var password = userName is null ? null : console.GetEnvironmentVariable(PasswordVariable);
        if (userName is not null && string.IsNullOrEmpty(password))
        {
            return (null, $"--user is given, so the password must be in the environment variable {PasswordVariable}.");
        }

        var security = result.GetValue(_tls) switch
        {
            "none" => SmtpSecurity.None,
            "ssl" => SmtpSecurity.ImplicitTls,
            _ => SmtpSecurity.StartTls,
        };
        var connections = result.GetValue(_connections);
        return (builder => builder.AddSmtpSender(o =>
        {
            o.Host = host;
            o.Port = port;
            o.Security = security;
            o.UserName = userName;
            o.Password = password;
            o.MaxConnections = connections ?? o.MaxConnections;
            Message(o.Message);
        }), null);
    }

    /// <summary>
    /// Why an accept URL cannot be the base of the links, or <see langword="null"/>: it must be an absolute http(s) URL
    /// with neither query nor fragment, so that the token is the link's only parameter (nothing in a link names an
    /// address or an id, or could be changed to write another).
    /// </summary>
    internal static string? AcceptUrlError(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"--accept-url '{url}' is not an absolute http or https URL (for example https://app.example.com/invitations/accept).";
        }

        return url.Contains('?', StringComparison.Ordinal) || url.Contains('#', StringComparison.Ordinal)
            ? $"--accept-url '{url}' has a query or a fragment: give the page alone; each link is that page with ?token=TOKEN, the token its only parameter."
            : null;
    }

    internal static bool TryParseServer(string value, out string host, out int port)
    {
        port = 25;
        host = value;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            host = value[..colon];
            if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        return host.Length > 0 && !host.Any(char.IsWhiteSpace);
    }
}
