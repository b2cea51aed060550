using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite invitations expire [--tenant T]</c>: the expiry sweep. Records <c>Expired</c> on every pending
/// invitation of the tenant past its expiry, so the ledger keeps what every read already shows, and prints how many.
/// </summary>
internal static class InvitationsExpireCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var command = new Command("expire", "Record Expired on every pending invitation past its expiry, and print how many.");
        store.AddTo(command);
        var tenant = InvitationTarget.AddTenantOption(command);
        var format = InvitationsCommand.CreateFormatOption(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var tenantId = result.GetValue(tenant)!;
            var expired = await services.GetRequiredService<IInvitationService>().ExpireAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (InvitationsCommand.Chosen(result, format, console) == ReportFormat.Json)
            {
                await InvitationOutput.WriteJsonAsync(
                    console,
                    writer =>
                    {
                        writer.WriteStartObject();
                        writer.WriteString("tenant", tenantId);
                        writer.WriteNumber("expired", expired);
                        writer.WriteEndObject();
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CliHost.WriteLineAsync(console, $"Recorded {expired} invitation(s) past their expiry as Expired.", cancellationToken).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        }));
        return command;
    }
}
