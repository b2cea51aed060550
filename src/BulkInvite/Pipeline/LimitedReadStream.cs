namespace BulkInvite.Pipeline;

/// <summary>A read-only view of an upload that fails once more than <c>MaxFileBytes</c> bytes have been read.</summary>
internal sealed class LimitedReadStream(Stream inner, long maxBytes) : IO.ReadOnlyStream
{
    private long _read;

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

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
