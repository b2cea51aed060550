namespace BulkInvite.Sqlite;

/// <summary>
/// A queued import's upload read from <c>work_uploads</c> one chunk at a time, in order: only the chunk being read is in
/// memory. Forward-only; the chunks of an upload do not change until its import ends, which deletes them.
/// </summary>
internal sealed class SqliteUploadStream(SqliteInviteHistoryStore store, Guid importId, int chunks) : Stream
{
    private byte[] _chunk = [];
    private int _offset;
    private int _next;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_offset == _chunk.Length)
        {
            if (_next == chunks)
            {
                return 0;
            }

            _chunk = store.ReadUploadChunk(importId, _next++);
            _offset = 0;
        }

        return Take(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_offset == _chunk.Length)
        {
            if (_next == chunks)
            {
                return 0;
            }

            _chunk = await store.ReadUploadChunkAsync(importId, _next++, cancellationToken).ConfigureAwait(false);
            _offset = 0;
        }

        return Take(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Take(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }
}
