using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite history</c>: every past import, newest first, with its counts, its invitations' counts, its status and
/// the worker that ran it (<see cref="BulkInviteReport.RunBy"/>: <c>-</c>, or <see langword="null"/> in JSON, when it
/// ran in the process that imported it).
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var limit = new Option<int>("--limit") { Description = "The most imports to list.", DefaultValueFactory = _ => 50 };
        var previews = new Option<bool>("--previews") { Description = "List previews too." };
        var format = new Option<ReportFormat?>("--format") { Description = "table or json (default: table on a terminal, json otherwise)." };
        var command = new Command("history", "List past imports, newest first.") { limit, previews, format };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            // Only a limit given: a validator does not see the option's default.
            if (result.GetResult(limit) is not null && result.GetValue(limit) < 1)
            {
                result.AddError($"--limit is {result.GetValue(limit)}; it must be at least 1.");
            }

            if (result.GetValue(format) == ReportFormat.Csv)
            {
                result.AddError("--format of history is table or json.");
            }
        });
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var history = services.GetRequiredService<IBulkInviteHistory>();
            var page = await history.GetHistoryAsync(
                CliHost.TenantId,
                new ImportQuery { Limit = result.GetValue(limit), IncludePreviews = result.GetValue(previews) },
                cancellationToken).ConfigureAwait(false);
            var chosen = result.GetValue(format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json);
            var bytes = chosen == ReportFormat.Json ? Json(page) : Encoding.UTF8.GetBytes(Table(page));
            await console.Output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        }));
        return command;
    }

    private static string Table(InvitePage<BulkInviteReport> page)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Started (UTC)",-20} {"File",-24} {"Initiator",-12} {"Status",-20} {"Invited",8} {"Invalid",8} {"Dupl.",6} {"Existing",8} {"Failed",7} {"Pending",8} {"Accepted",8} {"Expired",8} {"Revoked",8}  {"Run by",-20}  Import");
        foreach (var r in page.Items)
        {
            var c = r.Counts;
            var i = r.Invitations ?? InvitationCounts.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.CreatedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss} {Cut(TerminalText.Printable(r.FileName), 24),-24} {Cut(TerminalText.Printable(r.InitiatedBy), 12),-12} {(r.IsPreview ? "Preview" : r.Status.ToString()),-20} {c.Invited,8} {c.Invalid,8} {c.Duplicate,6} {c.ExistingUser,8} {c.Failed,7} {c.Pending,8} {i.Accepted,8} {i.Expired,8} {i.Revoked,8}  {Cut(TerminalText.Printable(r.RunBy ?? "-"), 20),-20}  {r.ImportId}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{page.Items.Count} of {page.TotalCount} import(s).");
        return text.ToString();
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static byte[] Json(InvitePage<BulkInviteReport> page)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("total", page.TotalCount);
            writer.WriteStartArray("imports");
            foreach (var r in page.Items)
            {
                writer.WriteStartObject();
                writer.WriteString("importId", r.ImportId);
                writer.WriteString("fileName", r.FileName);
                writer.WriteString("initiatedBy", r.InitiatedBy);
                writer.WriteString("status", r.Status.ToString());
                writer.WriteBoolean("preview", r.IsPreview);
                writer.WriteString("createdAt", r.CreatedAt);
                writer.WriteString("runBy", r.RunBy);
                if (r.Error is { } error)
                {
                    writer.WriteString("error", error);
                }
                writer.WriteStartObject("counts");
                foreach (var outcome in Enum.GetValues<InviteOutcome>())
                {
                    writer.WriteNumber(outcome.ToString(), r.Counts[outcome]);
                }

                writer.WriteEndObject();
                if (r.Invitations is { } invitations)
                {
                    InvitationJson.WriteCounts(writer, invitations);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
