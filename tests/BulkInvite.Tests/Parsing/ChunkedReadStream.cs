namespace BulkInvite.Tests.Parsing;

/// <summary>A non-seekable stream over bytes that returns at most <c>chunkSize</c> bytes a read, to exercise short reads.</summary>
internal sealed class ChunkedReadStream : Stream
{
    private readonly byte[] _bytes;
    private readonly int _chunkSize;
    private int _position;

    public ChunkedReadStream(byte[] bytes, int chunkSize)
    {
        _bytes = bytes;
        _chunkSize = chunkSize;
    }

    public int ReadCount { get; private set; }

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
        ReadCount++;
        var count = Math.Min(Math.Min(_chunkSize, buffer.Length), _bytes.Length - _position);
        _bytes.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
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
