using System.Buffers;
using System.Text;

namespace BulkInvite;

/// <summary>
/// Turns a valid address into the form used to compare addresses: the domain in lower-case ASCII (A-labels for
/// internationalized domains), and the local part lower-cased unless <see cref="DuplicateComparison.CaseSensitiveLocalPart"/>.
/// </summary>
public static class EmailAddressNormalizer
{
    private static readonly SearchValues<char> UpperCaseLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

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
            string asciiDomain = InternationalDomain.GetAscii(domain.ToString()).ToLowerInvariant();
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
