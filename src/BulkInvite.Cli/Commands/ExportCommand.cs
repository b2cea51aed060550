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
            var database = store.Read(result);
            if (path is not null && Directory.Exists(path))
            {
                await console.Error.WriteLineAsync($"bulkinvite: --output '{path}' is a folder; name a file.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            if (path is not null && KeepsTheHistory(console, database, path))
            {
                await console.Error.WriteLineAsync($"bulkinvite: --output '{path}' is a file of the history database '{database}' (or its key); choose another file.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            // Written to a file of its own beside the output, which replaces the output only once the export is whole:
            // an export that fails leaves the file it would have replaced as it was.
            var written = path is null ? null : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            var stream = written is null ? console.Output : new FileStream(written, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var whole = false;
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

                whole = true;
            }
            finally
            {
                if (written is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    if (whole)
                    {
                        File.Move(written, path!, overwrite: true);
                    }
                    else
                    {
                        File.Delete(written);
                    }
                }
            }

            return CliApp.ExitOk;
        }));
        return command;
    }

    /// <summary>Whether a file is the SQLite history database, one of SQLite's files beside it, or the key file of its links.</summary>
    private static bool KeepsTheHistory(CliConsole console, HistoryDatabase database, string path)
    {
        var target = FinalPath(path);
        var kept = new List<string>();
        if (database.Path is { } file)
        {
            var full = FinalPath(file);
            kept.AddRange([full, full + "-wal", full + "-shm", full + "-journal"]);
        }

        if (CliHost.TokenKeyFile(console, database) is { } key)
        {
            kept.Add(FinalPath(key));
        }

        return kept.Contains(target, StringComparer.Ordinal);
    }

    /// <summary>The full path of a file, through the symbolic links to it.</summary>
    private static string FinalPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return File.Exists(full) ? File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full : full;
    }
}
