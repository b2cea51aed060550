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
    public InvalidReason Validate(ReadOnlySpan<char> address) => throw new NotImplementedException();

    /// <summary>Validates one address given as UTF-8 bytes.</summary>
    /// <param name="utf8Address">The address in UTF-8.</param>
    /// <returns><see cref="InvalidReason.None"/> when valid; otherwise the first reason found
    /// (<see cref="InvalidReason.InvalidEncoding"/> for bytes that are not UTF-8).</returns>
    public InvalidReason Validate(ReadOnlySpan<byte> utf8Address) => throw new NotImplementedException();

    /// <summary>Whether an address is valid.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public bool IsValid(ReadOnlySpan<char> address) => Validate(address) == InvalidReason.None;
}
