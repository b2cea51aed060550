namespace BulkInvite.Parsing;

/// <summary>Assembles the entry of one CSV row from its fields.</summary>
/// <remarks>
/// Missing cells are empty strings; cells beyond the header are ignored. A row without an address cell, or with an
/// empty one, is still an entry (with an empty address). Problems, first found first: a cut field
/// (<see cref="InvalidReason.EntryTooLong"/>), invalid bytes in the address cell
/// (<see cref="InvalidReason.InvalidEncoding"/>), a quote left open at the end of the file
/// (<see cref="InvalidReason.MalformedEntry"/>), then the address cell's own problems.
/// </remarks>
internal sealed class CsvRowBuilder
{
    private readonly CsvHeader _header;
    private string[]? _values;
    private InviteEntry _email;
    private bool _hasEmail;
    private bool _tooLong;

    public CsvRowBuilder(CsvHeader header) => _header = header;

    public void Add(int column, ReadOnlySpan<char> text, bool tooLong)
    {
        if (column == _header.EmailColumn)
        {
            _email = MailboxText.ToEntry(0, text, tooLong);
            _hasEmail = true;
            return;
        }

        var key = _header.KeyIndexOf(column);
        if (key < 0)
        {
            return;
        }

        _values ??= NewValues();
        _values[key] = text.IsEmpty ? string.Empty : text.ToString();
        _tooLong |= tooLong;
    }

    /// <summary>Returns the row's entry and starts the next row.</summary>
    public InviteEntry Complete(long line, bool unterminated)
    {
        var entry = _hasEmail ? _email : new InviteEntry { Line = 0, Address = string.Empty };
        var problem = entry.Problem;
        if (_tooLong)
        {
            problem = InvalidReason.EntryTooLong;
        }
        else if (unterminated && problem is not (InvalidReason.EntryTooLong or InvalidReason.InvalidEncoding))
        {
            problem = InvalidReason.MalformedEntry;
        }

        IReadOnlyDictionary<string, string>? fields = null;
        if (_header.Keys.Length > 0)
        {
            fields = new CsvRecordFields(_header, _values ?? NewValues());
        }

        _values = null;
        _email = default;
        _hasEmail = false;
        _tooLong = false;
        return entry with { Line = line, Problem = problem, Fields = fields };
    }

    private string[] NewValues()
    {
        var values = new string[_header.Keys.Length];
        Array.Fill(values, string.Empty);
        return values;
    }
}
