namespace BulkInvite;

/// <summary>A batch of addresses to look up in the host's user directory.</summary>
public sealed class UserExistenceQuery
{
    /// <summary>The account (tenant) the import belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>
    /// The addresses, each one the validator accepted, unique within the batch (compared ordinally), at most
    /// <c>BulkInviteOptions.ExistenceCheckBatchSize</c> of them, in the form <see cref="EmailAddressNormalizer"/> gives:
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><description>as read from the file: trimmed, without a display name or comments;</description></item>
    /// <item><description>
    /// the domain in lower-case ASCII, an internationalized domain in A-labels (<c>Bücher.Example</c> arrives as
    /// <c>xn--bcher-kva.example</c>);
    /// </description></item>
    /// <item><description>
    /// the local part as written, lower-cased with the invariant culture's rules when
    /// <c>BulkInviteOptions.DuplicateComparison</c> is <see cref="DuplicateComparison.IgnoreCase"/> (the default:
    /// <c>Jane.Doe</c> arrives as <c>jane.doe</c>, <c>ZOË</c> as <c>zoë</c>), and exactly as written with
    /// <see cref="DuplicateComparison.CaseSensitiveLocalPart"/>.
    /// </description></item>
    /// </list>
    /// <para>
    /// A directory that holds addresses in another form compares them after
    /// <see cref="EmailAddressNormalizer.Normalize(string, DuplicateComparison)"/> with the same comparison.
    /// </para>
    /// </remarks>
    public required IReadOnlyList<string> Addresses { get; init; }
}
