namespace BulkInvite;

/// <summary>
/// Relaxations of the default address rules. Every option is off by default: the default accepts exactly
/// the dot-atom addresses with host-name domains that mail servers accept as recipients.
/// </summary>
public sealed class EmailValidationOptions
{
    /// <summary>Accept RFC 5321 quoted-string local parts such as <c>"john doe"@example.com</c>.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowQuotedLocalPart { get; set; }

    /// <summary>Accept IPv4 and IPv6 address literals such as <c>[192.0.2.1]</c> and <c>[IPv6:2001:db8::1]</c>.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowDomainLiteral { get; set; }

    /// <summary>Accept UTF-8 local parts (RFC 6531) and internationalized domain names (checked with the IDNA rules).</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowInternational { get; set; }

    /// <summary>Accept domains of one label, such as <c>user@localhost</c>.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowSingleLabelDomain { get; set; }
}
