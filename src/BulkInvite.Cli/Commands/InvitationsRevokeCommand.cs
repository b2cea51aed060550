using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary><c>bulkinvite invitations revoke ID|--import ID</c>: ends pending invitations; their links accept nothing from then on.</summary>
internal static class InvitationsRevokeCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var target = new InvitationTarget();
        var command = new Command("revoke", "Revoke a pending invitation, or every pending one of an import: its link stops working.");
        store.AddTo(command);
        target.AddTo(command);
        var format = InvitationsCommand.CreateFormatOption(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var invitations = services.GetRequiredService<IInvitationService>();
            var tenant = result.GetValue(target.Tenant)!;
            var json = InvitationsCommand.Chosen(result, format, console) == ReportFormat.Json;
            if (target.ImportId(result) is { } importId)
            {
                if (await services.GetRequiredService<IBulkInviteHistory>().GetReportAsync(tenant, importId, cancellationToken).ConfigureAwait(false) is null)
                {
                    await console.Error.WriteLineAsync($"bulkinvite: there is no import {importId} in '{store.Read(result)}'.").ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                var revoked = await invitations.RevokeImportAsync(tenant, importId, cancellationToken).ConfigureAwait(false);
                await InvitationOutput.WriteCountAsync(console, json, "importId", importId, "revoked", revoked, $"Revoked {revoked} invitation(s) of import {importId}.", cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }

            var id = target.InvitationId(result)!.Value;
            if (await invitations.RevokeAsync(tenant, id, cancellationToken).ConfigureAwait(false))
            {
                await InvitationOutput.WriteCountAsync(console, json, "invitationId", id, "revoked", 1, $"Revoked invitation {id}.", cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }

            var invitation = await invitations.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            await console.Error.WriteLineAsync(invitation is null
                ? $"bulkinvite: there is no invitation {id}."
                : $"bulkinvite: invitation {id} is {invitation.State}: only a pending invitation can be revoked.").ConfigureAwait(false);
            return CliApp.ExitError;
        }));
        return command;
    }
}
