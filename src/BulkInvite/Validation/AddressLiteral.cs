using System.Numerics;

namespace BulkInvite;

/// <summary>
/// Checks RFC 5321 address literals (<c>[192.0.2.1]</c>, <c>[IPv6:2001:db8::1]</c>). General address
/// literals (<c>[tag:content]</c>) are never accepted.
/// </summary>
/// <remarks>
/// IPv4 parts are decimal numbers 0–255 without leading zeros (<c>010</c> is rejected: some resolvers read it as
/// octal, so its meaning is ambiguous). IPv6 follows RFC 5321 section 4.1.3: eight groups of one to four hex
/// digits, or fewer with one <c>::</c> that stands for at least two groups of zeros (so at most six groups
/// besides it), and the forms that end in an IPv4 address (which counts as two groups). The <c>IPv6:</c> tag is
/// matched without regard to case, as ABNF strings are.
/// </remarks>
internal static class AddressLiteral
{
    /// <summary>Checks a domain that starts with <c>[</c>.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="literal">The domain, brackets included.</param>
    /// <returns><see cref="InvalidReason.None"/> or <see cref="InvalidReason.InvalidDomainLiteral"/>.</returns>
    internal static InvalidReason Check<T>(ReadOnlySpan<T> literal)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (literal.Length < 2 || uint.CreateTruncating(literal[^1]) != ']')
        {
            return InvalidReason.InvalidDomainLiteral;
        }

        ReadOnlySpan<T> inner = literal[1..^1];
        bool valid = HasIPv6Tag(inner) ? IsIPv6(inner[5..]) : IsIPv4(inner);
        return valid ? InvalidReason.None : InvalidReason.InvalidDomainLiteral;
    }

    /// <summary>Whether the text is a dotted-quad IPv4 address.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> for four decimal parts 0–255 without leading zeros.</returns>
    internal static bool IsIPv4<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        int parts = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            uint value = 0;
            while (i < text.Length && i - start < 4)
            {
                uint digit = uint.CreateTruncating(text[i]) - '0';
                if (digit > 9)
                {
                    break;
                }

                value = (value * 10) + digit;
                i++;
            }

            int length = i - start;
            if (length == 0 || length > 3 || value > 255 || (length > 1 && uint.CreateTruncating(text[start]) == '0'))
            {
                return false;
            }

            parts++;
            if (i == text.Length)
            {
                return parts == 4;
            }

            if (parts == 4 || uint.CreateTruncating(text[i]) != '.')
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>Whether the text is an IPv6 address in one of the RFC 5321 forms.</summary>
    /// <typeparam name="T"><see cref="char"/> or <see cref="byte"/>.</typeparam>
    /// <param name="text">The text after the <c>IPv6:</c> tag.</param>
    /// <returns><see langword="true"/> for a full, compressed or IPv4-suffixed IPv6 address.</returns>
    internal static bool IsIPv6<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = text.Length;
        int groups = 0;
        bool compressed = false;
        int i = 0;
        if (n >= 2 && uint.CreateTruncating(text[0]) == ':' && uint.CreateTruncating(text[1]) == ':')
        {
            compressed = true;
            i = 2;
        }

        while (i < n)
        {
            int end = text[i..].IndexOf(T.CreateTruncating(':'));
            end = end < 0 ? n : i + end;
            ReadOnlySpan<T> group = text[i..end];
            if (group.IndexOf(T.CreateTruncating('.')) >= 0)
            {
                // An IPv4 address may only end the text, and stands for two groups.
                if (end != n || !IsIPv4(group))
                {
                    return false;
                }

                groups += 2;
                break;
            }

            if (!IsHexGroup(group))
            {
                return false;
            }

            groups++;
            if (end == n)
            {
                break;
            }

            if (end + 1 < n && uint.CreateTruncating(text[end + 1]) == ':')
            {
                if (compressed)
                {
                    return false;
                }

                compressed = true;
                i = end + 2;
            }
            else
            {
                i = end + 1;
                if (i == n)
                {
                    return false;
                }
            }
        }

        return compressed ? groups <= 6 : groups == 8;
    }

    private static bool IsHexGroup<T>(ReadOnlySpan<T> group)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (group.Length is 0 or > 4)
        {
            return false;
        }

        foreach (T unit in group)
        {
            if (!AddressCharacters.Is(uint.CreateTruncating(unit), AddressCharacters.Hex))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasIPv6Tag<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => text.Length >= 5
            && (uint.CreateTruncating(text[0]) | 0x20) == 'i'
            && (uint.CreateTruncating(text[1]) | 0x20) == 'p'
            && (uint.CreateTruncating(text[2]) | 0x20) == 'v'
            && uint.CreateTruncating(text[3]) == '6'
            && uint.CreateTruncating(text[4]) == ':';
}
