namespace BulkInvite;

/// <summary>Decides whether an address will be accepted by a mail server as a recipient.</summary>
/// <remarks>
/// The validator does not trim: surrounding whitespace is the parser's job, and any whitespace the
/// validator sees makes the address invalid.
/// </remarks>
public interface IEmailValidator
{
    /// <summary>Validates one address.</summary>
    /// <param name="address">The address, without display name, angle brackets or surrounding whitespace.</param>
    /// <returns><see cref="InvalidReason.None"/> when the address is valid; otherwise the first reason found.</returns>
    InvalidReason Validate(ReadOnlySpan<char> address);
}
