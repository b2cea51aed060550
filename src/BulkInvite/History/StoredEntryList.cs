namespace BulkInvite.History;

/// <summary>
/// The entries of one import in <see cref="InMemoryInviteHistoryStore"/>, in chunks of a fixed size: appending never
/// copies what is there (a list that doubles would copy, and churn the large-object heap, for a million entries), and
/// each entry is updated in place.
/// </summary>
internal sealed class StoredEntryList
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly List<StoredEntry[]> _chunks = [];

    /// <summary>How many entries there are.</summary>
    public int Count { get; private set; }

    /// <summary>The entry at <paramref name="index"/>, to read or to change.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    public ref StoredEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _chunks[index >> ChunkShift][index & (ChunkSize - 1)];
        }
    }

    public void Add(in StoredEntry entry)
    {
        if (Count >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new StoredEntry[ChunkSize]);
        }

        Count++;
        this[Count - 1] = entry;
    }

    /// <summary>Puts an entry at <paramref name="index"/>, moving those after it up by one (entries handed in out of order; rare).</summary>
    public void Insert(int index, in StoredEntry entry)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)Count, nameof(index));
        Add(entry);
        for (var i = Count - 1; i > index; i--)
        {
            this[i] = this[i - 1];
        }

        this[index] = entry;
    }

    /// <summary>Removes the entries <paramref name="match"/> picks, keeping the order of the others.</summary>
    /// <returns>How many were removed.</returns>
    public int RemoveAll(Predicate<StoredEntry> match)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (match(this[i]))
            {
                continue;
            }

            if (kept != i)
            {
                this[kept] = this[i];
            }

            kept++;
        }

        var removed = Count - kept;
        for (var i = kept; i < Count; i++)
        {
            this[i] = default; // No references kept to what was removed.
        }

        Count = kept;
        var chunks = (kept + ChunkSize - 1) >> ChunkShift;
        _chunks.RemoveRange(chunks, _chunks.Count - chunks);
        return removed;
    }
}
