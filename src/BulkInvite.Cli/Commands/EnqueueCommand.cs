using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite enqueue FILE</c>: keeps the upload in the shared store (<see cref="IBulkInviteQueue"/>) and prints the
/// import's id; a <c>bulkinvite worker</c> (or a host's background worker) on the same database runs it.
/// </summary>
internal static class EnqueueCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "The file of addresses (plain text, mail-client lists or CSV with a header); '-' reads standard input." };
        var store = new StoreOption(console);
        var preview = new Option<bool>("--preview") { Description = "Queue a preview: the worker classifies every entry and sends nothing." };
        var parser = new Option<string?>("--parser") { Description = "Read the file with this parser (text or csv) instead of choosing by name and content." };
        var allowRepeat = new Option<bool>("--allow-repeat") { Description = "Import the file even if the same content was imported within the last day." };
        var resendPending = new Option<bool>("--resend-pending")
        {
            Description = "Send a new link to addresses that have a pending invitation (its old link stops working) instead of reporting them AlreadyInvited.",
        };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "The largest file accepted, in bytes (default 256 MiB); a larger one is refused before anything is queued." };
        var maxQueued = new Option<int?>("--max-queued") { Description = "Refuse the file when this many imports are waiting already, counted over the whole store (default 100)." };
        var format = new Option<ReportFormat?>("--format") { Description = "table (the import's id alone on one line; the default) or json (an object with the id)." };
        var command = new Command(
            "enqueue",
            "Keep a file in the history database and queue its import, for 'bulkinvite worker' (or a host's background worker) on the same database to run. "
            + "The existing users are looked up by the worker when it sends (give --existing-users to 'worker'), not here.")
        {
            file, preview, parser, allowRepeat, resendPending, maxBytes, maxQueued, format,
        };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(format) == ReportFormat.Csv)
            {
                result.AddError("--format of enqueue is table or json.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            var bytes = result.GetValue(maxBytes);
            var queued = result.GetValue(maxQueued);
            void Configure(BulkInviteOptions o) => o.MaxFileBytes = bytes ?? o.MaxFileBytes;
            void Register(IBulkInviteBuilder builder)
            {
                builder.WithoutUserExistenceCheck();
                CliHost.AddBackgroundImports(builder, o =>
                {
                    // This process only queues: the workers run the import.
                    o.MaxConcurrentImports = 0;
                    o.MaxQueuedImports = queued ?? o.MaxQueuedImports;
                });
            }

            return await CliHost.RunAsync(console, store.Read(result), Configure, Register, async services =>
            {
                var queue = services.GetRequiredService<IBulkInviteQueue>();
                Guid importId;
                try
                {
                    var content = path == "-"
                        ? console.Input
                        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                    await using (content.ConfigureAwait(false))
                    {
                        importId = await queue.EnqueueAsync(
                            new BulkInviteRequest
                            {
                                Content = content,
                                FileName = path == "-" ? "stdin" : Path.GetFileName(path),
                                TenantId = CliHost.TenantId,
                                InitiatedBy = Environment.UserName,
                                ParserName = result.GetValue(parser),
                                AllowRepeatUpload = result.GetValue(allowRepeat),
                                ResendPendingInvitations = result.GetValue(resendPending),
                                Mode = result.GetValue(preview) ? ImportMode.Preview : ImportMode.Send,
                            },
                            cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (InviteLimitExceededException ex) when (ex.LimitName == nameof(BackgroundImportOptions.MaxQueuedImports))
                {
                    await console.Error.WriteLineAsync($"bulkinvite: cannot queue '{path}': {CliHost.OneLine(ex.Message)}").ConfigureAwait(false);
                    return CliApp.ExitError;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InviteLimitExceededException)
                {
                    await console.Error.WriteLineAsync($"bulkinvite: cannot read '{path}': {CliHost.OneLine(ex.Message)}").ConfigureAwait(false);
                    return CliApp.ExitError;
                }
                catch (ArgumentException ex)
                {
                    // A --parser that no parser has.
                    await console.Error.WriteLineAsync($"bulkinvite: cannot queue '{path}': {CliHost.OneLine(ex)}").ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                var line = result.GetValue(format) == ReportFormat.Json ? Json(importId, path, result.GetValue(preview)) : importId.ToString();
                await CliHost.WriteLineAsync(console, line, cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static string Json(Guid importId, string path, bool preview)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("importId", importId);
            writer.WriteString("fileName", path == "-" ? "stdin" : Path.GetFileName(path));
            writer.WriteBoolean("preview", preview);
            writer.WriteString("status", nameof(QueuedImportStatus.Queued));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
