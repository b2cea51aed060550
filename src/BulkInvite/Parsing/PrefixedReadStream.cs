namespace BulkInvite.Parsing;

/// <summary>
/// A forward-only, read-only stream that replays bytes already read from a stream (the sniffed head of an upload)
/// and then continues with the rest of that stream. Works with streams that cannot seek.
/// </summary>
/// <remarks>The inner stream is not disposed: it belongs to whoever opened it.</remarks>
internal sealed class PrefixedReadStream : IO.ReadOnlyStream
{
    private readonly ReadOnlyMemory<byte> _prefix;
    private readonly Stream _inner;
    private int _prefixPosition;

    public PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _prefix = prefix;
        _inner = inner;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var copied = CopyPrefix(buffer);
        return copied > 0 ? copied : _inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        var copied = CopyPrefix(buffer.Span);
        return copied > 0 ? ValueTask.FromResult(copied) : _inner.ReadAsync(buffer, cancellationToken);
    }

    private int CopyPrefix(Span<byte> buffer)
    {
        var remaining = _prefix.Length - _prefixPosition;
        if (remaining <= 0)
        {
            return 0;
        }

        var count = Math.Min(remaining, buffer.Length);
        _prefix.Span.Slice(_prefixPosition, count).CopyTo(buffer);
        _prefixPosition += count;
        return count;
    }
}
