using System.Buffers;

namespace BulkInvite.Parsing;

/// <summary>
/// Splits decoded CSV text into fields and records (RFC 4180): quoted fields with doubled quotes, delimiters and
/// CR, LF or CRLF line breaks inside quotes. Fields are trimmed and kept up to a per-column limit.
/// </summary>
/// <remarks>
/// Lenient where files in the wild break the RFC: whitespace before an opening quote or after a closing quote is
/// ignored, text after a closing quote is kept, and a quote inside an unquoted field is an ordinary character.
/// Input arrives chunk by chunk (<see cref="SetInput"/>); records and line breaks may span chunks.
/// </remarks>
internal sealed class CsvRecordReader : IDisposable
{
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\r\n");

    private readonly char _delimiter;
    private readonly SearchValues<char> _unquotedStops;
    private readonly int _entryLimit;
    private readonly int _fieldLimit;
    private readonly TokenBuffer _field;
    private int _columnCount;
    private int _emailColumn = -1;
    private char[] _input = [];
    private int _position;
    private int _end;
    private bool _endOfInput;
    private long _line = 1;
    private bool _afterCarriageReturn;
    private State _state;
    private bool _fieldReturned;
    private bool _recordReturned;
    private bool _recordStarted;
    private bool _fieldQuoted;

    /// <summary>Creates the tokenizer.</summary>
    /// <param name="delimiter">The field delimiter.</param>
    /// <param name="entryLimit">The most characters kept of the email column's field.</param>
    /// <param name="fieldLimit">The most characters kept of any other field.</param>
    /// <param name="maxColumns">The most columns read; fields beyond are skipped until <see cref="SetColumns"/> says otherwise.</param>
    public CsvRecordReader(char delimiter, int entryLimit, int fieldLimit, int maxColumns)
    {
        _delimiter = delimiter;
        _unquotedStops = SearchValues.Create(delimiter, '\r', '\n');
        _entryLimit = entryLimit;
        _fieldLimit = fieldLimit;
        _columnCount = maxColumns;
        _field = new TokenBuffer(fieldLimit);
        _field.Reset(LimitFor(0));
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        AfterQuote,
    }

    /// <summary>The last field read, trimmed (valid until the next <see cref="TryReadField"/>).</summary>
    public ReadOnlySpan<char> Field => _field.Text;

    /// <summary>Whether the last field was longer than its limit and was cut.</summary>
    public bool FieldTooLong => _field.Overflowed;

    /// <summary>The 0-based column of the last field.</summary>
    public int FieldIndex { get; private set; }

    /// <summary>The 1-based physical line where the current record starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Whether the record just ended is a blank line (one empty, unquoted field).</summary>
    public bool RecordIsBlank => _recordReturned && FieldIndex == 0 && !_fieldQuoted && _field.IsEmpty;

    /// <summary>Whether the record just ended was cut by the end of the file inside a quoted field.</summary>
    public bool RecordUnterminated { get; private set; }

    /// <summary>Sets the columns read from the next field on: <paramref name="columnCount"/> columns, of which the email column gets the entry limit.</summary>
    public void SetColumns(int columnCount, int emailColumn)
    {
        _columnCount = columnCount;
        _emailColumn = emailColumn;
    }

    /// <summary>Gives the next chunk of text; the previous one must have been read to its end.</summary>
    public void SetInput(char[] chars, int length)
    {
        _input = chars;
        _position = 0;
        _end = length;
    }

    /// <summary>Marks the end of the text: the next <see cref="TryReadField"/> ends the last record, if any.</summary>
    public void SetEndOfInput()
    {
        _input = [];
        _position = 0;
        _end = 0;
        _endOfInput = true;
    }

    /// <summary>Reads the next field of the current chunk.</summary>
    /// <param name="endOfRecord">Whether the field is the last of its record.</param>
    /// <returns><see langword="false"/> when the chunk is used up (or, after <see cref="SetEndOfInput"/>, the text).</returns>
    public bool TryReadField(out bool endOfRecord)
    {
        if (_fieldReturned)
        {
            StartNextField();
        }

        while (_position < _end)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_input[_position] == '\n')
                {
                    _position++;
                    if (_state == State.Quoted)
                    {
                        _field.Append('\n');
                    }

                    continue;
                }
            }

            if (!_recordStarted)
            {
                _recordStarted = true;
                RecordLine = _line;
            }

            char c;
            switch (_state)
            {
                case State.FieldStart:
                    c = _input[_position];
                    if (c == _delimiter)
                    {
                        _position++;
                        return EndField(endOfRecord = false);
                    }

                    if (c is '\r' or '\n')
                    {
                        _position++;
                        CountLineBreak(c);
                        return EndField(endOfRecord = true);
                    }

                    if (c == '"')
                    {
                        _position++;
                        _fieldQuoted = true;
                        _state = State.Quoted;
                    }
                    else if (TextTrimming.IsTrimmable(c))
                    {
                        _position++;
                    }
                    else
                    {
                        _state = State.Unquoted;
                    }

                    break;

                case State.Unquoted:
                {
                    if (!TryTakeUntil(_unquotedStops, out c))
                    {
                        break;
                    }

                    if (c == _delimiter)
                    {
                        return EndField(endOfRecord = false);
                    }

                    CountLineBreak(c);
                    return EndField(endOfRecord = true);
                }

                case State.Quoted:
                {
                    if (!TryTakeUntil(QuotedStops, out c))
                    {
                        break;
                    }

                    if (c == '"')
                    {
                        _state = State.AfterQuote;
                    }
                    else
                    {
                        _field.Append(c);
                        CountLineBreak(c);
                    }

                    break;
                }

                default:
                    c = _input[_position++];
                    if (c == '"')
                    {
                        _field.Append('"');
                        _state = State.Quoted;
                    }
                    else if (c == _delimiter)
                    {
                        return EndField(endOfRecord = false);
                    }
                    else if (c is '\r' or '\n')
                    {
                        CountLineBreak(c);
                        return EndField(endOfRecord = true);
                    }
                    else if (!TextTrimming.IsTrimmable(c))
                    {
                        _field.Append(c);
                        _state = State.Unquoted;
                    }

                    break;
            }
        }

        if (_endOfInput && _recordStarted)
        {
            _endOfInput = false;
            RecordUnterminated = _state == State.Quoted;
            return EndField(endOfRecord = true);
        }

        endOfRecord = false;
        return false;
    }

    public void Dispose() => _field.Dispose();

    private int LimitFor(int column)
        => column >= _columnCount ? 0 : column == _emailColumn ? _entryLimit : _fieldLimit;

    /// <summary>Appends the input up to the next of <paramref name="stops"/> to the field and steps past that stop; appends the rest of the input when there is none.</summary>
    /// <returns>Whether a stop was found (it is then <paramref name="stop"/>).</returns>
    private bool TryTakeUntil(SearchValues<char> stops, out char stop)
    {
        var rest = _input.AsSpan(_position, _end - _position);
        var at = rest.IndexOfAny(stops);
        if (at < 0)
        {
            _field.Append(rest);
            _position = _end;
            stop = default;
            return false;
        }

        _field.Append(rest[..at]);
        _position += at + 1;
        stop = rest[at];
        return true;
    }

    private void CountLineBreak(char c)
    {
        _line++;
        _afterCarriageReturn = c == '\r';
    }

    private bool EndField(bool endOfRecord)
    {
        _fieldReturned = true;
        _recordReturned = endOfRecord;
        _state = State.FieldStart;
        return true;
    }

    private void StartNextField()
    {
        _fieldReturned = false;
        if (_recordReturned)
        {
            _recordReturned = false;
            _recordStarted = false;
            RecordUnterminated = false;
            FieldIndex = 0;
        }
        else
        {
            FieldIndex++;
        }

        _fieldQuoted = false;
        _field.Reset(LimitFor(FieldIndex));
    }
}
