using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BulkInvite.Dedupe;

/// <summary>
/// Remembers the normalized addresses seen in one import and the line where each first appeared, in a compact
/// open-addressing table of 16-byte slots (a 96-bit fingerprint and the line): 18 to 32 bytes per unique address,
/// where a <c>HashSet&lt;string&gt;</c> needs over 100. Not thread-safe: one import uses one set.
/// </summary>
internal sealed unsafe class AddressSet : IDisposable
{
    private const int MinCapacity = 1024;

    private readonly AddressHasher _hasher;
    private SlotMemory _memory;
    private Slot* _slots;
    private int _length;
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

        _memory = new SlotMemory((long)capacity * sizeof(Slot));
        _slots = (Slot*)_memory.Pointer;
        _length = capacity;
        _growAt = (int)(capacity * 0.8);
    }

    /// <summary>How many unique addresses are remembered.</summary>
    public int Count => _count;

    /// <summary>The bytes held by the table.</summary>
    public long AllocatedBytes => (long)_length * sizeof(Slot);

    /// <summary>Adds a normalized address first seen on <paramref name="line"/>.</summary>
    /// <param name="normalizedAddress">The address in normalized form.</param>
    /// <param name="line">The line it is on (lines beyond <see cref="uint.MaxValue"/> are remembered as that value).</param>
    /// <param name="firstLine">When the address was seen before: the line of its first occurrence.</param>
    /// <returns><see langword="true"/> when the address is new.</returns>
    public bool TryAdd(ReadOnlySpan<char> normalizedAddress, long line, out long firstLine)
    {
        var (high, low) = _hasher.Hash(normalizedAddress);
        return TryAdd(high, low, line, out firstLine);
    }

    /// <summary>The fingerprint of a normalized address given as UTF-8 (for <see cref="TryAdd(ulong, uint, long, out long)"/>).</summary>
    /// <param name="normalizedAddress">The address in normalized form, UTF-8.</param>
    /// <returns>The fingerprint; one set takes fingerprints of one kind only (all UTF-8, or all from <see cref="TryAdd(ReadOnlySpan{char}, long, out long)"/>).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) FingerprintUtf8(ReadOnlySpan<byte> normalizedAddress) => _hasher.HashUtf8(normalizedAddress);

    /// <summary>The fingerprint <see cref="FingerprintUtf8"/> gives the key with its ASCII letters lower-cased.</summary>
    /// <param name="address">A valid address, UTF-8, in any letter case.</param>
    /// <returns>The fingerprint.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) FingerprintUtf8IgnoreCase(ReadOnlySpan<byte> address) => _hasher.HashUtf8IgnoreCase(address);

    /// <summary>
    /// Asks the processor to fetch the slot a fingerprint starts at, ahead of <see cref="TryAdd(ulong, uint, long, out long)"/>:
    /// a batch of prefetches overlaps the cache misses that a table of hundreds of megabytes otherwise takes one by one.
    /// </summary>
    /// <param name="high">The fingerprint's high part.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong high)
    {
        if (Sse.IsSupported)
        {
            var index = (int)((high | 1) >> 32) & (_length - 1);
            Sse.Prefetch0(_slots + index);
        }
    }

    /// <summary>
    /// Adds a group of fingerprints in order: every slot is prefetched first, so that the cache misses of a table of
    /// hundreds of megabytes overlap instead of coming one by one.
    /// </summary>
    /// <param name="highs">The fingerprints' high parts.</param>
    /// <param name="lows">Their low parts.</param>
    /// <param name="lines">Their lines, or empty when lines are not kept (they are then recorded as 0).</param>
    /// <param name="added">Receives, per fingerprint, whether it was new.</param>
    /// <returns>How many were new.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AddGroup(ReadOnlySpan<ulong> highs, ReadOnlySpan<uint> lows, ReadOnlySpan<long> lines, Span<bool> added)
    {
        foreach (var high in highs)
        {
            Prefetch(high);
        }

        var count = 0;
        for (var i = 0; i < highs.Length; i++)
        {
            var isNew = TryAdd(highs[i], lows[i], lines.IsEmpty ? 0 : lines[i], out _);
            added[i] = isNew;
            count += isNew ? 1 : 0;
        }

        return count;
    }

    /// <summary>Adds a fingerprint first seen on <paramref name="line"/>.</summary>
    /// <param name="high">The fingerprint's high part.</param>
    /// <param name="low">The fingerprint's low part.</param>
    /// <param name="line">The line it is on.</param>
    /// <param name="firstLine">When it was seen before: the line of its first occurrence.</param>
    /// <returns><see langword="true"/> when it is new.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdd(ulong high, uint low, long line, out long firstLine)
    {
        high |= 1; // 0 marks an empty slot.
        var slots = _slots;
        var mask = _length - 1;
        var index = (int)(high >> 32) & mask;
        while (true)
        {
            ref var slot = ref slots[index];
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

        slots[index] = new Slot(high, low, (uint)Math.Min(line, uint.MaxValue));
        firstLine = 0;
        if (++_count >= _growAt)
        {
            Grow();
        }

        return true;
    }

    /// <summary>Frees the table.</summary>
    public void Dispose()
    {
        _memory.Dispose();
        _slots = null;
        _length = 0;
    }

    private void Grow()
    {
        var old = _slots;
        var oldLength = _length;
        if (oldLength >= (1 << 30))
        {
            throw new InvalidOperationException("The de-duplication table is full.");
        }

        var length = oldLength * 2;
        var memory = new SlotMemory((long)length * sizeof(Slot));
        var slots = (Slot*)memory.Pointer;
        var mask = length - 1;
        for (var i = 0; i < oldLength; i++)
        {
            var slot = old[i];
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

        _memory.Dispose();
        _memory = memory;
        _slots = slots;
        _length = length;
        _growAt = (int)(length * 0.8);
    }

    private readonly record struct Slot(ulong High, uint Low, uint Line);
}
