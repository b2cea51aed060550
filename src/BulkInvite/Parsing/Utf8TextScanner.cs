using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// The text parser's tokenizer: splits UTF-8 text into entries at line ends, commas, semicolons and tabs outside double
/// quotes (with backslash escapes) and angle brackets, counting physical lines (CR, LF and CRLF). Every separator, quote
/// and bracket is ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character, so the entries are found
/// without decoding the file; text in any other encoding is transcoded to UTF-8 before it gets here.
/// </summary>
/// <remarks>
/// An entry's bytes are contiguous in the input (separators are dropped, everything else is kept), so the sink gets a
/// span of the read buffer. An entry longer than the buffer is decoded as it streams into a <see cref="TokenBuffer"/>,
/// which keeps at most the configured number of characters: memory stays bounded whatever the file holds.
/// </remarks>
internal sealed class Utf8TextScanner : IDisposable
{
    /// <summary>The read buffer; a longer entry is collected as characters instead.</summary>
    public const int BufferSize = 1 << 20;

    private const byte CarriageReturn = (byte)'\r';
    private const byte LineFeed = (byte)'\n';

    private static readonly SearchValues<byte> OutsideStops = SearchValues.Create("\r\n,;\t\"<"u8);
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\r\n\"\\"u8);
    private static readonly SearchValues<byte> AngleStops = SearchValues.Create("\r\n>"u8);

    private readonly Stream _content;
    private readonly int _maxEntryLength;
    private readonly int _bufferSize;
    private byte[] _buffer;
    private TokenBuffer? _long;
    private Decoder? _decoder;
    private char[]? _decoded;
    private State _state;
    private bool _escaped;
    private bool _afterCarriageReturn;
    private bool _simple = true;
    private long _line = 1;
    private int _length;
    private int _tokenStart;
    private int _position;
    private bool _ended;

    /// <summary>Creates a scanner of UTF-8 content (a byte order mark already skipped).</summary>
    /// <param name="content">The UTF-8 bytes; not disposed.</param>
    /// <param name="maxEntryLength">The longest entry kept, in characters; longer ones are cut.</param>
    /// <param name="bufferSize">The read buffer's size.</param>
    public Utf8TextScanner(Stream content, int maxEntryLength, int bufferSize = BufferSize)
    {
        ArgumentNullException.ThrowIfNull(content);
        _content = content;
        _maxEntryLength = maxEntryLength;
        _bufferSize = bufferSize;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    private enum State
    {
        Outside,
        Quoted,
        Angle,
    }

    /// <summary>
    /// Reads the next buffer of the content and gives the sink every entry that ends in it; at the end of the content,
    /// gives the last entry too. Spans given to the sink are valid until the next call.
    /// </summary>
    /// <param name="sink">Takes the entries.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="false"/> once the content has ended and every entry was given.</returns>
    public async ValueTask<bool> ReadAsync(IUtf8EntrySink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_ended)
        {
            return false;
        }

        var buffer = _buffer;
        var size = Math.Min(_bufferSize, buffer.Length);
        if (_tokenStart == 0 && _length == size)
        {
            // One entry fills the whole buffer: collect it as characters, keeping only what the limit allows.
            AppendLong(buffer.AsSpan(0, _length), flush: false);
            _length = _position = 0;
        }
        else if (_tokenStart > 0)
        {
            var kept = _length - _tokenStart;
            buffer.AsSpan(_tokenStart, kept).CopyTo(buffer);
            _position -= _tokenStart;
            _length = kept;
            _tokenStart = 0;
        }

        var read = await _content.ReadAsync(buffer.AsMemory(_length, size - _length), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _ended = true;
            EndToken(buffer.AsSpan(_tokenStart, _length - _tokenStart), sink);
            return false;
        }

        _length += read;
        _position = Scan(buffer, _length, _position, ref _tokenStart, sink);
        return true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _long?.Dispose();
        if (_decoded is not null)
        {
            ArrayPool<char>.Shared.Return(_decoded);
            _decoded = null;
        }
    }

    /// <summary>Scans <c>buffer[position..length)</c>; returns where it stopped (the end) and moves <paramref name="tokenStart"/> past every finished entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Scan(byte[] buffer, int length, int position, ref int tokenStart, IUtf8EntrySink sink)
    {
        var p = position;
        while (p < length)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (buffer[p] == LineFeed)
                {
                    p++;
                    tokenStart = p;
                    continue;
                }
            }

            if (_state == State.Quoted && _escaped)
            {
                _escaped = false;
                if (buffer[p] is not (CarriageReturn or LineFeed))
                {
                    p++;
                    continue;
                }
            }

            if (_state == State.Outside && length - p >= Vector256<byte>.Count && Vector256.IsHardwareAccelerated)
            {
                p = ScanOutside(buffer, length, p, ref tokenStart, sink);
                if (_afterCarriageReturn || p == length)
                {
                    continue;
                }
            }

            var rest = buffer.AsSpan(p, length - p);
            var stop = rest.IndexOfAny(_state switch
            {
                State.Quoted => QuotedStops,
                State.Angle => AngleStops,
                _ => OutsideStops,
            });
            if (stop < 0)
            {
                return length;
            }

            p += stop;
            var c = buffer[p];
            switch (c)
            {
                case CarriageReturn:
                case LineFeed:
                    _afterCarriageReturn = c == CarriageReturn;
                    Separate(buffer, p, endsLine: true, ref tokenStart, sink);
                    break;
                case (byte)',' or (byte)';' or (byte)'\t':
                    Separate(buffer, p, endsLine: false, ref tokenStart, sink);
                    break;
                case (byte)'"':
                    _simple = false;
                    _state = _state == State.Quoted ? State.Outside : State.Quoted;
                    break;
                case (byte)'\\':
                    _simple = false;
                    _escaped = true;
                    break;
                case (byte)'<':
                    _simple = false;
                    _state = State.Angle;
                    break;
                default:
                    // '>' closes the brackets.
                    _state = State.Outside;
                    break;
            }

            p++;
        }

        return p;
    }

    /// <summary>
    /// The common case of <see cref="Scan"/>, outside quotes and brackets: 32 bytes at a time, a bit mask of the stops
    /// in them, each stop taken from the mask, so that finding the next one costs a few operations instead of a search.
    /// Returns at a quote or an opening bracket (for <see cref="Scan"/> to take), or where fewer than 32 bytes are left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ScanOutside(byte[] buffer, int length, int position, ref int tokenStart, IUtf8EntrySink sink)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(buffer);
        var p = position;
        while (length - p >= Vector256<byte>.Count)
        {
            var mask = Stops(Vector256.LoadUnsafe(ref start, (nuint)p));
            while (mask != 0)
            {
                var q = p + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                switch (Unsafe.Add(ref start, q))
                {
                    case LineFeed when q > position && Unsafe.Add(ref start, q - 1) == CarriageReturn:
                        // The second half of a CRLF: the line ended at the CR.
                        tokenStart = q + 1;
                        break;
                    case CarriageReturn:
                    case LineFeed:
                        Separate(buffer, q, endsLine: true, ref tokenStart, sink);
                        break;
                    case (byte)',' or (byte)';' or (byte)'\t':
                        Separate(buffer, q, endsLine: false, ref tokenStart, sink);
                        break;
                    default:
                        // A quote or '<': the state machine takes over.
                        return q;
                }
            }

            p += Vector256<byte>.Count;
        }

        // A CR just before where the next scan starts may be the first half of a CRLF.
        _afterCarriageReturn = p > position && Unsafe.Add(ref start, p - 1) == CarriageReturn;
        return p;
    }

    /// <summary>A bit per byte that is one of the stops outside quotes and brackets (CR, LF, comma, semicolon, tab, quote, <c>&lt;</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Stops(Vector256<byte> v) =>
        (Vector256.Equals(v, Vector256.Create(LineFeed))
            | Vector256.Equals(v, Vector256.Create(CarriageReturn))
            | Vector256.Equals(v, Vector256.Create((byte)','))
            | Vector256.Equals(v, Vector256.Create((byte)';'))
            | Vector256.Equals(v, Vector256.Create((byte)'\t'))
            | Vector256.Equals(v, Vector256.Create((byte)'"'))
            | Vector256.Equals(v, Vector256.Create((byte)'<'))).ExtractMostSignificantBits();

    /// <summary>A separator at <paramref name="at"/>: the entry before it ends, and the next one starts after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Separate(byte[] buffer, int at, bool endsLine, ref int tokenStart, IUtf8EntrySink sink)
    {
        EndToken(buffer.AsSpan(tokenStart, at - tokenStart), sink);
        if (endsLine)
        {
            _line++;
        }

        tokenStart = at + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EndToken(ReadOnlySpan<byte> token, IUtf8EntrySink sink)
    {
        if (_long is { } longToken && _decoder is not null)
        {
            AppendLong(token, flush: true);
            if (!longToken.IsEmpty)
            {
                sink.LongToken(longToken, _line);
            }

            _decoder = null;
            longToken.Reset(_maxEntryLength);
        }
        else if (!token.IsEmpty)
        {
            sink.Token(token, _line, _simple);
        }

        _simple = true;
        _state = State.Outside;
        _escaped = false;
    }

    private void AppendLong(ReadOnlySpan<byte> bytes, bool flush)
    {
        if (_long is null)
        {
            _long = new TokenBuffer(_maxEntryLength);
            _long.Reset(_maxEntryLength);
        }

        _decoder ??= TextEncodingDetector.Utf8.GetDecoder();
        _decoded ??= ArrayPool<char>.Shared.Rent(4096);
        var completed = false;
        while (!completed)
        {
            _decoder.Convert(bytes, _decoded, flush, out var used, out var produced, out completed);
            _long.Append(_decoded.AsSpan(0, produced));
            bytes = bytes[used..];
        }
    }
}
