using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite resume ID</c>: sends what an interrupted import left pending (the process died, or the mail server
/// was down), with the same sender switches as <c>send</c>. Nobody is invited twice; nobody is lost.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<Guid>("ID") { Description = "The import's id (see 'bulkinvite history')." };
        var store = new StoreOption(console);
        var existingUsers = ImportInputOptions.CreateExistingUsersOption();
        var allowInvalid = ImportInputOptions.CreateAllowInvalidExistingUsersOption();
        var format = new Option<ReportFormat?>("--format") { Description = "table, csv or json (default: table on a terminal, json otherwise)." };
        var summary = new Option<bool>("--summary") { Description = "Print only the counts." };
        var force = new Option<bool>("--force")
        {
            Description = "Resume although the process that ran the import may still hold it (its lease has not expired, 30 s after its last renewal): only when you know that process has stopped.",
        };
        var senders = new SenderSwitches();
        var inFlight = new Option<InFlightAfterCrash>("--in-flight")
        {
            Description = "What to do with entries that were being sent when the import's process stopped: Resend (the default) or MarkUnknown.",
            DefaultValueFactory = _ => InFlightAfterCrash.Resend,
        };
        var command = new Command("resume", "Send the entries an interrupted import left pending.") { id, existingUsers, allowInvalid, format, summary, force, inFlight };
        store.AddTo(command);
        senders.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var (addSender, error) = senders.Read(result, console);
            if (addSender is null)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + error).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var directory = result.GetValue(existingUsers) is { } usersPath ? new FileUserDirectory(usersPath) : null;

            var forced = result.GetValue(force);
            var policy = result.GetValue(inFlight);
            Action<BulkInviteOptions> configure = o =>
            {
                o.ResumeAfterInactivity = forced ? TimeSpan.Zero : o.ResumeAfterInactivity;
                o.InFlightAfterCrash = policy;
            };
            void Register(IBulkInviteBuilder builder)
            {
                CliHost.AddUserDirectory(builder, directory);
                addSender(builder);
            }

            return await CliHost.RunAsync(console, store.Read(result), configure, Register, async services =>
            {
                if (!await CliHost.LoadUserDirectoryAsync(console, services, directory, result.GetValue(allowInvalid), cancellationToken).ConfigureAwait(false))
                {
                    return CliApp.ExitError;
                }

                var service = services.GetRequiredService<IBulkInviteService>();
                BulkInviteReport report;
                try
                {
                    using var progress = console.IsErrorTerminal ? new TerminalProgress(console.Error) : null;
                    report = await service.ResumeAsync(CliHost.TenantId, result.GetValue(id), progress, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return await CliImport.CancelledAsync(console, services.GetRequiredService<IBulkInviteHistory>(), result.GetValue(id), send: true).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or InvitationTransportException)
                {
                    await console.Error.WriteLineAsync("bulkinvite: cannot resume: " + CliHost.OneLine(ex.Message)).ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                var chosen = result.GetValue(format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json);
                await ReportWriters.WriteAsync(services.GetRequiredService<IBulkInviteHistory>(), report, chosen, result.GetValue(summary), console.Output, cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }, tokensOf: CliHost.TenantId).ConfigureAwait(false);
        });
        return command;
    }
}
