using System.Buffers;
using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// Reads a stream as text in fixed, pooled buffers: detects the encoding from the byte order mark, rejects binary
/// content, and decodes chunk by chunk (a character split across reads is decoded once whole).
/// </summary>
/// <remarks>Invalid bytes decode to U+FFFD. The stream is not disposed.</remarks>
internal sealed class DecodingReader : IDisposable
{
    /// <summary>How many bytes are sniffed for the encoding and for binary content.</summary>
    public const int HeadSize = 8 * 1024;

    private const int ByteBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _bytes;
    private char[] _chars = [];
    private Decoder? _decoder;
    private bool _endOfStream;
    private bool _finished;

    public DecodingReader(Stream stream)
    {
        _stream = stream;
        _bytes = ArrayPool<byte>.Shared.Rent(ByteBufferSize);
    }

    /// <summary>The decoded characters of the last chunk: <c>Chars[0..Length]</c>.</summary>
    public char[] Chars => _chars;

    /// <summary>The number of characters in <see cref="Chars"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Decodes the next chunk of the stream.</summary>
    /// <returns><see langword="true"/> with at least one character in <see cref="Chars"/>; <see langword="false"/> at the end.</returns>
    /// <exception cref="InviteFileFormatException">The stream holds a binary file.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        Length = 0;
        while (!_finished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start;
            int count;
            if (_decoder is null)
            {
                count = await _stream.ReadAtLeastAsync(_bytes.AsMemory(0, ByteBufferSize), HeadSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                _endOfStream = count < HeadSize;
                var head = _bytes.AsSpan(0, Math.Min(count, HeadSize));
                var encoding = TextEncodingDetector.Detect(head, out start);
                BinaryContentDetector.ThrowIfBinary(head, TextEncodingDetector.IsWide(encoding), start);
                _decoder = encoding.GetDecoder();
                _chars = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(ByteBufferSize));
            }
            else
            {
                start = 0;
                count = await _stream.ReadAsync(_bytes.AsMemory(0, ByteBufferSize), cancellationToken).ConfigureAwait(false);
                _endOfStream = count == 0;
            }

            Length = _decoder.GetChars(_bytes, start, count - start, _chars, 0, flush: _endOfStream);
            _finished = _endOfStream;
            if (Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        var bytes = _bytes;
        _bytes = [];
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        var chars = _chars;
        _chars = [];
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
