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
    /// bit masks (atext, atext outside host names, digit, dot, <c>@</c>, hyphen), and every rule is a few operations on
    /// them. Character loops mispredict at every dot and at the <c>@</c>; this runs in the same time for any address.
    /// </summary>
    /// <param name="address">The address, at most 254 bytes.</param>
    /// <param name="international">As for <see cref="IsCertainlyValid{T}(ReadOnlySpan{T}, bool)"/>.</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> when the full rules must look.</returns>
    public static bool IsCertainlyValidUtf8(ReadOnlySpan<byte> address, bool international)
    {
        var length = address.Length;
        if (!Avx2.IsSupported || (uint)(length - 6) > 64 - 6)
        {
            return IsCertainlyValid(address, international);
        }

        Masks masks;
        if (length <= 32)
        {
            masks = Classify(Text.ShortUtf8.Load(address));
        }
        else
        {
            // Two vectors that overlap in the middle; the second one's bits are moved to where it was loaded from.
            ref var start = ref MemoryMarshal.GetReference(address);
            masks = Classify(Vector256.LoadUnsafe(ref start)).Join(Classify(Vector256.LoadUnsafe(ref start, (nuint)(length - 32))), length - 32);
        }

        return Check(masks, length, international);
    }

    /// <summary>The rules, on the masks of an address of 6 to 64 octets whose bits beyond its length are clear.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Check(in Masks masks, int length, bool international)
    {
        var at = masks.At;
        var dot = masks.Dot;
        var all = ulong.MaxValue >> (64 - length);
        var last = 1UL << (length - 1);
        var separator = dot | at;
        var domain = all & ~((at << 1) - 1);
        var hyphen = masks.Hyphen & domain;

        // Every rule that a character breaks sets its bit here.
        var broken = (all & ~(masks.Atext | separator))                    // only atext, dots and '@'
            | (masks.NotInHostName & domain)                                // a domain of letters, digits, hyphens and dots
            | (separator & (1 | last | (separator >> 1)))                   // no dot or '@' first, last or next to another:
                                                                            // no empty local part or label
            | (hyphen & ((separator << 1) | (separator >> 1) | last))       // no label starting or ending with a hyphen
            | (international ? hyphen & (hyphen >> 1) : 0);                 // no "--" where IDNA rules would look

        // The top-level label, the bits after the last dot, is not all digits (a label here is at most 62 long).
        var topLevel = all & ~((2UL << (63 - BitOperations.LeadingZeroCount(dot))) - 1);
        return (broken == 0)
            & (BitOperations.PopCount(at) == 1)                             // one '@'
            & (dot > at)                                                    // a dot after it: two labels or more
            & ((topLevel & ~masks.Digit) != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Masks Classify(Vector256<byte> v)
    {
        // Set membership by nibble tables: bit h of the table's entry l is set when the character 0xhl is in the set.
        var nibble = Vector256.Create((byte)0x0F);
        var lowNibbles = v & nibble;
        var highBits = Avx2.Shuffle(Vector256.Create(HighNibbleBit), Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble);
        var zero = Vector256<byte>.Zero;
        var atext = Avx2.Shuffle(Vector256.Create(AtextByLowNibble), lowNibbles) & highBits;
        var notInHostName = Avx2.Shuffle(Vector256.Create(NotInHostNameByLowNibble), lowNibbles) & highBits;
        var digit = Vector256.LessThanOrEqual(v - Vector256.Create((byte)'0'), Vector256.Create((byte)9));
        return new Masks(
            ~Vector256.Equals(atext, zero).ExtractMostSignificantBits(),
            ~Vector256.Equals(notInHostName, zero).ExtractMostSignificantBits(),
            digit.ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'.')).ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'@')).ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'-')).ExtractMostSignificantBits());
    }

    // Bit h of entry l is set when the character 0xhl is in the set (the nibble tables of Classify): atext, and atext
    // that is not a letter, digit or hyphen. Written out so that the JIT embeds them, and always inlined: a caller that
    // has used up its inlining budget otherwise calls them, building the vector on every call. PlainAddressTests checks
    // them against the character classes through the scalar form.
    private static Vector128<byte> HighNibbleBit
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static Vector128<byte> AtextByLowNibble
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create((byte)0xE8, 0xFC, 0xF8, 0xFC, 0xFC, 0xFC, 0xFC, 0xFC, 0xF8, 0xF8, 0xF4, 0xD4, 0xD0, 0xDC, 0xF0, 0x7C);
    }

    private static Vector128<byte> NotInHostNameByLowNibble
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.Create((byte)0x40, 0x04, 0x00, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x00, 0x04, 0x84, 0x80, 0x88, 0xA0, 0x2C);
    }

    /// <summary>One bit per byte of the address, for each class.</summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Masks(ulong Atext, ulong NotInHostName, ulong Digit, ulong Dot, ulong At, ulong Hyphen)
    {
        /// <summary>These masks and those of a second load made <paramref name="shift"/> bytes further on (overlapping bits agree).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Masks Join(in Masks second, int shift) => new(
            Atext | (second.Atext << shift),
            NotInHostName | (second.NotInHostName << shift),
            Digit | (second.Digit << shift),
            Dot | (second.Dot << shift),
            At | (second.At << shift),
            Hyphen | (second.Hyphen << shift));
    }

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
