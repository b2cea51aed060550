using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite invitations resend ID|--import ID</c>: sends a pending or expired invitation again with a new link
/// (the old one accepts nothing from then on), through the sender switches <c>send</c> takes.
/// </summary>
internal static class InvitationsResendCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var target = new InvitationTarget();
        var senders = new SenderSwitches();
        var command = new Command("resend", "Send a pending or expired invitation again, with a new link and a new expiry; the old link stops working.");
        store.AddTo(command);
        target.AddTo(command);
        var format = InvitationsCommand.CreateFormatOption(command);
        senders.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var (addSender, error) = senders.Read(result, console);
            if (addSender is null)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + error).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            void Register(IBulkInviteBuilder builder)
            {
                builder.WithoutUserExistenceCheck();
                addSender(builder);
            }

            return await CliHost.RunAsync(console, store.Read(result), null, Register, async services =>
            {
                var invitations = services.GetRequiredService<IInvitationService>();
                var tenant = result.GetValue(target.Tenant)!;
                var json = InvitationsCommand.Chosen(result, format, console) == ReportFormat.Json;
                try
                {
                    if (target.ImportId(result) is { } importId)
                    {
                        if (await services.GetRequiredService<IBulkInviteHistory>().GetReportAsync(tenant, importId, cancellationToken).ConfigureAwait(false) is null)
                        {
                            await console.Error.WriteLineAsync($"bulkinvite: there is no import {importId} in '{store.Read(result)}'.").ConfigureAwait(false);
                            return CliApp.ExitError;
                        }

                        var sent = await invitations.ResendImportAsync(tenant, importId, cancellationToken).ConfigureAwait(false);
                        await InvitationOutput.WriteCountAsync(console, json, "importId", importId, "resent", sent, $"Resent {sent} invitation(s) of import {importId}.", cancellationToken).ConfigureAwait(false);
                        return CliApp.ExitOk;
                    }

                    var id = target.InvitationId(result)!.Value;
                    var resent = await invitations.ResendAsync(tenant, id, cancellationToken).ConfigureAwait(false);
                    return await WriteAsync(console, json, id, resent, cancellationToken).ConfigureAwait(false);
                }
                catch (InvitationTransportException ex)
                {
                    await console.Error.WriteLineAsync(
                        $"bulkinvite: sending stopped: {CliHost.OneLine(ex.Message)} The invitations not sent keep a new link that nobody received: resend them again.").ConfigureAwait(false);
                    return CliApp.ExitError;
                }
            }, tokensOf: result.GetValue(target.Tenant)).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> WriteAsync(CliConsole console, bool json, Guid id, InvitationResendResult resent, CancellationToken cancellationToken)
    {
        if (resent.Status == InvitationResendStatus.NotFound)
        {
            await console.Error.WriteLineAsync($"bulkinvite: there is no invitation {id}.").ConfigureAwait(false);
            return CliApp.ExitError;
        }

        if (json)
        {
            await InvitationOutput.WriteJsonAsync(
                console,
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("status", resent.Status.ToString());
                    if (resent.Detail is { } detail)
                    {
                        writer.WriteString("detail", detail);
                    }

                    writer.WritePropertyName("invitation");
                    InvitationJson.Write(writer, resent.Invitation!);
                    writer.WriteEndObject();
                },
                cancellationToken).ConfigureAwait(false);
        }

        var invitation = resent.Invitation!;
        switch (resent.Status)
        {
            case InvitationResendStatus.Sent:
                if (!json)
                {
                    await CliHost.WriteLineAsync(console, $"Resent invitation {id}; the new link expires {invitation.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.", cancellationToken).ConfigureAwait(false);
                }

                return CliApp.ExitOk;
            case InvitationResendStatus.Rejected:
                await console.Error.WriteLineAsync($"bulkinvite: the mail server refused invitation {id}: {TerminalText.Printable(CliHost.OneLine(resent.Detail ?? "no reason given"))}. Its old link no longer works.").ConfigureAwait(false);
                return CliApp.ExitError;
            default:
                await console.Error.WriteLineAsync($"bulkinvite: invitation {id} is {invitation.State}: nothing was sent.").ConfigureAwait(false);
                return CliApp.ExitError;
        }
    }
}
