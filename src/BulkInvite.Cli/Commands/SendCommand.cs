using System.CommandLine;
using System.Globalization;
using BulkInvite.Smtp;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite send FILE</c>: imports the file and sends one invitation per new address, into a pickup folder
/// (the default: <c>./pickup</c>) or through an SMTP server.
/// </summary>
internal static class SendCommand
{
    internal const string PasswordVariable = "BULKINVITE_SMTP_PASSWORD";
    internal const string DefaultPickupDirectory = "pickup";
    internal const string DefaultFrom = "invitations@localhost";

    public static Command Create(CliConsole console)
    {
        var input = new ImportInputOptions();
        var pickup = new Option<string?>("--pickup") { Description = $"Write each invitation as an .eml file into this folder (the default, into ./{DefaultPickupDirectory})." };
        var smtp = new Option<string?>("--smtp") { Description = "Send through this SMTP server, as HOST:PORT (port 25 when omitted)." };
        var tls = new Option<string>("--tls") { Description = "none, starttls or ssl (implicit TLS).", DefaultValueFactory = _ => "starttls" };
        tls.AcceptOnlyFromAmong("none", "starttls", "ssl");
        var user = new Option<string?>("--user") { Description = $"The SMTP user name; the password is read from the environment variable {PasswordVariable}." };
        var from = new Option<string>("--from") { Description = "The invitations' sender address.", DefaultValueFactory = _ => DefaultFrom };
        var template = new Option<string?>("--template") { Description = "A folder with subject.txt, body.txt and body.html (placeholders such as {{accept_link}})." };
        var account = new Option<string>("--account") { Description = "The account name shown in the invitation.", DefaultValueFactory = _ => "BulkInvite" };
        var acceptUrl = new Option<string?>("--accept-url") { Description = "The base of the accept link." };
        var connections = new Option<int?>("--connections") { Description = "The most SMTP connections open at once (default 4)." };

        var command = new Command("send", "Import a file and send one invitation per new address (pickup folder or SMTP).");
        input.AddTo(command);
        foreach (var option in new Option[] { pickup, smtp, tls, user, from, template, account, acceptUrl, connections })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.GetResult(pickup) is not null && result.GetResult(smtp) is not null)
            {
                result.AddError("Give either --pickup or --smtp, not both.");
            }
        });

        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = input.Read(result, console);
            void Message(InvitationMessageOptions m)
            {
                m.FromAddress = result.GetValue(from)!;
                m.AccountName = result.GetValue(account)!;
                m.TemplateDirectory = result.GetValue(template);
                if (result.GetValue(acceptUrl) is { } url)
                {
                    m.AcceptLinkBaseUrl = url;
                }
            }

            Action<IBulkInviteBuilder> addSender;
            if (result.GetValue(smtp) is { } server)
            {
                if (!TryParseServer(server, out var host, out var port))
                {
                    await console.Error.WriteLineAsync($"bulkinvite: --smtp '{server}' is not HOST or HOST:PORT.").ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                var userName = result.GetValue(user);
                var password = userName is null ? null : console.GetEnvironmentVariable(PasswordVariable);
                if (userName is not null && string.IsNullOrEmpty(password))
                {
                    await console.Error.WriteLineAsync($"bulkinvite: --user is given, so the password must be in the environment variable {PasswordVariable}.").ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                addSender = builder => builder.AddSmtpSender(o =>
                {
                    o.Host = host;
                    o.Port = port;
                    o.Security = result.GetValue(tls) switch
                    {
                        "none" => SmtpSecurity.None,
                        "ssl" => SmtpSecurity.ImplicitTls,
                        _ => SmtpSecurity.StartTls,
                    };
                    o.UserName = userName;
                    o.Password = password;
                    o.MaxConnections = result.GetValue(connections) ?? o.MaxConnections;
                    Message(o.Message);
                });
            }
            else
            {
                var folder = result.GetValue(pickup) ?? DefaultPickupDirectory;
                addSender = builder => builder.AddPickupFolderSender(o =>
                {
                    o.Directory = folder;
                    Message(o.Message);
                });
            }

            return await CliImport.RunAsync(settings, console, addSender, cancellationToken).ConfigureAwait(false);
        });
        return command;
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
