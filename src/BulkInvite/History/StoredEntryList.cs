namespace BulkInvite.History;

/// <summary>
/// The entries of one import in <see cref="InMemoryInviteHistoryStore"/>, in chunks of a fixed size, their addresses
/// in blocks of text: appending never copies what is there (a list that doubles would copy, and churn the large-object
/// heap, for a million entries), each entry is updated in place, and the garbage collector finds a few large arrays
/// of plain values where there would be a million small objects to trace and move. What an entry holds by reference
/// is kept beside the chunks: its reason once per distinct reason, and a detail, display name, fields or very long
/// address in a side table, which only the entries that have one use. A row of the side table let go (a detail an
/// update drops, an entry removed) is taken again by the next value stored, so the table never has more rows than the
/// most values it held at one time, however often entries are updated.
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
    private readonly List<string> _reasons = [];
    private readonly Dictionary<string, int> _reasonIds = new(StringComparer.Ordinal);

    // Slot 0 stands for "none". The free rows are those let go, taken again before the table grows.
    private readonly List<object?> _side = [null];
    private readonly Stack<int> _freeSide = new();
    private int _textUsed = TextBlockSize;

    /// <summary>How many entries there are.</summary>
    public int Count { get; private set; }

    /// <summary>The entry at <paramref name="index"/>, to read (its address through <see cref="AddressOf"/>; changed through <see cref="Update"/>).</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    public ref readonly StoredEntry this[int index] => ref At(index);

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
            At(i) = At(i - 1);
        }

        At(index) = stored;
    }

    /// <summary>Changes the entry at <paramref name="index"/> as <paramref name="update"/> says.</summary>
    /// <returns>The outcome it had before.</returns>
    public InviteOutcome Update(int index, in InviteEntryUpdate update)
    {
        ref var entry = ref At(index);
        var before = entry.Outcome;
        entry.Outcome = update.Outcome;
        entry.Reason = ReasonId(update.Reason);
        entry.Detail = Put(entry.Detail, update.Detail);
        entry.StatusCode = update.StatusCode.GetValueOrDefault();
        entry.Flags = update.StatusCode.HasValue ? entry.Flags | StoredEntryFlags.StatusCode : entry.Flags & ~StoredEntryFlags.StatusCode;
        SetUpdatedAt(ref entry, update.UpdatedAt);
        return before;
    }

    /// <summary>The address of an entry of this list.</summary>
    public ReadOnlySpan<char> AddressOf(in StoredEntry entry) => (entry.Flags & StoredEntryFlags.LongAddress) != 0
        ? (string)_side[(int)entry.AddressAt]!
        : _text[(int)(entry.AddressAt >> TextBlockShift)].AsSpan((int)(entry.AddressAt & (TextBlockSize - 1)), entry.AddressLength);

    /// <summary>The entry at <paramref name="index"/> as the store hands it out: a new object each time.</summary>
    public InviteEntryResult ToResult(int index, EntryInvitation? invitation = null)
    {
        ref readonly var entry = ref this[index];
        var extra = (StoredExtra?)_side[entry.Extra];
        return new InviteEntryResult
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            Address = AddressOf(entry).ToString(),
            Outcome = entry.Outcome,
            Reason = entry.Reason == 0 ? null : _reasons[entry.Reason - 1],
            Detail = (string?)_side[entry.Detail],
            DuplicateOfLine = (entry.Flags & StoredEntryFlags.DuplicateOfLine) != 0 ? entry.DuplicateOfLine : null,
            StatusCode = (entry.Flags & StoredEntryFlags.StatusCode) != 0 ? entry.StatusCode : null,
            DisplayName = extra?.DisplayName,
            Fields = extra?.Fields,
            UpdatedAt = new DateTimeOffset(entry.UpdatedTicks, TimeSpan.FromMinutes(entry.OffsetMinutes)),
            Invitation = invitation,
        };
    }

    /// <summary>
    /// Removes the entries <paramref name="match"/> picks, keeping the order of the others; their addresses are wiped
    /// from the text blocks, and what the side table held for them is dropped.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int RemoveAll(Func<StoredEntry, ReadOnlySpan<char>, bool> match)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            ref var entry = ref At(i);
            if (match(entry, AddressOf(entry)))
            {
                if ((entry.Flags & StoredEntryFlags.LongAddress) != 0)
                {
                    Free((int)entry.AddressAt);
                }
                else
                {
                    _text[(int)(entry.AddressAt >> TextBlockShift)].AsSpan((int)(entry.AddressAt & (TextBlockSize - 1)), entry.AddressLength).Clear();
                }

                Free(entry.Detail);
                Free(entry.Extra);
                continue;
            }

            if (kept != i)
            {
                At(kept) = entry;
            }

            kept++;
        }

        var removed = Count - kept;
        for (var i = kept; i < Count; i++)
        {
            At(i) = default;
        }

        Count = kept;
        var chunks = (kept + ChunkSize - 1) >> ChunkShift;
        _chunks.RemoveRange(chunks, _chunks.Count - chunks);
        return removed;
    }

    /// <summary>Removes every entry: the text blocks are wiped before they are let go, and the side table and reasons dropped.</summary>
    public void Clear()
    {
        foreach (var block in _text)
        {
            Array.Clear(block);
        }

        _text.Clear();
        _textUsed = TextBlockSize;
        _chunks.Clear();
        _side.RemoveRange(1, _side.Count - 1);
        _freeSide.Clear();
        _reasons.Clear();
        _reasonIds.Clear();
        Count = 0;
    }

    private static void SetUpdatedAt(ref StoredEntry entry, DateTimeOffset updatedAt)
    {
        entry.UpdatedTicks = updatedAt.Ticks;
        entry.OffsetMinutes = (short)updatedAt.TotalOffsetMinutes;
    }

    private ref StoredEntry At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return ref _chunks[index >> ChunkShift][index & (ChunkSize - 1)];
    }

    private void Append(in StoredEntry entry)
    {
        if (Count >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new StoredEntry[ChunkSize]);
        }

        Count++;
        At(Count - 1) = entry;
    }

    private int ReasonId(string? reason)
    {
        if (reason is null)
        {
            return 0;
        }

        if (!_reasonIds.TryGetValue(reason, out var id))
        {
            _reasons.Add(reason);
            id = _reasons.Count;
            _reasonIds.Add(reason, id);
        }

        return id;
    }

    /// <summary>Puts <paramref name="value"/> into the side table, in <paramref name="slot"/> if the entry has one already.</summary>
    /// <returns>The slot now used, 0 for none.</returns>
    private int Put(int slot, object? value)
    {
        if (value is null)
        {
            Free(slot);
            return 0;
        }

        if (slot != 0 || _freeSide.TryPop(out slot))
        {
            _side[slot] = value;
            return slot;
        }

        _side.Add(value);
        return _side.Count - 1;
    }

    /// <summary>Lets the side table's row <paramref name="slot"/> go (0, none, is left alone), for the next value to take.</summary>
    private void Free(int slot)
    {
        if (slot != 0)
        {
            _side[slot] = null;
            _freeSide.Push(slot);
        }
    }

    private StoredEntry Store(InviteEntryResult entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var stored = new StoredEntry
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            AddressLength = entry.Address.Length,
            DuplicateOfLine = entry.DuplicateOfLine.GetValueOrDefault(),
            StatusCode = entry.StatusCode.GetValueOrDefault(),
            Outcome = entry.Outcome,
            Reason = ReasonId(entry.Reason),
            Detail = Put(0, entry.Detail),
            Extra = entry.DisplayName is null && entry.Fields is null ? 0 : Put(0, new StoredExtra(entry.DisplayName, entry.Fields)),
            Flags = (entry.DuplicateOfLine.HasValue ? StoredEntryFlags.DuplicateOfLine : 0) | (entry.StatusCode.HasValue ? StoredEntryFlags.StatusCode : 0),
        };
        SetUpdatedAt(ref stored, entry.UpdatedAt);

        var address = entry.Address;
        if (address.Length > MaxBlockAddress)
        {
            stored.Flags |= StoredEntryFlags.LongAddress;
            stored.AddressAt = Put(0, address);
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

    /// <summary>What few entries have: a display name, fields.</summary>
    private sealed record StoredExtra(string? DisplayName, IReadOnlyDictionary<string, string>? Fields);
}
