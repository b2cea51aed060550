using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite export ID</c>: one import's report as a file (CSV or JSON lines), or the failed rows in the
/// form of the uploaded file, to stdout or <c>--output FILE</c>.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<Guid>("ID") { Description = "The import's id (see 'bulkinvite history')." };
        var store = new StoreOption(console);
        var format = new Option<ExportFormat?>("--format") { Description = "csv or jsonl (default: csv)." };
        var failedOnly = new Option<bool>("--failed-only")
        {
            Description = "Only the Invalid, Failed and Skipped entries, in the form of the uploaded file (CSV or text), to fix and send again.",
        };
        var outcome = new Option<InviteOutcome?>("--outcome") { Description = "Only entries with this outcome (for example Failed or Invalid)." };
        var output = new Option<string?>("--output", "-o") { Description = "The file to write (default: standard output)." };
        var command = new Command("export", "Write one import's report as a CSV or JSON-lines file, or its failed rows to upload again.")
        {
            id, format, failedOnly, outcome, output,
        };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(failedOnly) && (result.GetValue(format) is not null || result.GetValue(outcome) is not null))
            {
                result.AddError("--failed-only writes the form of the uploaded file: give it without --format and --outcome.");
            }
        });
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var history = services.GetRequiredService<IBulkInviteHistory>();
            var importId = result.GetValue(id);
            if (await history.GetReportAsync(CliHost.TenantId, importId, cancellationToken).ConfigureAwait(false) is null)
            {
                await console.Error.WriteLineAsync($"bulkinvite: there is no import {importId} in '{store.Read(result)}'.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var path = result.GetValue(output);
            var stream = path is null ? console.Output : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            try
            {
                if (result.GetValue(failedOnly))
                {
                    await InviteReportExport.WriteFailedRowsAsync(history, CliHost.TenantId, importId, stream, cancellationToken).ConfigureAwait(false);
                }
                else if (result.GetValue(format) == ExportFormat.Jsonl)
                {
                    await InviteReportExport.WriteJsonLinesAsync(history, CliHost.TenantId, importId, stream, result.GetValue(outcome), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await InviteReportExport.WriteCsvAsync(history, CliHost.TenantId, importId, stream, result.GetValue(outcome), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (path is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }

            return CliApp.ExitOk;
        }));
        return command;
    }
}
