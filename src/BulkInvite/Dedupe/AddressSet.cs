using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace BulkInvite.Dedupe;

/// <summary>
/// Remembers the normalized addresses seen in one import and the line where each first appeared, in compact
/// open-addressing tables, where a <c>HashSet&lt;string&gt;</c> needs over 100 bytes per address:
/// <list type="bullet">
/// <item>
/// The main table has a fixed size, for the expected count (80 % full at most, not rounded to a power of two: a slot is
/// found by multiplying, not masking). A slot holds a 64-bit tag, the first two of the fingerprint's three functions,
/// and the line (12 bytes), or the tag alone when no lines are kept (8 bytes: a summary counts only). The slot's
/// place comes from the third function, which the tag does not repeat: two addresses are compared only when their
/// places are near, and each comparison of different addresses matches with probability at most 2^-63 (about 10^-12
/// for a file of 10 million addresses, with a few comparisons each). A slot cannot be placed again from what it
/// holds, so this table never grows.
/// </item>
/// <item>
/// Once the main table is full, new addresses go to an overflow table of whole 96-bit fingerprints (12 or 16 bytes a
/// slot), placed by the fingerprint's own bits, which doubles when it is 80 % full. An address is looked up in the
/// main table first, then in the overflow. A file whose size gave a good estimate never needs the overflow; a stream
/// of unknown length fills a small main table and then the overflow.
/// </item>
/// </list>
/// Not thread-safe: one import uses one set.
/// </summary>
internal sealed unsafe class AddressSet : IDisposable
{
    private const int MinCapacity = 1024;
    private const int MaxCapacity = 1 << 30;
    private const double MaxLoad = 0.8;
    private const int TagWithLine = 12;
    private const int TagOnly = 8;

    private readonly AddressHasher _hasher;
    private readonly bool _keepLines;
    private readonly int _stride;
    private readonly int _length;
    private readonly int _full;
    private readonly ulong _tagMask;
    private SlotMemory _memory;
    private byte* _slots;
    private int _count;
    private Overflow? _overflow;

    public AddressSet(int expectedCount = 0, bool keepLines = true)
        : this(AddressHasher.CreateRandom(), expectedCount, keepLines)
    {
    }

    /// <param name="hasher">The fingerprint functions.</param>
    /// <param name="expectedCount">How many unique addresses the main table is sized for.</param>
    /// <param name="keepLines">Whether each address's first line is kept.</param>
    /// <param name="tagBits">
    /// How many of the tag's bits are kept (64, less only in tests): with fewer, two different addresses compared in
    /// the main table match with probability 2^-<paramref name="tagBits"/>, which the tests count to prove the bound.
    /// </param>
    internal AddressSet(AddressHasher hasher, int expectedCount = 0, bool keepLines = true, int tagBits = 64)
    {
        _hasher = hasher;
        _tagMask = tagBits >= 64 ? ulong.MaxValue : ~(ulong.MaxValue >> tagBits);
        _keepLines = keepLines;
        _stride = keepLines ? TagWithLine : TagOnly;
        var capacity = (int)Math.Clamp(Math.Ceiling(expectedCount / MaxLoad) + 1, MinCapacity, MaxCapacity);
        _memory = new SlotMemory((long)capacity * _stride);
        _slots = (byte*)_memory.Pointer;
        _length = capacity;
        _full = (int)(capacity * MaxLoad);
    }

    /// <summary>Whether the line of each address is kept (lines read as 0 otherwise).</summary>
    public bool KeepsLines => _keepLines;

    /// <summary>How many unique addresses are remembered.</summary>
    public int Count => _count + (_overflow?.Count ?? 0);

    /// <summary>How many of them went to the overflow table because the main one was full.</summary>
    public int OverflowCount => _overflow?.Count ?? 0;

    /// <summary>The bytes held by the tables.</summary>
    public long AllocatedBytes => ((long)_length * _stride) + (_overflow?.AllocatedBytes ?? 0);

    /// <summary>Adds a normalized address first seen on <paramref name="line"/>.</summary>
    /// <param name="normalizedAddress">The address in normalized form.</param>
    /// <param name="line">The line it is on (lines beyond <see cref="uint.MaxValue"/> are remembered as that value).</param>
    /// <param name="firstLine">When the address was seen before: the line of its first occurrence.</param>
    /// <returns><see langword="true"/> when the address is new.</returns>
    public bool TryAdd(ReadOnlySpan<char> normalizedAddress, long line, out long firstLine)
    {
        var length = Encoding.UTF8.GetByteCount(normalizedAddress);
        var key = length <= 1024 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(normalizedAddress, key);
        var (high, low) = _hasher.HashUtf8(key);
        return TryAdd(high, low, line, out firstLine);
    }

    /// <summary>The fingerprint functions (those <see cref="TryAdd(ReadOnlySpan{char}, long, out long)"/> uses), for a thread that fingerprints while another adds to the table (a copy shares no cache line with the table's counters).</summary>
    public AddressHasher Hasher => _hasher;

    /// <summary>
    /// Asks the processor to fetch the main table's slot where a fingerprint's search starts, ahead of
    /// <see cref="TryAdd(ulong, uint, long, out long)"/>: a batch of prefetches overlaps the cache misses that a table
    /// of hundreds of megabytes otherwise takes one by one.
    /// </summary>
    /// <param name="low">The fingerprint's low part (which places it).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(uint low)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_slots + ((long)Home(low, _length) * _stride));
        }
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
        var tag = (high & _tagMask) | 1; // 0 marks an empty slot.
        var slots = _slots;
        var stride = _stride;
        var length = _length;
        var index = Home(low, length);
        byte* slot;
        while (true)
        {
            slot = slots + ((long)index * stride);
            var stored = Unsafe.ReadUnaligned<ulong>(slot);
            if (stored == 0)
            {
                break;
            }

            if (stored == tag)
            {
                firstLine = stride == TagWithLine ? Unsafe.ReadUnaligned<uint>(slot + 8) : 0;
                return false;
            }

            index = index + 1 == length ? 0 : index + 1;
        }

        if (_count >= _full)
        {
            return AddToOverflow(high, low, line, out firstLine);
        }

        Unsafe.WriteUnaligned(slot, tag);
        if (stride == TagWithLine)
        {
            Unsafe.WriteUnaligned(slot + 8, Line(line));
        }

        _count++;
        firstLine = 0;
        return true;
    }

    /// <summary>Frees the tables.</summary>
    public void Dispose()
    {
        _memory.Dispose();
        _overflow?.Dispose();
        _slots = null;
    }

    /// <summary>The slot a value of 32 random bits starts at, scaled to a table's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(uint bits, int length) => (int)(((ulong)bits * (uint)length) >> 32);

    private static uint Line(long line) => (uint)Math.Min(line, uint.MaxValue);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AddToOverflow(ulong high, uint low, long line, out long firstLine)
    {
        _overflow ??= new Overflow(_keepLines, _length);
        return _overflow.TryAdd(high, low, line, out firstLine);
    }

    /// <summary>
    /// The table for what the main one has no room for: whole fingerprints, placed by bits 32-63 of their high part, so
    /// that it can be rebuilt twice as large when it is 80 % full.
    /// </summary>
    private sealed class Overflow : IDisposable
    {
        private const int FingerprintWithLine = 16;
        private const int FingerprintOnly = 12;

        private readonly int _stride;
        private SlotMemory _memory;
        private byte* _slots;
        private int _length;
        private int _growAt;

        public Overflow(bool keepLines, int capacity)
        {
            _stride = keepLines ? FingerprintWithLine : FingerprintOnly;
            _length = Math.Clamp(capacity, MinCapacity, MaxCapacity);
            _memory = new SlotMemory((long)_length * _stride);
            _slots = (byte*)_memory.Pointer;
            _growAt = (int)(_length * MaxLoad);
        }

        public int Count { get; private set; }

        public long AllocatedBytes => (long)_length * _stride;

        public bool TryAdd(ulong high, uint low, long line, out long firstLine)
        {
            high |= 1; // 0 marks an empty slot.
            var index = Home((uint)(high >> 32), _length);
            byte* slot;
            while (true)
            {
                slot = _slots + ((long)index * _stride);
                var stored = Unsafe.ReadUnaligned<ulong>(slot);
                if (stored == 0)
                {
                    break;
                }

                if (stored == high && Unsafe.ReadUnaligned<uint>(slot + 8) == low)
                {
                    firstLine = _stride == FingerprintWithLine ? Unsafe.ReadUnaligned<uint>(slot + 12) : 0;
                    return false;
                }

                index = index + 1 == _length ? 0 : index + 1;
            }

            Unsafe.WriteUnaligned(slot, high);
            Unsafe.WriteUnaligned(slot + 8, low);
            if (_stride == FingerprintWithLine)
            {
                Unsafe.WriteUnaligned(slot + 12, Line(line));
            }

            firstLine = 0;
            if (++Count >= _growAt)
            {
                Grow();
            }

            return true;
        }

        public void Dispose()
        {
            _memory.Dispose();
            _slots = null;
        }

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

                var index = Home((uint)(high >> 32), length);
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
}
