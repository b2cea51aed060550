using System.Text;

namespace BulkInvite.Export;

/// <summary>
/// Cells of CSV files (RFC 4180) that people open in spreadsheets: quoted when they hold a quote, a comma or a line
/// break, and neutralised when a spreadsheet would run them as a formula.
/// </summary>
internal static class CsvText
{
    /// <summary>
    /// Whether a spreadsheet would take a cell with this text as a formula: it starts with <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, a tab or a carriage return.
    /// </summary>
    public static bool LooksLikeFormula(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>
    /// Appends the cell for a text value: nothing for <see langword="null"/>; an apostrophe in front of text that
    /// looks like a formula (spreadsheets show it as text then); quotes around text with a quote, comma or line
    /// break, inner quotes doubled.
    /// </summary>
    public static StringBuilder AppendCell(StringBuilder row, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return row;
        }

        var quoted = NeedsQuotes(value);
        if (quoted)
        {
            row.Append('"');
        }

        if (LooksLikeFormula(value))
        {
            row.Append('\'');
        }

        if (quoted)
        {
            foreach (var c in value)
            {
                if (c == '"')
                {
                    row.Append('"');
                }

                row.Append(c);
            }

            return row.Append('"');
        }

        return row.Append(value);
    }

    private static bool NeedsQuotes(string value) => value.AsSpan().IndexOfAny("\",\r\n") >= 0;
}
