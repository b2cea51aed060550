namespace BulkInvite;

/// <summary>
/// Turns a valid address into the form used to compare addresses: the domain in lower-case ASCII (A-labels for
/// internationalized domains), and the local part lower-cased unless <see cref="DuplicateComparison.CaseSensitiveLocalPart"/>.
/// </summary>
public static class EmailAddressNormalizer
{
    /// <summary>Normalizes an address that the validator accepted.</summary>
    /// <param name="address">A valid address.</param>
    /// <param name="comparison">How local parts compare.</param>
    /// <returns>The normalized address (the same instance when it is already normalized).</returns>
    public static string Normalize(string address, DuplicateComparison comparison = DuplicateComparison.IgnoreCase)
        => throw new NotImplementedException();
}
