using System.Globalization;

namespace BulkInvite;

/// <summary>
/// Checks internationalized domain names against the IDNA rules, with the flags <see cref="EmailAddressNormalizer"/>
/// converts them with.
/// </summary>
internal static class InternationalDomain
{
    // IdnMapping keeps no state besides the two flags, which are never changed after this point.
    private static readonly IdnMapping Mapping = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Converts a domain to its ASCII form (A-labels), or tells that it does not pass the IDNA rules.</summary>
    /// <param name="domain">The domain.</param>
    /// <returns>The ASCII form, or <see langword="null"/> when the domain is not a valid IDN.</returns>
    internal static string? TryGetAscii(string domain)
    {
        try
        {
            return Mapping.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
