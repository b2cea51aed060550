using System.Buffers;

namespace BulkInvite.Parsing;

/// <summary>
/// Collects the characters of one entry or field, trimmed, up to a limit: leading whitespace is never stored, and
/// characters beyond the limit are dropped and mark the token as too long. Memory stays bounded by the limit.
/// </summary>
/// <remarks>
/// Whitespace that arrives when the buffer is full does not make the token too long by itself (it would be trimmed
/// away at the end); only a further non-whitespace character does.
/// </remarks>
internal sealed class TokenBuffer : IDisposable
{
    private const int InitialCapacity = 256;

    private char[] _chars;
    private int _length;
    private int _limit;
    private bool _ignored;

    public TokenBuffer(int limit)
    {
        _chars = ArrayPool<char>.Shared.Rent(Math.Min(limit, InitialCapacity));
        _limit = limit;
    }

    /// <summary>Whether characters were dropped because the token is longer than the limit.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Whether nothing but whitespace was appended (and nothing was dropped).</summary>
    public bool IsEmpty => _length == 0 && !Overflowed;

    /// <summary>The collected characters, trimmed.</summary>
    public ReadOnlySpan<char> Text => TextTrimming.TrimEnd(_chars.AsSpan(0, _length));

    /// <summary>Empties the buffer for the next token and sets its limit.</summary>
    /// <param name="limit">The most characters kept; 0 ignores the token entirely (it is never too long).</param>
    public void Reset(int limit)
    {
        _length = 0;
        Overflowed = false;
        _limit = limit;
        _ignored = limit == 0;
    }

    public void Append(char c)
    {
        if (_ignored || Overflowed)
        {
            return;
        }

        if (_length == 0 && TextTrimming.IsTrimmable(c))
        {
            return;
        }

        if (_length < _limit)
        {
            if (_length == _chars.Length)
            {
                Grow(_length + 1);
            }

            _chars[_length++] = c;
        }
        else if (!TextTrimming.IsTrimmable(c))
        {
            Overflowed = true;
        }
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (_ignored || Overflowed)
        {
            return;
        }

        if (_length == 0)
        {
            text = TextTrimming.TrimStart(text);
        }

        if (text.IsEmpty)
        {
            return;
        }

        var room = _limit - _length;
        var kept = Math.Min(room, text.Length);
        if (kept > 0)
        {
            if (_length + kept > _chars.Length)
            {
                Grow(_length + kept);
            }

            text[..kept].CopyTo(_chars.AsSpan(_length));
            _length += kept;
        }

        if (kept < text.Length && !TextTrimming.IsAllTrimmable(text[kept..]))
        {
            Overflowed = true;
        }
    }

    public void Dispose()
    {
        var chars = _chars;
        _chars = [];
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(Math.Max((long)_chars.Length * 2, needed), Math.Max(_limit, needed));
        var larger = ArrayPool<char>.Shared.Rent(size);
        _chars.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = larger;
    }
}
