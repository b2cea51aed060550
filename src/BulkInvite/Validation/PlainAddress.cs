using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BulkInvite;

/// <summary>
/// One pass over the common case: a dot-atom local part and a host name, nothing else. When it says yes, the full
/// rules (<see cref="AddressSyntax"/>) say the address is valid too, under every option; when it says no, the full
/// rules decide and name the reason. Most entries of a real file are such addresses, and this costs a table lookup a
/// character instead of the several passes the full rules make to find the first reason.
/// </summary>
internal static class PlainAddress
{
    private const byte Atext = 1;
    private const byte LetterOrDigit = 2;
    private const byte Hyphen = 4;
    private const byte Digit = 8;
    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    // Flags of the ASCII characters; every other code unit has none.
    private static readonly byte[] Classes = CreateClasses();

    /// <summary>Whether the address is certainly valid: a dot-atom of at most 64 octets, <c>@</c>, and an LDH host name of two or more labels.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="address">The address, at most 254 code units.</param>
    /// <param name="international">Whether IDNA rules apply to A-labels (then labels with <c>--</c> in third and fourth place are left to the full rules).</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> when the full rules must look.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCertainlyValid<T>(ReadOnlySpan<T> address, bool international)
        where T : unmanaged, IBinaryInteger<T>
    {
        var classes = Classes;
        var length = address.Length;
        if ((uint)(length - 6) > AddressSyntax.MaxAddressOctets - 6)
        {
            return false;
        }

        // Local part: atext and single dots, not first or last.
        var i = 0;
        var previousDot = true;
        uint c;
        while (true)
        {
            c = uint.CreateTruncating(address[i]);
            if (c >= 128)
            {
                return false;
            }

            if ((classes[c] & Atext) != 0)
            {
                previousDot = false;
            }
            else if (c == '.' && !previousDot)
            {
                previousDot = true;
            }
            else
            {
                break;
            }

            if (++i == length)
            {
                return false;
            }
        }

        if (c != '@' || previousDot || i > AddressSyntax.MaxLocalPartOctets)
        {
            return false;
        }

        // Domain: labels of letters, digits and inner hyphens, 1-63 long, at least two, the last not all digits.
        var labelStart = i + 1;
        var labels = 0;
        var allDigits = true;
        for (var j = labelStart; ; j++)
        {
            if (j == length || (c = uint.CreateTruncating(address[j])) == '.')
            {
                var labelLength = j - labelStart;
                if ((uint)(labelLength - 1) > AddressSyntax.MaxLabelOctets - 1
                    || uint.CreateTruncating(address[labelStart]) == '-'
                    || uint.CreateTruncating(address[j - 1]) == '-'
                    || (international && labelLength >= 4 && uint.CreateTruncating(address[labelStart + 2]) == '-' && uint.CreateTruncating(address[labelStart + 3]) == '-'))
                {
                    return false;
                }

                labels++;
                if (j == length)
                {
                    break;
                }

                labelStart = j + 1;
                allDigits = true;
                continue;
            }

            if (c >= 128)
            {
                return false;
            }

            var flags = classes[c];
            if ((flags & (LetterOrDigit | Hyphen)) == 0)
            {
                return false;
            }

            allDigits &= (flags & Digit) != 0;
        }

        return labels >= 2 && !allDigits && length - i - 1 <= AddressSyntax.MaxDomainOctets;
    }

    /// <summary>
    /// The same check on UTF-8 bytes without a branch per character: up to 64 bytes are classified with AVX2 into
    /// bit masks (atext, letter-digit-hyphen, digit, dot, <c>@</c>, hyphen), and every rule is a few operations on them.
    /// Character loops mispredict at every dot and at the <c>@</c>; this runs in the same time for any address.
    /// </summary>
    /// <param name="address">The address, at most 254 bytes.</param>
    /// <param name="international">As for <see cref="IsCertainlyValid{T}(ReadOnlySpan{T}, bool)"/>.</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> when the full rules must look.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCertainlyValidUtf8(ReadOnlySpan<byte> address, bool international)
    {
        var length = address.Length;
        if (!Avx2.IsSupported || (uint)(length - 6) > 64 - 6)
        {
            return IsCertainlyValid(address, international);
        }

        // Two loads that cover the address and overlap in the middle, never reading outside it: 32-byte vectors from
        // 32 bytes on, 16-byte ones from 16; shorter addresses are copied to a zeroed block first.
        ref var start = ref MemoryMarshal.GetReference(address);
        Masks low, high;
        int shift;
        if (length >= 32)
        {
            low = Classify(Vector256.LoadUnsafe(ref start));
            high = Classify(Vector256.LoadUnsafe(ref start, (nuint)(length - 32)));
            shift = length - 32;
        }
        else if (length >= 16)
        {
            low = Classify(Vector128.LoadUnsafe(ref start));
            high = Classify(Vector128.LoadUnsafe(ref start, (nuint)(length - 16)));
            shift = length - 16;
        }
        else
        {
            Span<byte> padded = stackalloc byte[16];
            padded.Clear();
            address.CopyTo(padded);
            low = Classify(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(padded)));
            high = default;
            shift = 0;
        }

        var atext = Join(low.Atext, high.Atext, shift);
        var ldh = Join(low.Ldh, high.Ldh, shift);
        var digit = Join(low.Digit, high.Digit, shift);
        var dot = Join(low.Dot, high.Dot, shift);
        var at = Join(low.At, high.At, shift);
        var hyphen = Join(low.Hyphen, high.Hyphen, shift);

        var all = length == 64 ? ulong.MaxValue : (1UL << length) - 1;
        at &= all;
        if (BitOperations.PopCount(at) != 1)
        {
            return false;
        }

        var atIndex = BitOperations.TrailingZeroCount(at);
        var local = at - 1;
        var domain = all & ~(local | at);
        var localDots = dot & local;
        var domainDots = dot & domain;
        var last = 1UL << (length - 1);
        var firstOfDomain = at << 1;

        var ok = atIndex != 0                                      // a local part
            & (local & ~(atext | dot)) == 0                        // of atext and dots
            & (localDots & 1) == 0                                 // not starting with a dot
            & (localDots & (at >> 1)) == 0                         // not ending with one
            & (localDots & (localDots >> 1)) == 0                  // no two in a row
            & (domain & ~(ldh | dot)) == 0                         // a domain of letters, digits, hyphens and dots
            & domainDots != 0                                      // of two labels or more
            & (domainDots & (firstOfDomain | last)) == 0           // none of them empty at either end
            & (domainDots & (domainDots >> 1)) == 0                // or in the middle
            & (hyphen & (firstOfDomain | (domainDots << 1))) == 0  // no label starting with a hyphen
            & (hyphen & (last | (domainDots >> 1))) == 0           // or ending with one
            & (!international | (hyphen & (hyphen >> 1) & domain) == 0);
        if (!ok)
        {
            return false;
        }

        // The top-level label: the bits after the last dot, not all digits. Labels here are at most 57 long.
        var lastDot = 63 - BitOperations.LeadingZeroCount(domainDots);
        var topLevel = domain & ~((2UL << lastDot) - 1);
        return (topLevel & ~digit) != 0;
    }

    /// <summary>The masks of the two loads as one, the second shifted to where it was loaded from (overlapping bits agree).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Join(uint low, uint high, int shift) => low | ((ulong)high << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Masks Classify(Vector256<byte> v)
    {
        // Set membership by nibble tables: bit h of the table's entry l is set when the character 0xhl is in the set.
        var lowNibbles = v & Vector256.Create((byte)0x0F);
        var highBits = Avx2.Shuffle(HighNibbleBit, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & Vector256.Create((byte)0x0F));
        var atext = Avx2.Shuffle(AtextByLowNibble, lowNibbles) & highBits;
        var ldh = Avx2.Shuffle(LdhByLowNibble, lowNibbles) & highBits;
        var zero = Vector256<byte>.Zero;
        var digit = Vector256.LessThanOrEqual(v - Vector256.Create((byte)'0'), Vector256.Create((byte)9));
        return new Masks(
            ~Vector256.Equals(atext, zero).ExtractMostSignificantBits(),
            ~Vector256.Equals(ldh, zero).ExtractMostSignificantBits(),
            digit.ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'.')).ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'@')).ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'-')).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Masks Classify(Vector128<byte> v)
    {
        var lowNibbles = v & Vector128.Create((byte)0x0F);
        var highBits = Ssse3.Shuffle(HighNibbleBit.GetLower(), Sse2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F));
        var atext = Ssse3.Shuffle(AtextByLowNibble.GetLower(), lowNibbles) & highBits;
        var ldh = Ssse3.Shuffle(LdhByLowNibble.GetLower(), lowNibbles) & highBits;
        var zero = Vector128<byte>.Zero;
        var digit = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'0'), Vector128.Create((byte)9));
        const uint Low16 = 0xFFFF;
        return new Masks(
            ~Vector128.Equals(atext, zero).ExtractMostSignificantBits() & Low16,
            ~Vector128.Equals(ldh, zero).ExtractMostSignificantBits() & Low16,
            digit.ExtractMostSignificantBits(),
            Vector128.Equals(v, Vector128.Create((byte)'.')).ExtractMostSignificantBits(),
            Vector128.Equals(v, Vector128.Create((byte)'@')).ExtractMostSignificantBits(),
            Vector128.Equals(v, Vector128.Create((byte)'-')).ExtractMostSignificantBits());
    }

    private static readonly Vector256<byte> HighNibbleBit = Vector256.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0);

    private static readonly Vector256<byte> AtextByLowNibble = NibbleTable(c => (Classes[c] & Atext) != 0);

    private static readonly Vector256<byte> LdhByLowNibble = NibbleTable(c => (Classes[c] & (LetterOrDigit | Hyphen)) != 0);

    private static Vector256<byte> NibbleTable(Func<int, bool> member)
    {
        Span<byte> table = stackalloc byte[32];
        for (var c = 0; c < 128; c++)
        {
            if (member(c))
            {
                table[c & 0x0F] |= (byte)(1 << (c >> 4));
            }
        }

        table[..16].CopyTo(table[16..]);
        return Vector256.Create<byte>(table);
    }

    /// <summary>One bit per byte of a load, for each class.</summary>
    private readonly record struct Masks(uint Atext, uint Ldh, uint Digit, uint Dot, uint At, uint Hyphen);

    private static byte[] CreateClasses()
    {
        var classes = new byte[128];
        for (var c = 'a'; c <= 'z'; c++)
        {
            classes[c] = classes[char.ToUpperInvariant(c)] = Atext | LetterOrDigit;
        }

        for (var c = '0'; c <= '9'; c++)
        {
            classes[c] = Atext | LetterOrDigit | Digit;
        }

        foreach (var c in AtextSpecials)
        {
            classes[c] |= Atext;
        }

        classes['-'] |= Hyphen;
        return classes;
    }
}
