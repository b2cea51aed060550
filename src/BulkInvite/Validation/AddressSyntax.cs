using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace BulkInvite;

/// <summary>
/// The address rules, over UTF-16 (<see cref="char"/>) or ASCII (<see cref="byte"/>) code units.
/// </summary>
/// <remarks>
/// <para>The checks run in a fixed order and the first failing one gives the reason:</para>
/// <list type="number">
/// <item>the whole entry: <see cref="InvalidReason.Empty"/>, <see cref="InvalidReason.AddressTooLong"/>,
/// <see cref="InvalidReason.InvalidEncoding"/> (done by <see cref="EmailValidator"/> before it calls in here);</item>
/// <item>characters anywhere: a control character (<see cref="InvalidReason.WhitespaceOrControlCharacter"/>), then,
/// outside a leading quoted string, <c>&lt;</c> or <c>&gt;</c> (<see cref="InvalidReason.DisplayNameNotAllowed"/>),
/// <c>(</c> (<see cref="InvalidReason.CommentNotAllowed"/>), whitespace
/// (<see cref="InvalidReason.WhitespaceOrControlCharacter"/>; non-ASCII whitespace counts inside quotes too), then
/// non-ASCII characters (<see cref="InvalidReason.NonAsciiNotAllowed"/>);</item>
/// <item>the split: a leading quote (<see cref="InvalidReason.QuotedLocalPartNotAllowed"/>, or the end of the quoted
/// string), then <see cref="InvalidReason.MissingAt"/> (an unquoted local part ends at the last <c>@</c>);</item>
/// <item>the local part: <see cref="InvalidReason.EmptyLocalPart"/>, <see cref="InvalidReason.LocalPartTooLong"/>,
/// then its characters and dots from left to right;</item>
/// <item>the domain: <see cref="InvalidReason.EmptyDomain"/>, address literals, <see cref="InvalidReason.DomainTooLong"/>,
/// then from left to right an invalid character where it is met and each label's emptiness, length and hyphens
/// where it ends, then <see cref="InvalidReason.SingleLabelDomain"/> and <see cref="InvalidReason.NumericTopLevelDomain"/>.
/// An internationalized domain is checked for characters, empty labels and hyphens first, then converted to
/// A-labels (<see cref="InvalidReason.InvalidInternationalDomain"/>), and the A-label form must pass every
/// host-name rule, and keep the whole address within 254 octets.</item>
/// </list>
/// </remarks>
internal static class AddressSyntax
{
    internal const int MaxAddressOctets = 254;
    internal const int MaxLocalPartOctets = 64;
    internal const int MaxDomainOctets = 253;
    internal const int MaxLabelOctets = 63;

    // Below this length a table-driven loop beats the set-up cost of vectorized searches.
    private const int VectorizedLength = 16;

    /// <summary>Validates an address whose size and encoding are already checked.</summary>
    /// <typeparam name="T"><see cref="char"/>, or <see cref="byte"/> for ASCII-only text.</typeparam>
    /// <param name="address">1 to 254 code units; as UTF-16, at most 254 octets in UTF-8 and well formed.</param>
    /// <param name="unusual">The index of the first code unit that is not atext, dot or <c>@</c>; -1 when there is none.</param>
    /// <param name="rules">The options in force.</param>
    /// <returns>The first reason found, or <see cref="InvalidReason.None"/>.</returns>
    internal static InvalidReason Validate<T>(ReadOnlySpan<T> address, int unusual, EmailValidator rules)
        where T : unmanaged, IBinaryInteger<T>
    {
        bool nonAscii = false;
        if (unusual >= 0)
        {
            InvalidReason reason = CheckCharacters(address, unusual, rules.AllowInternational, out nonAscii);
            if (reason != InvalidReason.None)
            {
                return reason;
            }
        }

        bool quoted = Unit(address[0]) == '"';
        int at;
        if (quoted)
        {
            if (!rules.AllowQuotedLocalPart)
            {
                return InvalidReason.QuotedLocalPartNotAllowed;
            }

            at = QuotedStringEnd(address);
            if (at < 0)
            {
                return InvalidReason.InvalidQuotedLocalPart;
            }

            if (at == address.Length)
            {
                return InvalidReason.MissingAt;
            }

            if (Unit(address[at]) != '@')
            {
                return InvalidReason.InvalidQuotedLocalPart;
            }
        }
        else
        {
            at = address.LastIndexOf(T.CreateTruncating('@'));
            if (at < 0)
            {
                return InvalidReason.MissingAt;
            }
        }

        ReadOnlySpan<T> local = address[..at];
        if (local.IsEmpty)
        {
            return InvalidReason.EmptyLocalPart;
        }

        int localOctets = nonAscii ? Utf8Length(local) : local.Length;
        if (localOctets > MaxLocalPartOctets)
        {
            return InvalidReason.LocalPartTooLong;
        }

        InvalidReason localReason = quoted ? CheckQuotedString(local)
            : unusual < 0 && local.Length > VectorizedLength && IsPlainDotAtom(local) ? InvalidReason.None
            : CheckDotAtom(local);
        if (localReason != InvalidReason.None)
        {
            return localReason;
        }

        ReadOnlySpan<T> domain = address[(at + 1)..];
        if (domain.IsEmpty)
        {
            return InvalidReason.EmptyDomain;
        }

        if (Unit(domain[0]) == '[')
        {
            return rules.AllowDomainLiteral ? AddressLiteral.Check(domain) : InvalidReason.DomainLiteralNotAllowed;
        }

        return CheckDomain(domain, localOctets, nonAscii, rules);
    }

    /// <summary>
    /// Looks at every character from the first one that is not atext, dot or <c>@</c>, and reports what the entry
    /// holds that an address must not, in the order of priority described on this class.
    /// </summary>
    private static InvalidReason CheckCharacters<T>(ReadOnlySpan<T> address, int start, bool allowInternational, out bool nonAscii)
        where T : unmanaged, IBinaryInteger<T>
    {
        // A leading quoted string may hold spaces, angle brackets and parentheses; it runs to the end when unterminated.
        int quotedEnd = 0;
        if (Unit(address[0]) == '"')
        {
            quotedEnd = QuotedStringEnd(address);
            if (quotedEnd < 0)
            {
                quotedEnd = address.Length;
            }
        }

        bool displayName = false;
        bool comment = false;
        bool whitespace = false;
        nonAscii = false;
        for (int i = start; i < address.Length; i++)
        {
            uint c = Unit(address[i]);
            if (c < 0x80)
            {
                if ((AddressCharacters.Table[(int)c] & AddressCharacters.Control) != 0)
                {
                    return InvalidReason.WhitespaceOrControlCharacter;
                }

                if (i >= quotedEnd)
                {
                    displayName |= c is '<' or '>';
                    comment |= c == '(';
                    whitespace |= c == ' ';
                }
            }
            else
            {
                // Only UTF-16 text gets here: byte input reaches this class as ASCII only.
                nonAscii = true;
                char ch = (char)c;
                if (char.IsControl(ch))
                {
                    return InvalidReason.WhitespaceOrControlCharacter;
                }

                whitespace |= char.IsWhiteSpace(ch);
            }
        }

        if (displayName)
        {
            return InvalidReason.DisplayNameNotAllowed;
        }

        if (comment)
        {
            return InvalidReason.CommentNotAllowed;
        }

        if (whitespace)
        {
            return InvalidReason.WhitespaceOrControlCharacter;
        }

        return nonAscii && !allowInternational ? InvalidReason.NonAsciiNotAllowed : InvalidReason.None;
    }

    /// <summary>The index just past the quote that closes the quoted string the text starts with; -1 when unterminated.</summary>
    private static int QuotedStringEnd<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 1; i < text.Length; i++)
        {
            uint c = Unit(text[i]);
            if (c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>
    /// The quick test for a local part made only of atext, dots and <c>@</c>: no <c>@</c>, and no dot at either end
    /// or next to another. When it fails, <see cref="CheckDotAtom{T}"/> finds the reason.
    /// </summary>
    private static bool IsPlainDotAtom<T>(ReadOnlySpan<T> local)
        where T : unmanaged, IBinaryInteger<T>
        => Unit(local[0]) != '.' && Unit(local[^1]) != '.'
            && local.IndexOf(T.CreateTruncating('@')) < 0 && !AddressCharacters.HasDoubleDot(local);

    /// <summary>RFC 5322 dot-atom: atext (and, when allowed, non-ASCII) runs separated by single dots.</summary>
    private static InvalidReason CheckDotAtom<T>(ReadOnlySpan<T> local)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Non-ASCII characters only get here when international addresses are allowed (RFC 6531 extends atext).
        bool afterDot = false;
        for (int i = 0; i < local.Length; i++)
        {
            uint c = Unit(local[i]);
            if (c == '.')
            {
                if (i == 0)
                {
                    return InvalidReason.LocalPartStartsWithDot;
                }

                if (afterDot)
                {
                    return InvalidReason.ConsecutiveDots;
                }

                afterDot = true;
            }
            else if (c < 0x80 && (AddressCharacters.Table[(int)c] & AddressCharacters.Atext) == 0)
            {
                return InvalidReason.InvalidLocalPartCharacter;
            }
            else
            {
                afterDot = false;
            }
        }

        return afterDot ? InvalidReason.LocalPartEndsWithDot : InvalidReason.None;
    }

    /// <summary>
    /// RFC 5321 quoted string, quotes included: qtextSMTP (printable ASCII but <c>"</c> and <c>\</c>, and non-ASCII
    /// when allowed, per RFC 6531) and quoted pairs of a backslash and a printable ASCII character.
    /// </summary>
    private static InvalidReason CheckQuotedString<T>(ReadOnlySpan<T> local)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 1; i < local.Length - 1; i++)
        {
            uint c = Unit(local[i]);
            if (c == '\\')
            {
                c = Unit(local[++i]);
            }
            else if (c >= 0x80)
            {
                continue;
            }

            if (c is < 0x20 or > 0x7E)
            {
                return InvalidReason.InvalidQuotedLocalPart;
            }
        }

        return InvalidReason.None;
    }

    private static InvalidReason CheckDomain<T>(ReadOnlySpan<T> domain, int localOctets, bool nonAscii, EmailValidator rules)
        where T : unmanaged, IBinaryInteger<T>
    {
        bool international = nonAscii && typeof(T) == typeof(char) && !Ascii.IsValid(MemoryMarshal.Cast<T, char>(domain));
        if (!international)
        {
            InvalidReason reason = CheckHostName(domain, rules.AllowSingleLabelDomain);
            if (reason == InvalidReason.None && rules.AllowInternational && HasALabel(domain)
                && InternationalDomain.TryGetAscii(ToAsciiString(domain)) is null)
            {
                // The A-labels must decode to valid U-labels.
                return InvalidReason.InvalidInternationalDomain;
            }

            return reason;
        }

        // Within 254 octets overall, the domain as given is within 253; its A-label form is measured below.
        ReadOnlySpan<char> unicode = MemoryMarshal.Cast<T, char>(domain);
        InvalidReason structure = CheckLabels(unicode, out _, out _);
        if (structure != InvalidReason.None)
        {
            return structure;
        }

        string? ascii = InternationalDomain.TryGetAscii(unicode.ToString());
        if (ascii is null)
        {
            return InvalidReason.InvalidInternationalDomain;
        }

        if (ascii.Length > MaxDomainOctets)
        {
            return InvalidReason.DomainTooLong;
        }

        if (localOctets + 1 + ascii.Length > MaxAddressOctets)
        {
            return InvalidReason.AddressTooLong;
        }

        return CheckHostName(ascii.AsSpan(), rules.AllowSingleLabelDomain);
    }

    /// <summary>The host-name rules for an ASCII domain.</summary>
    private static InvalidReason CheckHostName<T>(ReadOnlySpan<T> domain, bool allowSingleLabel)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (domain.Length > MaxDomainOctets)
        {
            return InvalidReason.DomainTooLong;
        }

        InvalidReason reason = domain.Length > VectorizedLength && AddressCharacters.IsHostNameText(domain)
            ? CheckHostNameLabels(domain, out int labels, out bool numericTopLevel)
            : CheckLabels(domain, out labels, out numericTopLevel);
        if (reason != InvalidReason.None)
        {
            return reason;
        }

        if (labels == 1 && !allowSingleLabel)
        {
            return InvalidReason.SingleLabelDomain;
        }

        return numericTopLevel ? InvalidReason.NumericTopLevelDomain : InvalidReason.None;
    }

    /// <summary>
    /// Reads the labels from left to right: an invalid character is reported where it is met, and each label is
    /// checked where it ends (empty, then longer than 63 octets, then a leading or trailing hyphen). Labels with
    /// non-ASCII characters are not measured: their A-label form is.
    /// </summary>
    private static InvalidReason CheckLabels<T>(ReadOnlySpan<T> domain, out int labels, out bool numericTopLevel)
        where T : unmanaged, IBinaryInteger<T>
    {
        labels = 0;
        numericTopLevel = false;
        int start = 0;
        bool allDigits = true;
        bool ascii = true;
        InvalidReason reason;
        for (int i = 0; i < domain.Length; i++)
        {
            uint c = Unit(domain[i]);
            if (c == '.')
            {
                reason = CheckLabel(domain, start, i, ascii);
                if (reason != InvalidReason.None)
                {
                    return reason;
                }

                labels++;
                start = i + 1;
                allDigits = true;
                ascii = true;
            }
            else if (c < 0x80)
            {
                byte classes = AddressCharacters.Table[(int)c];
                if ((classes & AddressCharacters.Ldh) == 0)
                {
                    return InvalidReason.InvalidDomainCharacter;
                }

                allDigits &= (classes & AddressCharacters.Digit) != 0;
            }
            else
            {
                allDigits = false;
                ascii = false;
            }
        }

        reason = CheckLabel(domain, start, domain.Length, ascii);
        labels++;
        numericTopLevel = allDigits;
        return reason;
    }

    /// <summary>The labels of a domain made only of letters, digits, hyphens and dots, found with a vectorized search.</summary>
    private static InvalidReason CheckHostNameLabels<T>(ReadOnlySpan<T> domain, out int labels, out bool numericTopLevel)
        where T : unmanaged, IBinaryInteger<T>
    {
        labels = 0;
        int start = 0;
        while (true)
        {
            int dot = domain[start..].IndexOf(T.CreateTruncating('.'));
            int end = dot < 0 ? domain.Length : start + dot;
            InvalidReason reason = CheckLabel(domain, start, end, ascii: true);
            if (reason != InvalidReason.None)
            {
                numericTopLevel = false;
                return reason;
            }

            labels++;
            if (dot < 0)
            {
                numericTopLevel = AddressCharacters.IsDigits(domain[start..]);
                return InvalidReason.None;
            }

            start = end + 1;
        }
    }

    /// <summary>A label is not empty, at most 63 octets when ASCII, and neither starts nor ends with a hyphen.</summary>
    private static InvalidReason CheckLabel<T>(ReadOnlySpan<T> domain, int start, int end, bool ascii)
        where T : unmanaged, IBinaryInteger<T>
    {
        int length = end - start;
        if (length == 0)
        {
            return InvalidReason.EmptyDomainLabel;
        }

        if (length > MaxLabelOctets && ascii)
        {
            return InvalidReason.DomainLabelTooLong;
        }

        return Unit(domain[start]) == '-' || Unit(domain[end - 1]) == '-' ? InvalidReason.DomainLabelHyphen : InvalidReason.None;
    }

    /// <summary>Whether an ASCII domain has a label that starts with the ACE prefix <c>xn--</c>.</summary>
    private static bool HasALabel<T>(ReadOnlySpan<T> domain)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int start = 0; start + 4 <= domain.Length;)
        {
            if ((Unit(domain[start]) | 0x20) == 'x' && (Unit(domain[start + 1]) | 0x20) == 'n'
                && Unit(domain[start + 2]) == '-' && Unit(domain[start + 3]) == '-')
            {
                return true;
            }

            int dot = domain[start..].IndexOf(T.CreateTruncating('.'));
            if (dot < 0)
            {
                break;
            }

            start += dot + 1;
        }

        return false;
    }

    private static string ToAsciiString<T>(ReadOnlySpan<T> ascii)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char)
            ? MemoryMarshal.Cast<T, char>(ascii).ToString()
            : Encoding.ASCII.GetString(MemoryMarshal.Cast<T, byte>(ascii));

    private static int Utf8Length<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? Encoding.UTF8.GetByteCount(MemoryMarshal.Cast<T, char>(text)) : text.Length;

    private static uint Unit<T>(T unit)
        where T : unmanaged, IBinaryInteger<T>
        => uint.CreateTruncating(unit);
}
