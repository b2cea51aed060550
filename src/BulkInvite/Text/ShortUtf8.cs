using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BulkInvite.Text;

/// <summary>
/// A short UTF-8 text (an address, a key) as one 256-bit vector: what the address check (<see cref="PlainAddress"/>)
/// and the fingerprint (<see cref="Dedupe.AddressHasher"/>) both read, each for its own purpose.
/// </summary>
internal static class ShortUtf8
{
    /// <summary>Up to 32 bytes in one vector, from its first byte, zeros after them; loaded without reading outside the span.</summary>
    /// <param name="bytes">At most 32 bytes.</param>
    /// <returns>The vector.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Load(ReadOnlySpan<byte> bytes)
    {
        var length = bytes.Length;
        ref var start = ref MemoryMarshal.GetReference(bytes);
        if (length >= 16)
        {
            // The first 16 bytes and the last 16, the latter moved down in their lane to follow the former.
            return SlideUpperLane(Vector256.Create(Vector128.LoadUnsafe(ref start), Vector128.LoadUnsafe(ref start, (nuint)(length - 16))), 32 - length);
        }

        if (length > 8)
        {
            // Two overlapping words, the second moved down to follow the first.
            var tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8)) >> ((16 - length) * 8);
            return Vector128.Create(Unsafe.ReadUnaligned<ulong>(ref start), tail).AsByte().ToVector256();
        }

        if (length >= 4)
        {
            // Two overlapping halves (shifted as 64 bits: a shift of a 32-bit value by 32 would shift by 0).
            var tail = (ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4)) >> ((8 - length) * 8);
            return Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref start) | (tail << 32)).AsByte().ToVector256();
        }

        var word = 0u;
        for (var i = length - 1; i >= 0; i--)
        {
            word = (word << 8) | Unsafe.Add(ref start, i);
        }

        return Vector128.CreateScalar(word).AsByte().ToVector256();
    }

    /// <summary>The upper 16 bytes of a vector from byte <paramref name="by"/> of them on, moved to the start of their lane, zeros after them; the lower 16 as they are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> SlideUpperLane(Vector256<byte> vector, int by) =>
        System.Runtime.Intrinsics.X86.Avx2.Shuffle(vector, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(UpperLaneSlides), (nuint)(by * 32)));

    // For k = 0 to 16, 32 shuffle indices: the lower lane as it is, the upper one's bytes k to 15 moved to its start
    // (an index with the top bit set gives 0).
    private static ReadOnlySpan<byte> UpperLaneSlides =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    ];
}
