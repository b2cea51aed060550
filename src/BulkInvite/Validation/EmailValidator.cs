using System.Text;
using System.Text.Unicode;

namespace BulkInvite;

/// <summary>
/// The span-based address validator: answers whether a mail server will accept an address as a recipient
/// (RFC 5321 mailbox), with a reason code for every rejection. It never allocates for an address it rejects.
/// </summary>
/// <remarks>
/// It does not trim: any whitespace it sees makes the address invalid. Lengths are counted in UTF-8 octets.
/// Instances are immutable and thread-safe.
/// </remarks>
public sealed class EmailValidator : IEmailValidator
{
    /// <summary>Creates a validator with the default rules.</summary>
    public EmailValidator()
        : this(new EmailValidationOptions())
    {
    }

    /// <summary>Creates a validator with the given options.</summary>
    /// <param name="options">The relaxations to apply; the object is copied.</param>
    public EmailValidator(EmailValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AllowQuotedLocalPart = options.AllowQuotedLocalPart;
        AllowDomainLiteral = options.AllowDomainLiteral;
        AllowInternational = options.AllowInternational;
        AllowSingleLabelDomain = options.AllowSingleLabelDomain;
    }

    /// <summary>A validator with the default rules.</summary>
    public static EmailValidator Default { get; } = new();

    internal bool AllowQuotedLocalPart { get; }

    internal bool AllowDomainLiteral { get; }

    internal bool AllowInternational { get; }

    internal bool AllowSingleLabelDomain { get; }

    /// <inheritdoc />
    public InvalidReason Validate(ReadOnlySpan<char> address)
    {
        if (address.IsEmpty)
        {
            return InvalidReason.Empty;
        }

        // A UTF-16 code unit takes at least one octet in UTF-8.
        if (address.Length > AddressSyntax.MaxAddressOctets)
        {
            return InvalidReason.AddressTooLong;
        }

        // Plain addresses (atext, dots and '@' only) are ASCII; anything else is looked at from its first unusual character.
        int unusual = AddressCharacters.IndexOfNonPlain(address);
        if (unusual >= 0 && !Ascii.IsValid(address[unusual..]))
        {
            InvalidReason reason = Utf16Text.Check(address);
            if (reason != InvalidReason.None)
            {
                return reason;
            }
        }

        return AddressSyntax.Validate(address, unusual, this);
    }

    /// <summary>Validates one address given as UTF-8 bytes.</summary>
    /// <param name="utf8Address">The address in UTF-8.</param>
    /// <returns><see cref="InvalidReason.None"/> when valid; otherwise the first reason found
    /// (<see cref="InvalidReason.InvalidEncoding"/> for bytes that are not UTF-8).</returns>
    public InvalidReason Validate(ReadOnlySpan<byte> utf8Address)
    {
        if (utf8Address.IsEmpty)
        {
            return InvalidReason.Empty;
        }

        if (utf8Address.Length > AddressSyntax.MaxAddressOctets)
        {
            return InvalidReason.AddressTooLong;
        }

        int unusual = AddressCharacters.IndexOfNonPlain(utf8Address);
        if (unusual < 0 || Ascii.IsValid(utf8Address[unusual..]))
        {
            return AddressSyntax.Validate(utf8Address, unusual, this);
        }

        if (!Utf8.IsValid(utf8Address))
        {
            return InvalidReason.InvalidEncoding;
        }

        // At most 254 bytes decode to at most 254 UTF-16 code units.
        Span<char> chars = stackalloc char[AddressSyntax.MaxAddressOctets];
        Utf8.ToUtf16(utf8Address, chars, out _, out int written);
        return Validate(chars[..written]);
    }

    /// <summary>Whether an address is valid.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public bool IsValid(ReadOnlySpan<char> address) => Validate(address) == InvalidReason.None;
}
