using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary><c>bulkinvite report ID</c>: one import's summary and entries, optionally of one outcome.</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<Guid>("ID") { Description = "The import's id (see 'bulkinvite history')." };
        var store = new StoreOption(console);
        var outcome = new Option<InviteOutcome?>("--outcome") { Description = "Only entries with this outcome (for example Failed or Invalid)." };
        var format = new Option<ReportFormat?>("--format") { Description = "table, csv or json (default: table on a terminal, json otherwise)." };
        var summary = new Option<bool>("--summary") { Description = "Print only the counts." };
        var command = new Command("report", "Show one import: its counts and one row per entry.") { id, outcome, format, summary };
        store.AddTo(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var history = services.GetRequiredService<IBulkInviteHistory>();
            var report = await history.GetReportAsync(CliHost.TenantId, result.GetValue(id), cancellationToken).ConfigureAwait(false);
            if (report is null)
            {
                // A queued import has no report until a worker starts it; the queue still knows it.
                var status = await history.GetStatusAsync(CliHost.TenantId, result.GetValue(id), cancellationToken).ConfigureAwait(false);
                var why = status switch
                {
                    null => $"there is no import {result.GetValue(id)} in '{store.Read(result)}'.",
                    { Phase: ImportPhase.Queued } => $"import {status.ImportId} ('{TerminalText.Printable(status.FileName)}') is queued and has not started: it has no report yet.",
                    { Phase: ImportPhase.Running } => $"import {status.ImportId} ('{TerminalText.Printable(status.FileName)}') is starting on {TerminalText.Printable(status.RunningOn ?? "a worker")}: it has no report yet.",
                    _ => $"import {status.ImportId} ('{TerminalText.Printable(status.FileName)}') ended without a report: {TerminalText.Printable(status.Error ?? "no error recorded")}",
                };
                await console.Error.WriteLineAsync("bulkinvite: " + why).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var chosen = result.GetValue(format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json);
            await ReportWriters.WriteAsync(history, report, chosen, result.GetValue(summary), console.Output, cancellationToken, result.GetValue(outcome)).ConfigureAwait(false);
            return CliApp.ExitOk;
        }));
        return command;
    }
}
