using System.Buffers;
using System.Text;

namespace BulkInvite.Export;

/// <summary>
/// Cells of CSV files (RFC 4180) that people open in spreadsheets: quoted when they hold a quote, a line break or the
/// list separator of any common locale (<c>,</c> <c>;</c> tab), and neutralised wherever a spreadsheet could start a
/// cell that it would run as a formula.
/// </summary>
/// <remarks>
/// A spreadsheet set to another list separator (<c>;</c> in German or French Excel, a tab) splits a comma-separated
/// file at that character, quotes or not: a quote opens a quoted cell only at the start of a cell, and a line break
/// outside one ends the row. So every piece of a cell that such a reader could make a cell of is checked: the cell's
/// start, and the character after each <c>,</c> <c>;</c> tab, CR or LF inside it. A piece that starts a formula, or
/// with a quote (which such a reader would take as opening a quoted cell whose text follows), gets an apostrophe in
/// front; spreadsheets show a cell that starts with an apostrophe as text.
/// </remarks>
internal static class CsvText
{
    // Where a reader with another locale's separator, or one that ends a row at any line break, may start a cell.
    private static readonly SearchValues<char> PieceStarts = SearchValues.Create(",;\t\r\n");

    // A cell with any of these is quoted: the separators of every common locale, quotes and line breaks.
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create("\",;\t\r\n");

    /// <summary>
    /// Whether a spreadsheet would take a cell with this text as a formula: it starts with <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c> (or their full-width forms, which some spreadsheets read as the same), a tab, or a CR
    /// that is not the start of a CR LF line break.
    /// </summary>
    public static bool LooksLikeFormula(string value) => StartsFormula(value, 0);

    /// <summary>
    /// Appends the cell for a text value: nothing for <see langword="null"/>; an apostrophe in front of text that
    /// looks like a formula and after each separator or line break inside it that is followed by a formula or a quote;
    /// quotes around text with a quote, a separator (<c>,</c> <c>;</c> tab) or a line break, inner quotes doubled.
    /// </summary>
    public static StringBuilder AppendCell(StringBuilder row, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return row;
        }

        var quoted = value.AsSpan().ContainsAny(NeedsQuotes);
        if (quoted)
        {
            row.Append('"');
        }

        if (LooksLikeFormula(value))
        {
            row.Append('\'');
        }

        if (!quoted)
        {
            // Without a separator, line break or quote there is no other place a cell could start.
            return row.Append(value);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            row.Append(c);
            if (c == '"')
            {
                row.Append('"');
            }
            else if (PieceStarts.Contains(c) && i + 1 < value.Length && (value[i + 1] == '"' || StartsFormula(value, i + 1)))
            {
                row.Append('\'');
            }
        }

        return row.Append('"');
    }

    private static bool StartsFormula(string value, int index)
    {
        if (index >= value.Length)
        {
            return false;
        }

        return value[index] switch
        {
            '=' or '+' or '-' or '@' or '\t' => true,
            '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20' => true,
            '\r' => index + 1 == value.Length || value[index + 1] != '\n',
            _ => false,
        };
    }
}
