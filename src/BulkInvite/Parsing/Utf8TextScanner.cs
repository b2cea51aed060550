using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// Splits UTF-8 text into entries exactly as <see cref="TextTokenizer"/> splits the decoded text, but on the bytes:
/// every separator, quote and bracket is ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character, so
/// the same state machine finds the same entries without decoding the file.
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

    public Utf8TextScanner(int maxEntryLength, int bufferSize = BufferSize)
    {
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

    /// <summary>Reads the whole stream (UTF-8, a byte order mark at its start skipped) and gives every entry to the sink.</summary>
    public async Task ScanAsync(Stream content, IUtf8EntrySink sink, Func<CancellationToken, ValueTask>? afterEachBuffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sink);
        var buffer = _buffer;
        var size = Math.Min(_bufferSize, buffer.Length);
        var length = 0;
        var tokenStart = 0;
        var position = 0;
        var first = true;
        while (true)
        {
            var read = await content.ReadAsync(buffer.AsMemory(length, size - length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                EndToken(buffer.AsSpan(tokenStart, length - tokenStart), sink);
                sink.Release();
                return;
            }

            length += read;
            if (first)
            {
                first = false;
                if (length < 3)
                {
                    length += await FillAsync(content, buffer, length, 3, cancellationToken).ConfigureAwait(false);
                }

                if (buffer.AsSpan(0, length).StartsWith("\uFEFF"u8))
                {
                    tokenStart = position = 3;
                }
            }

            position = Scan(buffer, length, position, ref tokenStart, sink);
            sink.Release();
            if (afterEachBuffer is not null)
            {
                await afterEachBuffer(cancellationToken).ConfigureAwait(false);
            }

            if (tokenStart == 0 && length == size)
            {
                // One entry fills the whole buffer: collect it as characters, keeping only what the limit allows.
                AppendLong(buffer.AsSpan(0, length), flush: false);
                length = position = 0;
                continue;
            }

            var kept = length - tokenStart;
            buffer.AsSpan(tokenStart, kept).CopyTo(buffer);
            position -= tokenStart;
            length = kept;
            tokenStart = 0;
        }
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

    private static async ValueTask<int> FillAsync(Stream content, byte[] buffer, int length, int atLeast, CancellationToken cancellationToken)
        => await content.ReadAtLeastAsync(buffer.AsMemory(length, atLeast - length), atLeast - length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);

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
