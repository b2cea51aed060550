using System.Globalization;
using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// The header row of a CSV file: which column holds the addresses, and the unique names of the other columns
/// (the keys of <see cref="InviteEntry.Fields"/>), shared by every row.
/// </summary>
/// <remarks>
/// Names are compared case-insensitively. A repeated name gets a suffix (<c>name</c>, <c>name_2</c>, ...), an empty
/// one the name <c>column_N</c> (N the 1-based column).
/// </remarks>
internal sealed class CsvHeader
{
    private const int CellsShown = 10;
    private const int CellLengthShown = 40;

    private readonly int[] _keyIndexByColumn;
    private readonly Dictionary<string, int> _keyIndexByName;

    private CsvHeader(int columnCount, int emailColumn, string[] keys, int[] keyIndexByColumn, Dictionary<string, int> keyIndexByName)
    {
        ColumnCount = columnCount;
        EmailColumn = emailColumn;
        Keys = keys;
        _keyIndexByColumn = keyIndexByColumn;
        _keyIndexByName = keyIndexByName;
    }

    /// <summary>The number of columns of the header.</summary>
    public int ColumnCount { get; }

    /// <summary>The 0-based column that holds the addresses.</summary>
    public int EmailColumn { get; }

    /// <summary>The unique names of the other columns, in column order.</summary>
    public string[] Keys { get; }

    /// <summary>Builds the header from its trimmed cells.</summary>
    /// <param name="cells">The header cells, trimmed.</param>
    /// <param name="line">The line of the header row, for the error.</param>
    /// <exception cref="InviteFileFormatException">No column is named like an address column.</exception>
    public static CsvHeader Create(IReadOnlyList<string> cells, long line)
    {
        var emailColumn = CsvEmailColumn.Find(cells);
        if (emailColumn < 0)
        {
            throw new InviteFileFormatException(DescribeMissingEmailColumn(cells), line);
        }

        var keys = new string[cells.Count - 1];
        var keyIndexByColumn = new int[cells.Count];
        var keyIndexByName = new Dictionary<string, int>(keys.Length, StringComparer.OrdinalIgnoreCase);
        var next = 0;
        for (var column = 0; column < cells.Count; column++)
        {
            if (column == emailColumn)
            {
                keyIndexByColumn[column] = -1;
                continue;
            }

            var name = cells[column].Length == 0 ? "column_" + (column + 1).ToString(CultureInfo.InvariantCulture) : cells[column];
            var unique = name;
            for (var suffix = 2; keyIndexByName.ContainsKey(unique); suffix++)
            {
                unique = name + "_" + suffix.ToString(CultureInfo.InvariantCulture);
            }

            keyIndexByName.Add(unique, next);
            keys[next] = unique;
            keyIndexByColumn[column] = next++;
        }

        return new CsvHeader(cells.Count, emailColumn, keys, keyIndexByColumn, keyIndexByName);
    }

    /// <summary>The index in <see cref="Keys"/> of a column, or -1 for the email column and columns beyond the header.</summary>
    public int KeyIndexOf(int column) => column < _keyIndexByColumn.Length ? _keyIndexByColumn[column] : -1;

    /// <summary>Finds a key by name, case-insensitively.</summary>
    public bool TryGetKeyIndex(string name, out int index) => _keyIndexByName.TryGetValue(name, out index);

    private static string DescribeMissingEmailColumn(IReadOnlyList<string> cells)
    {
        var message = new StringBuilder("The CSV file has no email column in its header row. Columns found: ");
        if (cells.Count == 0 || (cells.Count == 1 && cells[0].Length == 0))
        {
            message.Append("none");
        }

        for (var i = 0; i < Math.Min(cells.Count, CellsShown); i++)
        {
            var cell = cells[i];
            message.Append(i == 0 ? "\"" : ", \"")
                .Append(cell.Length <= CellLengthShown ? cell : cell[..CellLengthShown] + "...")
                .Append('"');
        }

        if (cells.Count > CellsShown)
        {
            message.Append(CultureInfo.InvariantCulture, $" and {cells.Count - CellsShown} more");
        }

        message.Append(". Name the column of addresses one of: ")
            .AppendJoin(", ", CsvEmailColumn.AcceptedNames)
            .Append(" (any case).");
        return message.ToString();
    }
}
