using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BulkInvite.Export;

namespace BulkInvite;

/// <summary>
/// Downloadable reports of one import: every entry as CSV or JSON lines, and the "failed rows only" file that can be
/// fixed and uploaded again. Each writer streams: it reads the entries through
/// <see cref="IBulkInviteHistory.ReadEntriesAsync"/> (keyset pages without counts) and writes them as they come,
/// so an import of any size is exported in bounded memory.
/// </summary>
/// <remarks>
/// <para>
/// Every file is UTF-8 without a byte-order mark. CSV follows RFC 4180 with CRLF line ends. A text cell with a
/// <c>,</c>, <c>;</c> or tab (the list separators of common locales), a quote or a line break is quoted, and an
/// apostrophe goes in front of a formula start (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, their full-width forms, a tab
/// or a lone carriage return) at the start of a cell and after each separator or line break inside it: a spreadsheet
/// that reads the file with <c>,</c>, <c>;</c> or a tab as its separator runs no cell as a formula. The writers leave
/// <c>output</c> open and flush it at the end.
/// </para>
/// <para>
/// An import the tenant does not have (another tenant's included) throws <see cref="KeyNotFoundException"/> before
/// anything is written.
/// </para>
/// </remarks>
public static class InviteReportExport
{
    /// <summary>The header row of <see cref="WriteCsvAsync"/>.</summary>
    public const string CsvHeader = "line,address,display_name,outcome,reason,detail,duplicate_of_line,status_code,updated_at,fields,invitation_id,invitation_state,invitation_expires_at";

    /// <summary>The outcomes <see cref="WriteFailedRowsAsync"/> writes: entries that were not invited and can be fixed and sent again.</summary>
    internal static IReadOnlyList<InviteOutcome> FailedOutcomes { get; } = [InviteOutcome.Invalid, InviteOutcome.Failed, InviteOutcome.Skipped];

    private const int FlushThreshold = 1 << 16;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes the entries of an import as CSV: the header <see cref="CsvHeader"/> and one row per entry in file order.
    /// </summary>
    /// <param name="history">The history to read the import from.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="output">Where the file is written.</param>
    /// <param name="outcome">Only entries with this outcome; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>A task that completes when the file is written and flushed.</returns>
    /// <remarks>
    /// <c>updated_at</c> is ISO 8601 with its offset (<c>O</c> format). Per-recipient fields go into the one column
    /// <c>fields</c> as <c>name=value</c> pairs separated by <c>"; "</c>, in the order the entry holds them, with
    /// <c>\</c>, <c>;</c> and <c>=</c> inside a name or value escaped by a backslash: one column whatever the fields of
    /// each entry, so the header is known before the first row. (<see cref="WriteFailedRowsAsync"/> writes fields as
    /// columns, for upload again.) The last three columns are the entry's invitation as it stands when the file is
    /// written (<see cref="InviteEntryResult.Invitation"/>): its id, its state (<see cref="InvitationState"/>) and when its
    /// link expires; empty for an entry that sent none. No file holds a token.
    /// </remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    public static Task WriteCsvAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, InviteOutcome? outcome = null, CancellationToken cancellationToken = default)
    {
        Validate(history, tenantId, output, outcome);
        return WriteCsvCoreAsync(history, tenantId, importId, output, outcome, cancellationToken);
    }

    /// <summary>
    /// Writes the entries of an import as JSON lines: one JSON object per entry and line (LF), in file order, with the
    /// members <c>line</c>, <c>address</c>, <c>display_name</c>, <c>outcome</c>, <c>reason</c>, <c>detail</c>,
    /// <c>duplicate_of_line</c>, <c>status_code</c>, <c>updated_at</c> (<see langword="null"/> when not set),
    /// <c>fields</c> (an object of strings, or <see langword="null"/>) and <c>invitation</c> (the entry's invitation as it
    /// stands when the file is written: an object of <c>id</c>, <c>state</c>, <c>expires_at</c>, <c>accepted_at</c>,
    /// <c>revoked_at</c> and <c>send_count</c>; <see langword="null"/> for an entry that sent none).
    /// </summary>
    /// <param name="history">The history to read the import from.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="output">Where the file is written.</param>
    /// <param name="outcome">Only entries with this outcome; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>A task that completes when the file is written and flushed.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    public static Task WriteJsonLinesAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, InviteOutcome? outcome = null, CancellationToken cancellationToken = default)
    {
        Validate(history, tenantId, output, outcome);
        return WriteJsonLinesCoreAsync(history, tenantId, importId, output, outcome, cancellationToken);
    }

    /// <summary>
    /// Writes the "failed rows only" file of an import: the entries that were <see cref="InviteOutcome.Invalid"/>,
    /// <see cref="InviteOutcome.Failed"/> or <see cref="InviteOutcome.Skipped"/>, in file order and in the form of the
    /// uploaded file, ready to be fixed and uploaded again.
    /// </summary>
    /// <param name="history">The history to read the import from.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="output">Where the file is written.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>A task that completes when the file is written and flushed.</returns>
    /// <remarks>
    /// <para>
    /// An import read by the CSV parser (<see cref="BulkInviteReport.ParserName"/> <c>csv</c>) gives a CSV file: the
    /// header <c>email</c> and the names of the per-recipient fields (in the order the first failed entry holds
    /// them), then one row per entry with its address and its fields as uploaded (a field the entry lacks is empty).
    /// Cells get an apostrophe where a formula could start, as in every CSV this class writes; such an address needs
    /// the apostrophe removed before it is uploaded again.
    /// </para>
    /// <para>
    /// Any other import gives plain text with CRLF line ends: one entry a line, <c>"Display Name" &lt;address&gt;</c>
    /// when the entry had a display name (quotes and backslashes in it escaped with a backslash), else the address.
    /// Plain text is not neutralised, on purpose: it is an address list to fix and upload again (hosts offer it as
    /// <c>.txt</c>), not a table to open in a spreadsheet; the text parser must read each line back as it was uploaded,
    /// and an apostrophe would become part of the address. Only a line without a display name can start with a formula
    /// character, and then it is the address as it was uploaded.
    /// </para>
    /// </remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    public static Task WriteFailedRowsAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, CancellationToken cancellationToken = default)
    {
        Validate(history, tenantId, output, outcome: null);
        return WriteFailedRowsCoreAsync(history, tenantId, importId, output, cancellationToken);
    }

    private static void Validate(IBulkInviteHistory history, string tenantId, Stream output, InviteOutcome? outcome)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        if (outcome is { } value && !Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), value, "Not an outcome.");
        }
    }

    private static async Task<BulkInviteReport> GetImportAsync(IBulkInviteHistory history, string tenantId, Guid importId, CancellationToken cancellationToken)
        => await history.GetReportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false)
           ?? throw new KeyNotFoundException($"Tenant has no import {importId}.");

    private static StreamWriter CreateWriter(Stream output)
        => new(output, Utf8NoBom, FlushThreshold, leaveOpen: true) { NewLine = "\r\n" };

    private static async Task WriteCsvCoreAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, InviteOutcome? outcome, CancellationToken cancellationToken)
    {
        await GetImportAsync(history, tenantId, importId, cancellationToken).ConfigureAwait(false);
        var writer = CreateWriter(output);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync(CsvHeader).ConfigureAwait(false);
            var row = new StringBuilder(256);
            await foreach (var entry in history.ReadEntriesAsync(tenantId, importId, outcome, cancellationToken).ConfigureAwait(false))
            {
                row.Clear();
                row.Append(entry.Line.ToString(CultureInfo.InvariantCulture)).Append(',');
                CsvText.AppendCell(row, entry.Address).Append(',');
                CsvText.AppendCell(row, entry.DisplayName).Append(',');
                row.Append(entry.Outcome.ToString()).Append(',');
                CsvText.AppendCell(row, entry.Reason).Append(',');
                CsvText.AppendCell(row, entry.Detail).Append(',');
                row.Append(entry.DuplicateOfLine?.ToString(CultureInfo.InvariantCulture)).Append(',');
                row.Append(entry.StatusCode?.ToString(CultureInfo.InvariantCulture)).Append(',');
                row.Append(entry.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)).Append(',');
                CsvText.AppendCell(row, FieldsText(entry.Fields)).Append(',');
                if (entry.Invitation is { } invitation)
                {
                    row.Append(invitation.InvitationId.ToString("D", CultureInfo.InvariantCulture)).Append(',');
                    row.Append(invitation.State.ToString()).Append(',');
                    row.Append(invitation.ExpiresAt.ToString("O", CultureInfo.InvariantCulture));
                }
                else
                {
                    row.Append(",,");
                }

                row.Append("\r\n");
                await writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>fields</c> cell: <c>name=value</c> pairs separated by <c>"; "</c>, with <c>\ ; =</c> escaped.</summary>
    internal static string? FieldsText(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            AppendEscaped(text, name).Append('=');
            AppendEscaped(text, value);
        }

        return text.ToString();

        static StringBuilder AppendEscaped(StringBuilder text, string value)
        {
            foreach (var c in value)
            {
                if (c is '\\' or ';' or '=')
                {
                    text.Append('\\');
                }

                text.Append(c);
            }

            return text;
        }
    }

    private static async Task WriteJsonLinesCoreAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, InviteOutcome? outcome, CancellationToken cancellationToken)
    {
        await GetImportAsync(history, tenantId, importId, cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold + 4096);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var json = new Utf8JsonWriter(buffer, options);
        await using (json.ConfigureAwait(false))
        {
            await foreach (var entry in history.ReadEntriesAsync(tenantId, importId, outcome, cancellationToken).ConfigureAwait(false))
            {
                WriteJson(json, entry);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
                if (buffer.WrittenCount >= FlushThreshold)
                {
                    await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                }
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteJson(Utf8JsonWriter json, InviteEntryResult entry)
    {
        json.WriteStartObject();
        json.WriteNumber("line", entry.Line);
        json.WriteString("address", entry.Address);
        json.WriteString("display_name", entry.DisplayName);
        json.WriteString("outcome", entry.Outcome.ToString());
        json.WriteString("reason", entry.Reason);
        json.WriteString("detail", entry.Detail);
        if (entry.DuplicateOfLine is { } first)
        {
            json.WriteNumber("duplicate_of_line", first);
        }
        else
        {
            json.WriteNull("duplicate_of_line");
        }

        if (entry.StatusCode is { } code)
        {
            json.WriteNumber("status_code", code);
        }
        else
        {
            json.WriteNull("status_code");
        }

        json.WriteString("updated_at", entry.UpdatedAt);
        if (entry.Fields is { } fields)
        {
            json.WriteStartObject("fields");
            foreach (var (name, value) in fields)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("fields");
        }

        if (entry.Invitation is { } invitation)
        {
            json.WriteStartObject("invitation");
            json.WriteString("id", invitation.InvitationId);
            json.WriteString("state", invitation.State.ToString());
            json.WriteString("expires_at", invitation.ExpiresAt);
            WriteTime(json, "accepted_at", invitation.AcceptedAt);
            WriteTime(json, "revoked_at", invitation.RevokedAt);
            json.WriteNumber("send_count", invitation.SendCount);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("invitation");
        }

        json.WriteEndObject();

        static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
        {
            if (time is { } value)
            {
                json.WriteString(name, value);
            }
            else
            {
                json.WriteNull(name);
            }
        }
    }

    private static async Task WriteFailedRowsCoreAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, Stream output, CancellationToken cancellationToken)
    {
        var import = await GetImportAsync(history, tenantId, importId, cancellationToken).ConfigureAwait(false);
        var asCsv = string.Equals(import.ParserName, CsvInviteParser.ParserName, StringComparison.Ordinal);
        var writer = CreateWriter(output);
        await using (writer.ConfigureAwait(false))
        {
            var row = new StringBuilder(256);
            string[]? columns = null;
            await foreach (var entry in SequenceMerge.ReadAsync(history, tenantId, importId, FailedOutcomes, cancellationToken).ConfigureAwait(false))
            {
                row.Clear();
                if (asCsv)
                {
                    if (columns is null)
                    {
                        columns = entry.Fields?.Keys.ToArray() ?? [];
                        await writer.WriteLineAsync(CsvHeaderOf(columns)).ConfigureAwait(false);
                    }

                    CsvText.AppendCell(row, entry.Address);
                    foreach (var column in columns)
                    {
                        row.Append(',');
                        CsvText.AppendCell(row, entry.Fields is { } fields && fields.TryGetValue(column, out var value) ? value : null);
                    }
                }
                else
                {
                    AppendMailbox(row, entry);
                }

                row.Append("\r\n");
                await writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
            }

            if (asCsv && columns is null)
            {
                await writer.WriteLineAsync(CsvHeaderOf([])).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string CsvHeaderOf(string[] fieldNames)
    {
        var header = new StringBuilder("email");
        foreach (var name in fieldNames)
        {
            CsvText.AppendCell(header.Append(','), name);
        }

        return header.ToString();
    }

    /// <summary>
    /// A line of the plain-text failed-rows file, left as uploaded and not neutralised: the file is an address list
    /// that must round-trip through the text parser, not a spreadsheet (see <see cref="WriteFailedRowsAsync"/>).
    /// </summary>
    private static void AppendMailbox(StringBuilder row, InviteEntryResult entry)
    {
        if (string.IsNullOrEmpty(entry.DisplayName))
        {
            row.Append(entry.Address);
            return;
        }

        row.Append('"');
        foreach (var c in entry.DisplayName)
        {
            if (c is '"' or '\\')
            {
                row.Append('\\');
            }

            row.Append(c);
        }

        row.Append("\" <").Append(entry.Address).Append('>');
    }
}
