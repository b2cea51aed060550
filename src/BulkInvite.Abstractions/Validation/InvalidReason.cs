namespace BulkInvite;

/// <summary>
/// Why an entry is not a valid recipient address. The names are stable reason codes: they appear in
/// reports, exports and the command-line output, and new values are only ever appended.
/// </summary>
public enum InvalidReason
{
    /// <summary>The entry is valid.</summary>
    None = 0,

    /// <summary>The entry is empty.</summary>
    Empty = 1,

    /// <summary>The entry has no <c>@</c> separating local part and domain.</summary>
    MissingAt = 2,

    /// <summary>Nothing precedes the <c>@</c>.</summary>
    EmptyLocalPart = 3,

    /// <summary>The local part is longer than 64 octets.</summary>
    LocalPartTooLong = 4,

    /// <summary>The local part holds a character that is not allowed there (for example <c>,</c>, <c>@</c> or <c>\</c> outside quotes).</summary>
    InvalidLocalPartCharacter = 5,

    /// <summary>The local part starts with a dot.</summary>
    LocalPartStartsWithDot = 6,

    /// <summary>The local part ends with a dot.</summary>
    LocalPartEndsWithDot = 7,

    /// <summary>The local part holds two dots in a row.</summary>
    ConsecutiveDots = 8,

    /// <summary>The local part is a quoted string, and <see cref="EmailValidationOptions.AllowQuotedLocalPart"/> is off.</summary>
    QuotedLocalPartNotAllowed = 9,

    /// <summary>The quoted local part is malformed (unterminated, or holds a character RFC 5321 does not allow).</summary>
    InvalidQuotedLocalPart = 10,

    /// <summary>Nothing follows the <c>@</c>.</summary>
    EmptyDomain = 11,

    /// <summary>The domain is longer than 253 octets.</summary>
    DomainTooLong = 12,

    /// <summary>The domain has an empty label (leading, trailing or double dot).</summary>
    EmptyDomainLabel = 13,

    /// <summary>A domain label is longer than 63 octets.</summary>
    DomainLabelTooLong = 14,

    /// <summary>The domain holds a character that is not a letter, digit, hyphen or dot.</summary>
    InvalidDomainCharacter = 15,

    /// <summary>A domain label starts or ends with a hyphen.</summary>
    DomainLabelHyphen = 16,

    /// <summary>The domain has a single label, and <see cref="EmailValidationOptions.AllowSingleLabelDomain"/> is off.</summary>
    SingleLabelDomain = 17,

    /// <summary>The top-level label of the domain is all digits.</summary>
    NumericTopLevelDomain = 18,

    /// <summary>The domain is an address literal, and <see cref="EmailValidationOptions.AllowDomainLiteral"/> is off.</summary>
    DomainLiteralNotAllowed = 19,

    /// <summary>The address literal is not a valid IPv4 or IPv6 address (general address literals are never accepted).</summary>
    InvalidDomainLiteral = 20,

    /// <summary>The whole address is longer than 254 octets.</summary>
    AddressTooLong = 21,

    /// <summary>The address holds whitespace or a control character.</summary>
    WhitespaceOrControlCharacter = 22,

    /// <summary>The address holds non-ASCII characters, and <see cref="EmailValidationOptions.AllowInternational"/> is off.</summary>
    NonAsciiNotAllowed = 23,

    /// <summary>The internationalized domain does not pass the IDNA rules.</summary>
    InvalidInternationalDomain = 24,

    /// <summary>The entry's bytes are not valid text in the file's encoding (for example invalid UTF-8).</summary>
    InvalidEncoding = 25,

    /// <summary>The entry is longer than the parser's limit; only its beginning was kept.</summary>
    EntryTooLong = 26,

    /// <summary>The address holds a comment in parentheses.</summary>
    CommentNotAllowed = 27,

    /// <summary>The entry holds a display name or angle brackets that could not be reduced to one address.</summary>
    DisplayNameNotAllowed = 28,

    /// <summary>The entry is malformed: an unterminated quoted string or angle bracket.</summary>
    MalformedEntry = 29,
}
