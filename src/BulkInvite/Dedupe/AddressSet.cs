namespace BulkInvite.Dedupe;

/// <summary>
/// Remembers the normalized addresses seen in one import and the line where each first appeared, in a compact
/// open-addressing table of 16-byte slots (a 96-bit fingerprint and the line): 18 to 32 bytes per unique address,
/// where a <c>HashSet&lt;string&gt;</c> needs over 100. Not thread-safe: one import uses one set.
/// </summary>
internal sealed class AddressSet
{
    private const int MinCapacity = 1024;

    private readonly AddressHasher _hasher;
    private Slot[] _slots;
    private int _count;
    private int _growAt;

    public AddressSet(int expectedCount = 0)
        : this(AddressHasher.CreateRandom(), expectedCount)
    {
    }

    internal AddressSet(AddressHasher hasher, int expectedCount = 0)
    {
        _hasher = hasher;
        var capacity = MinCapacity;
        while (capacity * 0.8 < expectedCount && capacity < (1 << 30))
        {
            capacity <<= 1;
        }

        _slots = new Slot[capacity];
        _growAt = (int)(capacity * 0.8);
    }

    /// <summary>How many unique addresses are remembered.</summary>
    public int Count => _count;

    /// <summary>The bytes held by the table.</summary>
    public long AllocatedBytes => (long)_slots.Length * 16;

    /// <summary>Adds a normalized address first seen on <paramref name="line"/>.</summary>
    /// <param name="normalizedAddress">The address in normalized form.</param>
    /// <param name="line">The line it is on (lines beyond <see cref="uint.MaxValue"/> are remembered as that value).</param>
    /// <param name="firstLine">When the address was seen before: the line of its first occurrence.</param>
    /// <returns><see langword="true"/> when the address is new.</returns>
    public bool TryAdd(ReadOnlySpan<char> normalizedAddress, long line, out long firstLine)
    {
        var (high, low) = _hasher.Hash(normalizedAddress);
        high |= 1; // 0 marks an empty slot.
        var mask = _slots.Length - 1;
        var index = (int)(high >> 32) & mask;
        while (true)
        {
            ref var slot = ref _slots[index];
            if (slot.High == 0)
            {
                break;
            }

            if (slot.High == high && slot.Low == low)
            {
                firstLine = slot.Line;
                return false;
            }

            index = (index + 1) & mask;
        }

        _slots[index] = new Slot(high, low, (uint)Math.Min(line, uint.MaxValue));
        firstLine = 0;
        if (++_count >= _growAt)
        {
            Grow();
        }

        return true;
    }

    private void Grow()
    {
        var old = _slots;
        if (old.Length >= (1 << 30))
        {
            throw new InvalidOperationException("The de-duplication table is full.");
        }

        var slots = new Slot[old.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.High == 0)
            {
                continue;
            }

            var index = (int)(slot.High >> 32) & mask;
            while (slots[index].High != 0)
            {
                index = (index + 1) & mask;
            }

            slots[index] = slot;
        }

        _slots = slots;
        _growAt = (int)(slots.Length * 0.8);
    }

    private readonly record struct Slot(ulong High, uint Low, uint Line);
}
