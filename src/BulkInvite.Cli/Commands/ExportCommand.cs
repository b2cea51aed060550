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
            if (result.GetResult(output) is not null && string.IsNullOrEmpty(result.GetValue(output)))
            {
                result.AddError("--output must name a file.");
            }

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

            // A new file is written beside its name and takes it only once the export is whole, so an export that fails
            // leaves no half file. A file that exists (a report written before, /dev/null, a pipe, a link) is written
            // in place, as it is.
            var written = path is null || File.Exists(path)
                ? null
                : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            var stream = path is null ? console.Output : new FileStream(written ?? path, written is null ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
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
                if (path is not null)
                {
                    try
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        if (whole && written is not null)
                        {
                            File.Move(written, path, overwrite: true);
                        }
                    }
                    finally
                    {
                        if (written is not null && File.Exists(written))
                        {
                            // What failed is what the caller hears about, not this clean-up.
                            try
                            {
                                File.Delete(written);
                            }
                            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                            {
                            }
                        }
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

        // Names that differ only in case are one file where the file system ignores case (as Windows' and macOS's do by default).
        return kept.Contains(target, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    }

    /// <summary>
    /// The path of a file with every symbolic link on its way followed, as the system follows them: one name at a time,
    /// <c>..</c> taken from the folder a link led to, and a link's own target followed the same way.
    /// </summary>
    private static string FinalPath(string path, int links = 0)
    {
        var absolute = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(Environment.CurrentDirectory, path);
        var root = System.IO.Path.GetPathRoot(absolute)!;
        var current = root;
        foreach (var part in absolute[root.Length..].Split([System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = System.IO.Path.GetDirectoryName(current) ?? current;
                continue;
            }

            current = System.IO.Path.Combine(current, part);
            FileSystemInfo step = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (step.LinkTarget is { } target)
            {
                if (links >= 40)
                {
                    throw new IOException($"Too many symbolic links on the way to '{path}'.");
                }

                current = FinalPath(System.IO.Path.IsPathRooted(target) ? target : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(current)!, target), links + 1);
            }
        }

        return current;
    }
}
