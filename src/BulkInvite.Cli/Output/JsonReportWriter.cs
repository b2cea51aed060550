using System.Text.Encodings.Web;
using System.Text.Json;

namespace BulkInvite.Cli.Output;

/// <summary>
/// One JSON document: the import's fields (<c>runBy</c>: the worker that ran it, or <see langword="null"/> when it ran in
/// the process that imported it; <c>error</c>, only when the import failed, says why), <c>counts</c> (every outcome name mapped to its count), <c>invitations</c>
/// (every invitation state mapped to its count; absent for a preview) and <c>entries</c> (line, address, outcome, reason,
/// ..., and <c>invitation</c> with its id, state and expiry when the entry sent one), written as it streams.
/// </summary>
internal sealed class JsonReportWriter(Stream output) : IReportWriter
{
    public async Task WriteAsync(BulkInviteReport report, IAsyncEnumerable<InviteEntryResult>? entries, CancellationToken cancellationToken)
    {
        var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("importId", report.ImportId);
            writer.WriteString("fileName", report.FileName);
            writer.WriteString("parser", report.ParserName);
            writer.WriteString("status", report.Status.ToString());
            writer.WriteBoolean("preview", report.IsPreview);
            writer.WriteString("createdAt", report.CreatedAt);
            writer.WriteString("runBy", report.RunBy);
            if (report.Error is { } error)
            {
                writer.WriteString("error", error);
            }
            if (report.CompletedAt is { } completed)
            {
                writer.WriteString("completedAt", completed);
            }

            writer.WriteNumber("total", report.Counts.Total);
            writer.WriteStartObject("counts");
            foreach (var outcome in Enum.GetValues<InviteOutcome>())
            {
                writer.WriteNumber(outcome.ToString(), report.Counts[outcome]);
            }

            writer.WriteEndObject();
            if (report.Invitations is { } invitations)
            {
                InvitationJson.WriteCounts(writer, invitations);
            }

            if (entries is not null)
            {
                writer.WriteStartArray("entries");
                await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("line", entry.Line);
                    writer.WriteString("address", entry.Address);
                    writer.WriteString("outcome", entry.Outcome.ToString());
                    writer.WriteString("reason", entry.Reason);
                    if (entry.Detail is not null)
                    {
                        writer.WriteString("detail", entry.Detail);
                    }

                    if (entry.DuplicateOfLine is { } first)
                    {
                        writer.WriteNumber("duplicateOfLine", first);
                    }

                    if (entry.StatusCode is { } code)
                    {
                        writer.WriteNumber("statusCode", code);
                    }

                    if (entry.Invitation is { } invitation)
                    {
                        writer.WriteStartObject("invitation");
                        writer.WriteString("invitationId", invitation.InvitationId);
                        writer.WriteString("state", invitation.State.ToString());
                        writer.WriteString("expiresAt", invitation.ExpiresAt);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                    if (writer.BytesPending > 1 << 16)
                    {
                        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
