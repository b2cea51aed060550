using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BulkInvite.Dedupe;

/// <summary>
/// Remembers the normalized addresses seen in one import and the line where each first appeared, in a compact
/// open-addressing table of 16-byte slots (a 96-bit fingerprint and the line), or of 12-byte ones when no lines are
/// kept (a summary counts only): 15 to 32 bytes per unique address, where a <c>HashSet&lt;string&gt;</c> needs over
/// 100. The table is sized for the expected count without rounding to a power of two (a fingerprint's slot is found
/// by multiplying, not masking), and doubles when it is 80 % full. Not thread-safe: one import uses one set.
/// </summary>
internal sealed unsafe class AddressSet : IDisposable
{
    private const int MinCapacity = 1024;
    private const int MaxCapacity = 1 << 30;
    private const double MaxLoad = 0.8;
    private const int SlotWithLine = 16;
    private const int SlotWithoutLine = 12;
    private const int PrefetchDistance = 16;

    private readonly AddressHasher _hasher;
    private readonly int _stride;
    private SlotMemory _memory;
    private byte* _slots;
    private int _length;
    private int _count;
    private int _growAt;

    public AddressSet(int expectedCount = 0, bool keepLines = true)
        : this(AddressHasher.CreateRandom(), expectedCount, keepLines)
    {
    }

    internal AddressSet(AddressHasher hasher, int expectedCount = 0, bool keepLines = true)
    {
        _hasher = hasher;
        _stride = keepLines ? SlotWithLine : SlotWithoutLine;
        var capacity = (int)Math.Clamp(Math.Ceiling(expectedCount / MaxLoad) + 1, MinCapacity, MaxCapacity);
        _memory = new SlotMemory((long)capacity * _stride);
        _slots = (byte*)_memory.Pointer;
        _length = capacity;
        _growAt = (int)(capacity * MaxLoad);
    }

    /// <summary>Whether the line of each address is kept (16-byte slots) or not (12-byte slots; lines read as 0).</summary>
    public bool KeepsLines => _stride == SlotWithLine;

    /// <summary>Has the table's pages faulted in by a thread of their own while it is filled (see <see cref="SlotMemory.PrefaultInBackground"/>); until it grows.</summary>
    public void PrefaultInBackground() => _memory.PrefaultInBackground();

    /// <summary>How many unique addresses are remembered.</summary>
    public int Count => _count;

    /// <summary>The bytes held by the table.</summary>
    public long AllocatedBytes => (long)_length * _stride;

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

    /// <summary>The fingerprint of a normalized address given as text (for <see cref="TryAdd(ulong, uint, long, out long)"/>; the one <see cref="TryAdd(ReadOnlySpan{char}, long, out long)"/> uses).</summary>
    /// <param name="normalizedAddress">The address in normalized form.</param>
    /// <returns>The fingerprint.</returns>
    public (ulong High, uint Low) Fingerprint(ReadOnlySpan<char> normalizedAddress) => _hasher.Hash(normalizedAddress);

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
            Sse.Prefetch0(_slots + ((long)Home(high | 1, _length) * _stride));
        }
    }

    /// <summary>
    /// Adds a group of fingerprints in order, each slot prefetched a few fingerprints ahead, so that the cache misses of
    /// a table of hundreds of megabytes overlap instead of coming one by one.
    /// </summary>
    /// <param name="highs">The fingerprints' high parts.</param>
    /// <param name="lows">Their low parts.</param>
    /// <param name="lines">Their lines, or empty when lines are not kept (they are then recorded as 0).</param>
    /// <param name="added">Receives, per fingerprint, whether it was new.</param>
    /// <returns>How many were new.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AddGroup(ReadOnlySpan<ulong> highs, ReadOnlySpan<uint> lows, ReadOnlySpan<long> lines, Span<bool> added)
    {
        // Slots are fetched a fixed distance ahead of the one being added: enough misses in flight to overlap their
        // latency, few enough that the processor keeps every one of them.
        var ahead = Math.Min(PrefetchDistance, highs.Length);
        for (var i = 0; i < ahead; i++)
        {
            Prefetch(highs[i]);
        }

        var count = 0;
        for (var i = 0; i < highs.Length; i++)
        {
            if (i + PrefetchDistance < highs.Length)
            {
                Prefetch(highs[i + PrefetchDistance]);
            }

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
        var stride = _stride;
        var length = _length;
        var index = Home(high, length);
        byte* slot;
        while (true)
        {
            slot = slots + ((long)index * stride);
            var stored = Unsafe.ReadUnaligned<ulong>(slot);
            if (stored == 0)
            {
                break;
            }

            if (stored == high && Unsafe.ReadUnaligned<uint>(slot + 8) == low)
            {
                firstLine = stride == SlotWithLine ? Unsafe.ReadUnaligned<uint>(slot + 12) : 0;
                return false;
            }

            index = index + 1 == length ? 0 : index + 1;
        }

        Unsafe.WriteUnaligned(slot, high);
        Unsafe.WriteUnaligned(slot + 8, low);
        if (stride == SlotWithLine)
        {
            Unsafe.WriteUnaligned(slot + 12, (uint)Math.Min(line, uint.MaxValue));
        }

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

    /// <summary>The slot a fingerprint starts at: its bits 32-63 scaled to the table's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(ulong high, int length) => (int)(((high >> 32) * (ulong)(uint)length) >> 32);

    private void Grow()
    {
        var old = _slots;
        var oldLength = _length;
        if (oldLength >= MaxCapacity)
        {
            throw new InvalidOperationException("The de-duplication table is full.");
        }

        var length = (int)Math.Min((long)oldLength * 2, MaxCapacity);
        var stride = _stride;
        var memory = new SlotMemory((long)length * stride);
        var slots = (byte*)memory.Pointer;
        for (var i = 0; i < oldLength; i++)
        {
            var from = old + ((long)i * stride);
            var high = Unsafe.ReadUnaligned<ulong>(from);
            if (high == 0)
            {
                continue;
            }

            var index = Home(high, length);
            while (Unsafe.ReadUnaligned<ulong>(slots + ((long)index * stride)) != 0)
            {
                index = index + 1 == length ? 0 : index + 1;
            }

            Buffer.MemoryCopy(from, slots + ((long)index * stride), stride, stride);
        }

        _memory.Dispose();
        _memory = memory;
        _slots = slots;
        _length = length;
        _growAt = (int)(length * MaxLoad);
    }
}
