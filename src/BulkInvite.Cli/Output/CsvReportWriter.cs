using System.Globalization;
using System.Text;

namespace BulkInvite.Cli.Output;

/// <summary>
/// The entries as CSV (RFC 4180), one row each, with a header row. Cells that a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) are prefixed with an apostrophe.
/// </summary>
internal sealed class CsvReportWriter(Stream output) : IReportWriter
{
    public async Task WriteAsync(BulkInviteReport report, IAsyncEnumerable<InviteEntryResult>? entries, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await using (writer.ConfigureAwait(false))
        {
            if (entries is null)
            {
                await writer.WriteLineAsync("outcome,count").ConfigureAwait(false);
                foreach (var outcome in Enum.GetValues<InviteOutcome>())
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{outcome},{report.Counts[outcome]}")).ConfigureAwait(false);
                }

                return;
            }

            await writer.WriteLineAsync("line,address,outcome,reason,detail,duplicate_of_line").ConfigureAwait(false);
            await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var row = string.Join(
                    ',',
                    entry.Line.ToString(CultureInfo.InvariantCulture),
                    Cell(entry.Address),
                    entry.Outcome.ToString(),
                    Cell(entry.Reason),
                    Cell(entry.Detail),
                    entry.DuplicateOfLine?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                await writer.WriteLineAsync(row).ConfigureAwait(false);
            }
        }
    }

    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
