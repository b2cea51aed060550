namespace BulkInvite.Tests.Parsing;

/// <summary>
/// A non-seekable stream of <c>prefix</c>, then <c>count</c> copies of one byte, then <c>suffix</c>, generated on
/// the fly so that huge inputs cost no memory in the test itself.
/// </summary>
internal sealed class GeneratedStream : Stream
{
    private readonly byte[] _prefix;
    private readonly byte _filler;
    private readonly long _fillerCount;
    private readonly byte[] _suffix;
    private long _position;

    public GeneratedStream(byte[] prefix, byte filler, long fillerCount, byte[] suffix)
    {
        _prefix = prefix;
        _filler = filler;
        _fillerCount = fillerCount;
        _suffix = suffix;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            var target = buffer[written..];
            int count;
            if (_position < _prefix.Length)
            {
                count = Math.Min(target.Length, _prefix.Length - (int)_position);
                _prefix.AsSpan((int)_position, count).CopyTo(target);
            }
            else if (_position < _prefix.Length + _fillerCount)
            {
                count = (int)Math.Min(target.Length, _prefix.Length + _fillerCount - _position);
                target[..count].Fill(_filler);
            }
            else
            {
                var suffixPosition = (int)(_position - _prefix.Length - _fillerCount);
                count = Math.Min(target.Length, _suffix.Length - suffixPosition);
                if (count == 0)
                {
                    break;
                }

                _suffix.AsSpan(suffixPosition, count).CopyTo(target);
            }

            written += count;
            _position += count;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
