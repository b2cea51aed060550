using System.Text;
using System.Text.Unicode;

namespace BulkInvite;

/// <summary>
/// The span-based address validator: answers whether a mail server will accept an address as a recipient
/// (RFC 5321 mailbox), with a reason code for every rejection. It never allocates for an address it rejects.
/// </summary>
/// <remarks>
/// <para>
/// It does not trim: any whitespace it sees makes the address invalid. Lengths are counted in UTF-8 octets.
/// Instances are immutable and thread-safe. It allocates nothing, for valid and invalid addresses alike, except
/// when <see cref="EmailValidationOptions.AllowInternational"/> is on and the domain has to go through the IDNA
/// conversion (a non-ASCII domain, or one with <c>xn--</c> labels).
/// </para>
/// <para>
/// The first reason found is reported, in this order: <see cref="InvalidReason.Empty"/>;
/// <see cref="InvalidReason.AddressTooLong"/> (more than 254 octets); <see cref="InvalidReason.InvalidEncoding"/>;
/// a control character anywhere; outside a leading quoted string, angle brackets
/// (<see cref="InvalidReason.DisplayNameNotAllowed"/>), then <c>(</c> (<see cref="InvalidReason.CommentNotAllowed"/>),
/// then whitespace (<see cref="InvalidReason.WhitespaceOrControlCharacter"/>); non-ASCII characters
/// (<see cref="InvalidReason.NonAsciiNotAllowed"/>); the quoted string (<see cref="InvalidReason.QuotedLocalPartNotAllowed"/>,
/// <see cref="InvalidReason.InvalidQuotedLocalPart"/>); <see cref="InvalidReason.MissingAt"/>; then the local part
/// (empty, too long, then characters and dots from left to right), then the domain (empty, address literal, too long,
/// then characters and labels from left to right, <see cref="InvalidReason.SingleLabelDomain"/>,
/// <see cref="InvalidReason.NumericTopLevelDomain"/>, and for internationalized domains
/// <see cref="InvalidReason.InvalidInternationalDomain"/> and the rules again on the A-label form).
/// An unquoted local part ends at the last <c>@</c>, so <c>a@b@example.com</c> has an invalid local part.
/// </para>
/// <para>
/// IPv4 literals must not have leading zeros (<c>[192.0.02.1]</c> is rejected, as some resolvers read <c>02</c> as
/// octal). IPv6 literals follow RFC 5321: <c>::</c> stands for at least two groups of zeros.
/// </para>
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

        if (PlainAddress.IsCertainlyValid(address, AllowInternational))
        {
            return InvalidReason.None;
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

        if (PlainAddress.IsCertainlyValidUtf8(utf8Address, AllowInternational))
        {
            return InvalidReason.None;
        }

        int unusual = AddressCharacters.IndexOfNonPlain(utf8Address);
        if (unusual < 0 || Ascii.IsValid(utf8Address[unusual..]))
        {
            return AddressSyntax.Validate(utf8Address, unusual, this);
        }

        return ValidateNonAscii(utf8Address);
    }

    /// <summary>An address with bytes above ASCII: checked as UTF-8, then by the rules for text.</summary>
    private InvalidReason ValidateNonAscii(ReadOnlySpan<byte> utf8Address)
    {
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
