namespace BulkInvite;

/// <summary>A batch of addresses to look up in the host's user directory.</summary>
/// <param name="TenantId">The account (tenant) the import belongs to.</param>
/// <param name="Addresses">
/// The addresses, each valid and unique within the batch, in their normalized form
/// (see <c>EmailAddressNormalizer</c>: domain in lower-case A-labels; the local part lower-cased by default).
/// </param>
public sealed record UserExistenceQuery(string TenantId, IReadOnlyList<string> Addresses);
