using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace BulkInvite.Dedupe;

/// <summary>
/// A seeded 96-bit fingerprint of a normalized address: a 64-bit high part, which <see cref="AddressSet"/> keeps as
/// its tag, and a 32-bit low part, which places it in the main table. The random seeds keep a crafted file from aiming
/// at collisions. A key is hashed by one of two functions, chosen by its length alone, so that one key always gets one
/// fingerprint:
/// <list type="bullet">
/// <item>
/// Up to 32 bytes (nearly every address), with AVX2: three strongly universal multiply-shift functions of 32 bits each
/// over the key's eight 32-bit words and its length (Dietzfelbinger, "Universal hashing via integer arithmetic without
/// primes", 2018). Two keys agree on any one of them with probability at most 2^-32 over the seeds, whatever the
/// keys, and the three have seeds of their own: the high part (the first two, through a bijective finalizer that
/// spreads keys differing in a few bytes and changes no collision) is independent of the low part (the third). The key
/// is one vector (<see cref="HashShort"/>), and the products are computed four at a time, with no chain of rounds:
/// about half the time of the multiply-rotate lanes on the same keys (<c>FingerprintBenchmarks</c>).
/// </item>
/// <item>
/// Longer keys, or without AVX2: two 64-bit multiply-rotate lanes with different constants over the same words, each
/// finished with a full avalanche (64 bits of one, 32 of both).
/// </item>
/// </list>
/// </summary>
internal readonly struct AddressHasher
{
    /// <summary>The longest key of <see cref="HashShort"/>.</summary>
    public const int ShortKeyBytes = 32;

    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    // The short-key functions, per function f: the 32-bit halves of the multipliers of the even words, low halves then
    // high halves, and those of the odd words (as 64-bit lanes, for vpmuludq); then per function the multiplier of the
    // length and the addend.
    private const int ShortFunctions = 3;
    private const int PerFunction = 16;
    private const int LengthTerms = ShortFunctions * PerFunction;
    private const int ShortSeeds = LengthTerms + (2 * ShortFunctions);

    private readonly ulong _seed;
    private readonly ulong[] _short;

    /// <summary>A hasher whose seeds are all derived from <paramref name="seed"/>, for repeatable fingerprints in tests.</summary>
    /// <param name="seed">Any value.</param>
    public AddressHasher(ulong seed)
    {
        var state = seed;
        var multipliers = new ulong[ShortFunctions * 10];
        for (var i = 0; i < multipliers.Length; i++)
        {
            multipliers[i] = SplitMix64(ref state);
        }

        _seed = seed;
        _short = ShortSeedsFrom(multipliers);
    }

    private AddressHasher(ulong seed, ulong[] shortSeeds)
    {
        _seed = seed;
        _short = shortSeeds;
    }

    /// <summary>A hasher with seeds from the system's cryptographic random source.</summary>
    /// <returns>The hasher.</returns>
    public static AddressHasher CreateRandom()
    {
        var multipliers = new ulong[(ShortFunctions * 10) + 1];
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(multipliers.AsSpan()));
        return new AddressHasher(multipliers[^1], ShortSeedsFrom(multipliers.AsSpan(0, ShortFunctions * 10)));
    }

    /// <summary>The 96-bit fingerprint of a key given as UTF-8 bytes (every key of an import and of a summary is).</summary>
    /// <param name="key">The normalized address, UTF-8.</param>
    /// <returns>The fingerprint.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) HashUtf8(ReadOnlySpan<byte> key)
        => key.Length <= ShortKeyBytes && Avx2.IsSupported ? HashShort(Text.ShortUtf8.Load(key), key.Length) : HashLong(key, ignoreCase: false);

    /// <summary>
    /// <see cref="HashUtf8(ReadOnlySpan{byte})"/> of an ASCII key with its letters lower-cased, without a pass to
    /// lower-case it; a key of up to <see cref="ShortKeyBytes"/> bytes (with AVX2) is also found to be ASCII in the vector
    /// it is hashed from, a longer one by a pass of <see cref="System.Text.Ascii.IsValid(ReadOnlySpan{byte})"/>.
    /// </summary>
    /// <param name="key">A valid address, UTF-8.</param>
    /// <param name="high">The fingerprint's high part, when the key is ASCII.</param>
    /// <param name="low">The fingerprint's low part, when the key is ASCII.</param>
    /// <returns><see langword="false"/> when the key holds a byte that is not ASCII (its fingerprint is not made).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryHashAsciiIgnoreCase(ReadOnlySpan<byte> key, out ulong high, out uint low)
    {
        if (key.Length <= ShortKeyBytes && Avx2.IsSupported)
        {
            var vector = Text.ShortUtf8.Load(key);
            if (vector.ExtractMostSignificantBits() != 0)
            {
                (high, low) = (0, 0);
                return false;
            }

            (high, low) = HashShort(LowerAscii(vector), key.Length);
            return true;
        }

        if (!System.Text.Ascii.IsValid(key))
        {
            (high, low) = (0, 0);
            return false;
        }

        (high, low) = HashLong(key, ignoreCase: true);
        return true;
    }

    /// <summary>
    /// The fingerprint <see cref="HashUtf8(ReadOnlySpan{byte})"/> gives a key of at most <see cref="ShortKeyBytes"/>
    /// bytes, from the key in one vector as <see cref="Text.ShortUtf8.Load"/> loads it. Needs AVX2.
    /// </summary>
    /// <param name="key">The key from its first byte, zeros after it.</param>
    /// <param name="length">Its length.</param>
    /// <returns>The fingerprint.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) HashShort(Vector256<byte> key, int length)
    {
        ref var seeds = ref MemoryMarshal.GetArrayDataReference(_short);
        var even = key.AsUInt32();
        var odd = Avx2.ShiftRightLogical(key.AsUInt64(), 32).AsUInt32();
        var first = ShortFunction(ref seeds, 0, even, odd, length);
        var second = ShortFunction(ref seeds, 1, even, odd, length);
        var third = ShortFunction(ref seeds, 2, even, odd, length);
        return (Mix(((ulong)first << 32) | second), third);
    }

    /// <summary>Lower-cases the ASCII capital letters of a vector of bytes; other bytes are untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> LowerAscii(Vector256<byte> bytes)
    {
        var capital = Vector256.LessThanOrEqual(bytes - Vector256.Create((byte)'A'), Vector256.Create((byte)('Z' - 'A')));
        return bytes | (capital & Vector256.Create((byte)0x20));
    }

    /// <summary>
    /// One short-key function: <c>(d + c_8·length + Σ c_j·x_j mod 2^64) >> 32</c> over the 32-bit words <c>x_j</c>, each
    /// 32-by-64-bit product as two 32-by-32 ones (<c>x·lo(c) + (x·hi(c) &lt;&lt; 32)</c>), four words at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ShortFunction(ref ulong seeds, int function, Vector256<uint> even, Vector256<uint> odd, int length)
    {
        var offset = (nuint)(function * PerFunction);
        var sum = Avx2.Multiply(even, Vector256.LoadUnsafe(ref seeds, offset).AsUInt32())
            + Avx2.ShiftLeftLogical(Avx2.Multiply(even, Vector256.LoadUnsafe(ref seeds, offset + 4).AsUInt32()), 32)
            + Avx2.Multiply(odd, Vector256.LoadUnsafe(ref seeds, offset + 8).AsUInt32())
            + Avx2.ShiftLeftLogical(Avx2.Multiply(odd, Vector256.LoadUnsafe(ref seeds, offset + 12).AsUInt32()), 32);
        var terms = LengthTerms + (2 * function);
        var total = Vector256.Sum(sum) + (Unsafe.Add(ref seeds, terms) * (ulong)length) + Unsafe.Add(ref seeds, terms + 1);
        return (uint)(total >> 32);
    }

    /// <summary>Lays out the short-key seeds: per function, eight word multipliers split into 32-bit halves, then per function the length multiplier and the addend.</summary>
    private static ulong[] ShortSeedsFrom(ReadOnlySpan<ulong> multipliers)
    {
        var seeds = new ulong[ShortSeeds];
        for (var f = 0; f < ShortFunctions; f++)
        {
            var word = multipliers.Slice(f * 10, 8);
            for (var k = 0; k < 4; k++)
            {
                var evenWord = word[2 * k];
                var oddWord = word[(2 * k) + 1];
                seeds[(f * PerFunction) + k] = evenWord & uint.MaxValue;
                seeds[(f * PerFunction) + 4 + k] = evenWord >> 32;
                seeds[(f * PerFunction) + 8 + k] = oddWord & uint.MaxValue;
                seeds[(f * PerFunction) + 12 + k] = oddWord >> 32;
            }

            seeds[LengthTerms + (2 * f)] = multipliers[(f * 10) + 8];
            seeds[LengthTerms + (2 * f) + 1] = multipliers[(f * 10) + 9];
        }

        return seeds;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The multiply-rotate function, for keys longer than <see cref="ShortKeyBytes"/> (or every key without AVX2); internal for the benchmarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal (ulong High, uint Low) HashLong(ReadOnlySpan<byte> key, bool ignoreCase)
    {
        var h1 = _seed ^ ((ulong)key.Length * Prime1);
        var h2 = BitOperations.RotateLeft(_seed, 29) ^ ((ulong)key.Length * Prime3);
        var data = key;
        while (data.Length >= 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data);
            Round(ref h1, ref h2, ignoreCase ? LowerAscii(word) : word);
            data = data[8..];
        }

        if (data.Length > 0)
        {
            // The last 1-7 bytes: the final eight bytes of the key when it has them (overlapping words already
            // hashed; the length is in the seed), else the bytes one by one.
            ulong tail;
            if (key.Length >= 8)
            {
                tail = BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]) >> ((8 - data.Length) * 8);
            }
            else
            {
                tail = 0;
                for (var i = data.Length - 1; i >= 0; i--)
                {
                    tail = (tail << 8) | data[i];
                }
            }

            Round(ref h1, ref h2, ignoreCase ? LowerAscii(tail) : tail);
        }

        return (Mix(h1), (uint)Mix(h2 ^ h1));
    }

    /// <summary>Lower-cases the ASCII capital letters among eight bytes (SWAR); bytes from 0x80 on are untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LowerAscii(ulong word)
    {
        const ulong Low7 = 0x7F7F7F7F7F7F7F7FUL;
        const ulong High = 0x8080808080808080UL;
        var seven = word & Low7;
        var atLeastA = seven + 0x3F3F3F3F3F3F3F3FUL;   // high bit set from 'A' (0x41) on
        var aboveZ = seven + 0x2525252525252525UL;     // high bit set from '[' (0x5B) on
        var capital = (atLeastA ^ aboveZ) & ~word & High;
        return word | (capital >> 2);
    }

    /// <summary>Mixes one 64-bit word into both lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong h1, ref ulong h2, ulong word)
    {
        h1 ^= BitOperations.RotateLeft(word * Prime2, 31) * Prime1;
        h1 = (BitOperations.RotateLeft(h1, 27) * Prime1) + Prime3;
        h2 ^= BitOperations.RotateLeft(word * Prime1, 33) * Prime3;
        h2 = (BitOperations.RotateLeft(h2, 29) * Prime2) + Prime1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }
}
