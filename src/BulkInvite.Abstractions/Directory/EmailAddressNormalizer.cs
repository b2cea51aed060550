using System.Buffers;
using System.Globalization;
using System.Text;

namespace BulkInvite;

/// <summary>
/// Turns a valid address into the form the SDK compares addresses in: to find duplicates in a file, and to ask the
/// host's user directory (<see cref="UserExistenceQuery.Addresses"/> holds addresses in this form). A directory applies
/// it to the addresses it holds to compare them with the ones it is asked about.
/// </summary>
/// <remarks>
/// <para>The rule, on an address split at its last <c>@</c>:</para>
/// <list type="bullet">
/// <item><description>
/// The domain is in lower-case ASCII: an internationalized domain is converted to A-labels (<c>xn--</c>…) with the IDNA
/// rules (<see cref="IdnMapping"/> with STD3 ASCII rules and no unassigned code points, as the validator checks it),
/// and every ASCII letter is lower-cased. <c>Bücher.Example</c> becomes <c>xn--bcher-kva.example</c>.
/// </description></item>
/// <item><description>
/// The local part is kept as written (quotes of a quoted local part included), except that with
/// <see cref="DuplicateComparison.IgnoreCase"/> (the default) it is lower-cased with the invariant culture's rules,
/// which lower-case non-ASCII letters too: <c>ZOË</c> becomes <c>zoë</c>. With
/// <see cref="DuplicateComparison.CaseSensitiveLocalPart"/> it is left as it is.
/// </description></item>
/// </list>
/// <para>
/// Nothing else changes: no dots or <c>+tags</c> are removed, no Unicode normalization is applied to the local part.
/// </para>
/// </remarks>
public static class EmailAddressNormalizer
{
    private static readonly SearchValues<char> UpperCaseLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    // IdnMapping keeps no state besides the two flags, which are never changed after this point.
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Normalizes an address that the validator accepted.</summary>
    /// <param name="address">A valid address.</param>
    /// <param name="comparison">How local parts compare.</param>
    /// <returns>The normalized address (the same instance when it is already normalized).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> has no <c>@</c>, or its domain does not pass the IDNA rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="comparison"/> is not a defined value.</exception>
    public static string Normalize(string address, DuplicateComparison comparison = DuplicateComparison.IgnoreCase)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (comparison is not (DuplicateComparison.IgnoreCase or DuplicateComparison.CaseSensitiveLocalPart))
        {
            throw new ArgumentOutOfRangeException(nameof(comparison), comparison, "Unknown comparison.");
        }

        // The domain never holds '@'; a quoted local part may.
        int at = address.LastIndexOf('@');
        if (at < 0)
        {
            throw new ArgumentException("The address has no '@'.", nameof(address));
        }

        ReadOnlySpan<char> domain = address.AsSpan(at + 1);
        if (!Ascii.IsValid(domain))
        {
            string asciiDomain = Idn.GetAscii(domain.ToString()).ToLowerInvariant();
            ReadOnlySpan<char> local = address.AsSpan(0, at);
            return comparison == DuplicateComparison.IgnoreCase
                ? string.Concat(local.ToString().ToLowerInvariant(), "@", asciiDomain)
                : string.Concat(local, "@", asciiDomain);
        }

        bool lowerLocal = comparison == DuplicateComparison.IgnoreCase && HasUpperCase(address.AsSpan(0, at));
        if (!lowerLocal && !domain.ContainsAny(UpperCaseLetters))
        {
            return address;
        }

        return string.Create(address.Length, (address, at, lowerLocal), static (destination, state) =>
        {
            (string source, int at, bool lowerLocal) = state;
            if (lowerLocal)
            {
                source.AsSpan(0, at).ToLowerInvariant(destination);
            }
            else
            {
                source.AsSpan(0, at).CopyTo(destination);
            }

            destination[at] = '@';
            Ascii.ToLower(source.AsSpan(at + 1), destination[(at + 1)..], out _);
        });
    }

    private static bool HasUpperCase(ReadOnlySpan<char> text)
    {
        if (Ascii.IsValid(text))
        {
            return text.ContainsAny(UpperCaseLetters);
        }

        // Invariant lower-casing maps each UTF-16 code unit to one code unit.
        Span<char> lower = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        text.ToLowerInvariant(lower);
        return !lower.SequenceEqual(text);
    }
}
