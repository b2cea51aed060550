namespace BulkInvite.Pipeline;

/// <summary>A read-only view of an upload that fails once more than <c>MaxFileBytes</c> bytes have been read.</summary>
internal sealed class LimitedReadStream(Stream inner, long maxBytes) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    internal static InviteLimitExceededException TooLarge(long maxBytes) => new(
        nameof(BulkInviteOptions.MaxFileBytes),
        maxBytes,
        $"The file is larger than {maxBytes:N0} bytes, the limit set by {nameof(BulkInviteOptions)}.{nameof(BulkInviteOptions.MaxFileBytes)}.");

    private int Count(int read)
    {
        _read += read;
        if (_read > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        return read;
    }
}
