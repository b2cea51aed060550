using System.Text;

namespace BulkInvite.Tests.Export;

/// <summary>A plain RFC 4180 reader for checking exported files: rows of cells, quotes and line breaks honoured.</summary>
internal static class CsvCells
{
    public static List<string[]> Read(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
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
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        Assert.That((quoted, row.Count, cell.Length), Is.EqualTo((false, 0, 0)), "the file ends with a complete CRLF-terminated row");
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
