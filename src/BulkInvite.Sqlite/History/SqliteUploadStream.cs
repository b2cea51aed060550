namespace BulkInvite.Sqlite;

/// <summary>
/// A queued import's upload read from <c>work_uploads</c> one chunk at a time, in order: only the chunk being read is in
/// memory. Forward-only; the chunks of an upload do not change until its import ends, which deletes them.
/// </summary>
internal sealed class SqliteUploadStream(SqliteInviteHistoryStore store, Guid importId, int chunks) : IO.ReadOnlyStream
{
    private byte[] _chunk = [];
    private int _offset;
    private int _next;

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

    private int Take(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }
}
