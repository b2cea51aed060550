namespace BulkInvite.PostgreSql;

/// <summary>
/// A read-only stream of an upload kept in <c>upload_chunks</c>: one chunk (1 MiB) in memory at a time, each read by
/// its own short query. Every chunk but the last is <see cref="PostgreSqlInviteHistoryStore.UploadChunkSize"/> long, so
/// the stream can seek.
/// </summary>
internal sealed class PostgreSqlUploadStream(PostgreSqlInviteHistoryStore store, string tenantId, Guid importId, long length, int chunks) : Stream
{
    private const int ChunkSize = PostgreSqlInviteHistoryStore.UploadChunkSize;

    private byte[]? _chunk;
    private int _chunkNo = -1;
    private long _position;
    private bool _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }

        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }

        var chunkNo = (int)(_position / ChunkSize);
        if (chunkNo != _chunkNo)
        {
            Load(chunkNo, store.ReadUploadChunk(tenantId, importId, chunkNo));
        }

        return CopyOut(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }

        var chunkNo = (int)(_position / ChunkSize);
        if (chunkNo != _chunkNo)
        {
            Load(chunkNo, await store.ReadUploadChunkAsync(tenantId, importId, chunkNo, cancellationToken).ConfigureAwait(false));
        }

        return CopyOut(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Load(int chunkNo, byte[]? data)
    {
        var expected = chunkNo == chunks - 1 ? length - ((long)chunkNo * ChunkSize) : ChunkSize;
        if (data is null)
        {
            throw new IOException($"The upload of import {importId} is gone: the import has ended since the upload was opened.");
        }

        if (data.Length != expected)
        {
            throw new InviteHistoryCorruptException($"Chunk {chunkNo} of the upload of import {importId} holds {data.Length} bytes; {expected} were written.");
        }

        _chunk = data;
        _chunkNo = chunkNo;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var start = (int)(_position - ((long)_chunkNo * ChunkSize));
        var count = Math.Min(buffer.Length, _chunk!.Length - start);
        _chunk.AsSpan(start, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (position < 0)
        {
            throw new IOException("A seek before the start of the upload.");
        }

        _position = position;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The upload cannot be written.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The upload cannot be written.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _chunk = null;
        base.Dispose(disposing);
    }
}
