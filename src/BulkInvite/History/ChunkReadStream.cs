namespace BulkInvite.History;

/// <summary>A read-only, forward-only stream over an upload kept in chunks, which are read in place and never copied whole.</summary>
internal sealed class ChunkReadStream(IReadOnlyList<byte[]> chunks) : IO.ReadOnlyStream
{
    private int _chunk;
    private int _offset;

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _chunk < chunks.Count)
        {
            var source = chunks[_chunk].AsSpan(_offset);
            var count = Math.Min(source.Length, buffer.Length - written);
            source[..count].CopyTo(buffer[written..]);
            written += count;
            _offset += count;
            if (_offset == chunks[_chunk].Length)
            {
                _chunk++;
                _offset = 0;
            }
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }
}
