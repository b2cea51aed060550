namespace BulkInvite.History;

/// <summary>
/// The entries of one import in <see cref="InMemoryInviteHistoryStore"/>, in chunks of a fixed size, their addresses
/// in blocks of text: appending never copies what is there (a list that doubles would copy, and churn the large-object
/// heap, for a million entries), each entry is updated in place, and the garbage collector finds a few large arrays
/// where there would be a million small objects to trace and move.
/// </summary>
internal sealed class StoredEntryList
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int TextBlockShift = 16;
    private const int TextBlockSize = 1 << TextBlockShift;

    // Longer addresses (entries that are invalid anyway) keep their own string.
    private const int MaxBlockAddress = 1024;

    private readonly List<StoredEntry[]> _chunks = [];
    private readonly List<char[]> _text = [];
    private int _textUsed = TextBlockSize;

    /// <summary>How many entries there are.</summary>
    public int Count { get; private set; }

    /// <summary>The entry at <paramref name="index"/>, to read or to change (its address through <see cref="AddressOf"/>).</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    public ref StoredEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _chunks[index >> ChunkShift][index & (ChunkSize - 1)];
        }
    }

    public void Add(InviteEntryResult entry)
    {
        var stored = Store(entry);
        Append(stored);
    }

    /// <summary>Puts an entry at <paramref name="index"/>, moving those after it up by one (entries handed in out of order; rare).</summary>
    public void Insert(int index, InviteEntryResult entry)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)Count, nameof(index));
        var stored = Store(entry);
        Append(stored);
        for (var i = Count - 1; i > index; i--)
        {
            this[i] = this[i - 1];
        }

        this[index] = stored;
    }

    /// <summary>The address of an entry of this list.</summary>
    public ReadOnlySpan<char> AddressOf(in StoredEntry entry) => entry.LongAddress is { } address
        ? address
        : _text[(int)(entry.AddressAt >> TextBlockShift)].AsSpan((int)(entry.AddressAt & (TextBlockSize - 1)), entry.AddressLength);

    /// <summary>The entry at <paramref name="index"/> as the store hands it out: a new object each time.</summary>
    public InviteEntryResult ToResult(int index)
    {
        ref readonly var entry = ref this[index];
        return new InviteEntryResult
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            Address = entry.LongAddress ?? AddressOf(entry).ToString(),
            Outcome = entry.Outcome,
            Reason = entry.Reason,
            Detail = entry.Detail,
            DuplicateOfLine = entry.DuplicateOfLine,
            StatusCode = entry.StatusCode,
            DisplayName = entry.DisplayName,
            Fields = entry.Fields,
            UpdatedAt = entry.UpdatedAt,
        };
    }

    /// <summary>Removes the entries <paramref name="match"/> picks, keeping the order of the others; their addresses are wiped from the text blocks.</summary>
    /// <returns>How many were removed.</returns>
    public int RemoveAll(Func<StoredEntry, ReadOnlySpan<char>, bool> match)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            ref var entry = ref this[i];
            if (match(entry, AddressOf(entry)))
            {
                if (entry.LongAddress is null)
                {
                    _text[(int)(entry.AddressAt >> TextBlockShift)].AsSpan((int)(entry.AddressAt & (TextBlockSize - 1)), entry.AddressLength).Clear();
                }

                continue;
            }

            if (kept != i)
            {
                this[kept] = entry;
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

    private void Append(in StoredEntry entry)
    {
        if (Count >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new StoredEntry[ChunkSize]);
        }

        Count++;
        this[Count - 1] = entry;
    }

    private StoredEntry Store(InviteEntryResult entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var stored = new StoredEntry
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            AddressLength = entry.Address.Length,
            DuplicateOfLine = entry.DuplicateOfLine,
            DisplayName = entry.DisplayName,
            Fields = entry.Fields,
            Outcome = entry.Outcome,
            Reason = entry.Reason,
            Detail = entry.Detail,
            StatusCode = entry.StatusCode,
            UpdatedAt = entry.UpdatedAt,
        };

        var address = entry.Address;
        if (address.Length > MaxBlockAddress)
        {
            stored.LongAddress = address;
            return stored;
        }

        if (_textUsed + address.Length > TextBlockSize)
        {
            _text.Add(new char[TextBlockSize]);
            _textUsed = 0;
        }

        address.CopyTo(_text[^1].AsSpan(_textUsed));
        stored.AddressAt = ((long)(_text.Count - 1) << TextBlockShift) | (uint)_textUsed;
        _textUsed += address.Length;
        return stored;
    }
}
