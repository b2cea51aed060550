using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace BulkInvite.Dedupe;

/// <summary>
/// A seeded 96-bit fingerprint of a normalized address, in one pass: two 64-bit multiply-rotate lanes with different
/// constants over the same words, each finished with a full avalanche (64 bits of one, 32 of both). Two different addresses share a
/// fingerprint with a probability near 2^-96 per pair (about 6·10^-16 for a file of 10 million unique
/// addresses), and the random seeds keep a crafted file from aiming at collisions.
/// </summary>
internal readonly struct AddressHasher
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    private readonly ulong _seed;

    public AddressHasher(ulong seed) => _seed = seed;

    public static AddressHasher CreateRandom() => new((ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1));

    /// <summary>The fingerprint of a key given as UTF-16 text: the two-lane function of <see cref="HashUtf8(ReadOnlySpan{byte})"/> over its UTF-16 bytes.</summary>
    /// <param name="key">The normalized address.</param>
    /// <returns>The fingerprint.</returns>
    public (ulong High, uint Low) Hash(ReadOnlySpan<char> key) => HashUtf8(MemoryMarshal.AsBytes(key), ignoreCase: false);

    /// <summary>
    /// The 96-bit fingerprint of a key given as UTF-8 bytes, in one pass: two 64-bit lanes over the same words. A key
    /// gets another fingerprint as text (<see cref="Hash(ReadOnlySpan{char})"/> hashes its UTF-16 bytes); one import
    /// uses one or the other for all its keys.
    /// </summary>
    /// <param name="key">The normalized address, UTF-8.</param>
    /// <returns>The fingerprint.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) HashUtf8(ReadOnlySpan<byte> key) => HashUtf8(key, ignoreCase: false);

    /// <summary>
    /// <see cref="HashUtf8(ReadOnlySpan{byte})"/> of the key with its ASCII letters lower-cased, without a pass to
    /// lower-case it: each word is lower-cased as it is read (other bytes, non-ASCII ones included, are left as they are).
    /// </summary>
    /// <param name="key">A valid address, UTF-8.</param>
    /// <returns>The fingerprint of the lower-cased key.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (ulong High, uint Low) HashUtf8IgnoreCase(ReadOnlySpan<byte> key) => HashUtf8(key, ignoreCase: true);

    /// <summary>Both UTF-8 fingerprints; <paramref name="ignoreCase"/> is a constant at every call, so each caller gets its own loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (ulong High, uint Low) HashUtf8(ReadOnlySpan<byte> key, bool ignoreCase)
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
