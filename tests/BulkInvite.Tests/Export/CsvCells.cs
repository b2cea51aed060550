using System.Text;

namespace BulkInvite.Tests.Export;

/// <summary>
/// A plain RFC 4180 reader for checking exported files: rows of cells, quotes and line breaks honoured. It can also
/// read a file as a spreadsheet of another locale would: with <c>;</c> or a tab as the separator, a quote opening a
/// quoted cell only at the start of a cell (elsewhere it is text), and CR, LF or CR LF outside quotes ending a row.
/// </summary>
internal static class CsvCells
{
    /// <summary>The characters that make a spreadsheet take a cell as a formula when it starts with one.</summary>
    public static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];

    public static List<string[]> Read(string text)
    {
        var rows = Read(text, ',', out var complete);
        Assert.That(complete, Is.True, "the file ends with a complete CRLF-terminated row");
        return rows;
    }

    /// <summary>Reads the text with the given separator, as a spreadsheet set to that list separator would.</summary>
    public static List<string[]> Read(string text, char separator) => Read(text, separator, out _);

    /// <summary>Whether a spreadsheet would take the cell as a formula (a CR that begins a CR LF is a line break).</summary>
    public static bool StartsFormula(string cell)
        => cell.Length > 0 && (cell[0] == '\r' ? cell.Length == 1 || cell[1] != '\n' : FormulaStarts.Contains(cell[0]));

    private static List<string[]> Read(string text, char separator, out bool complete)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var cellStart = true;
        var rowsEndWithCrLf = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }

                continue;
            }

            if (c == '"' && cellStart)
            {
                quoted = true;
                cellStart = false;
            }
            else if (c == separator)
            {
                row.Add(cell.ToString());
                cell.Clear();
                cellStart = true;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                else
                {
                    rowsEndWithCrLf = false;
                }

                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                cellStart = true;
            }
            else
            {
                cell.Append(c);
                cellStart = false;
            }
        }

        complete = !quoted && row.Count == 0 && cell.Length == 0 && rowsEndWithCrLf;
        if (row.Count > 0 || cell.Length > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }

    /// <summary>Reads the <c>fields</c> cell back: <c>name=value</c> pairs split at unescaped <c>"; "</c>.</summary>
    public static List<KeyValuePair<string, string>> Fields(string cell)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (cell.Length == 0)
        {
            return pairs;
        }

        var name = new StringBuilder();
        var value = new StringBuilder();
        var current = name;
        for (var i = 0; i < cell.Length; i++)
        {
            var c = cell[i];
            if (c == '\\')
            {
                current.Append(cell[++i]);
            }
            else if (c == '=' && current == name)
            {
                current = value;
            }
            else if (c == ';')
            {
                pairs.Add(new(name.ToString(), value.ToString()));
                name.Clear();
                value.Clear();
                current = name;
                i++; // the space after the separator
            }
            else
            {
                current.Append(c);
            }
        }

        pairs.Add(new(name.ToString(), value.ToString()));
        return pairs;
    }
}
