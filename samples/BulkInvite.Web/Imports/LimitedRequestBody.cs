namespace BulkInvite.Web.Imports;

/// <summary>
/// A request body that ends in a <see cref="BadHttpRequestException"/> with status 413 once more than its limit is read,
/// as Kestrel's <c>MaxRequestBodySize</c> does: the same answer on any server, and for bodies without a Content-Length.
/// </summary>
internal sealed class LimitedRequestBody : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private long _read;

    public LimitedRequestBody(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > _limit
            ? throw new BadHttpRequestException($"The request body is larger than {_limit} bytes.", StatusCodes.Status413PayloadTooLarge)
            : read;
    }
}
