using System.Buffers;

namespace BulkInvite.Parsing;

/// <summary>
/// Splits decoded text into entries at newlines, commas, semicolons and tabs, in any mix. Separators inside double
/// quotes (with backslash escapes) or inside angle brackets do not split; quotes and brackets never span lines.
/// </summary>
/// <remarks>
/// Input arrives chunk by chunk (<see cref="SetInput"/>), so a CRLF split across chunks still counts as one line end.
/// Each entry keeps at most the configured number of characters; the rest of a longer one is skipped up to the next
/// separator and the entry is reported as <see cref="InvalidReason.EntryTooLong"/>.
/// </remarks>
internal sealed class TextTokenizer : IDisposable
{
    private static readonly SearchValues<char> OutsideStops = SearchValues.Create("\r\n,;\t\"<");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\r\n\"\\");
    private static readonly SearchValues<char> AngleStops = SearchValues.Create("\r\n>");

    private readonly TokenBuffer _token;
    private readonly int _maxEntryLength;
    private char[] _input = [];
    private int _position;
    private int _end;
    private bool _endOfInput;
    private long _line = 1;
    private bool _afterCarriageReturn;
    private State _state;
    private bool _escaped;

    public TextTokenizer(int maxEntryLength)
    {
        _maxEntryLength = maxEntryLength;
        _token = new TokenBuffer(maxEntryLength);
        _token.Reset(maxEntryLength);
    }

    private enum State
    {
        Outside,
        Quoted,
        Angle,
    }

    /// <summary>Gives the next chunk of text; the previous one must have been read to its end.</summary>
    public void SetInput(char[] chars, int length)
    {
        _input = chars;
        _position = 0;
        _end = length;
    }

    /// <summary>Marks the end of the text: the next <see cref="TryReadEntry"/> returns the last entry, if any.</summary>
    public void SetEndOfInput()
    {
        _input = [];
        _position = 0;
        _end = 0;
        _endOfInput = true;
    }

    /// <summary>Reads the next entry of the current chunk.</summary>
    /// <returns><see langword="false"/> when the chunk is used up (or, after <see cref="SetEndOfInput"/>, the text).</returns>
    public bool TryReadEntry(out InviteEntry entry)
    {
        while (_position < _end)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_input[_position] == '\n')
                {
                    _position++;
                    continue;
                }
            }

            if (_state == State.Quoted && _escaped)
            {
                _escaped = false;
                var next = _input[_position];
                if (next is not ('\r' or '\n'))
                {
                    _token.Append(next);
                    _position++;
                    continue;
                }
            }

            var rest = _input.AsSpan(_position, _end - _position);
            var stop = rest.IndexOfAny(_state switch
            {
                State.Quoted => QuotedStops,
                State.Angle => AngleStops,
                _ => OutsideStops,
            });
            if (stop < 0)
            {
                _token.Append(rest);
                _position = _end;
                break;
            }

            _token.Append(rest[..stop]);
            _position += stop + 1;
            var c = rest[stop];
            switch (c)
            {
                case '\r':
                case '\n':
                    _afterCarriageReturn = c == '\r';
                    var found = TryEndToken(out entry);
                    _line++;
                    if (found)
                    {
                        return true;
                    }

                    break;
                case ',' or ';' or '\t':
                    if (TryEndToken(out entry))
                    {
                        return true;
                    }

                    break;
                case '"':
                    _token.Append(c);
                    _state = _state == State.Quoted ? State.Outside : State.Quoted;
                    break;
                case '\\':
                    _token.Append(c);
                    _escaped = true;
                    break;
                case '<':
                    _token.Append(c);
                    _state = State.Angle;
                    break;
                default:
                    _token.Append(c);
                    _state = State.Outside;
                    break;
            }
        }

        if (_endOfInput)
        {
            _endOfInput = false;
            return TryEndToken(out entry);
        }

        entry = default;
        return false;
    }

    public void Dispose() => _token.Dispose();

    private bool TryEndToken(out InviteEntry entry)
    {
        var found = !_token.IsEmpty;
        entry = found ? MailboxText.ToEntry(_line, _token.Text, _token.Overflowed) : default;
        _token.Reset(_maxEntryLength);
        _state = State.Outside;
        _escaped = false;
        return found;
    }
}
