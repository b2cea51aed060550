namespace BulkInvite;

/// <summary>Keeps every import and the outcome of each of its entries, per tenant.</summary>
/// <remarks>
/// Every read and write names the tenant: an implementation must never return or change another tenant's
/// import, even when given its id. Implementations must be thread-safe.
/// </remarks>
public interface IInviteHistoryStore
{
    /// <summary>Records a new import.</summary>
    /// <param name="import">The import's summary.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the import is stored.</returns>
    /// <exception cref="InvalidOperationException">An import with that id exists.</exception>
    Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default);

    /// <summary>Replaces the summary of an import of the same tenant.</summary>
    /// <param name="import">The import's new summary.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the summary is stored.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default);

    /// <summary>Adds staged entries to an import.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="entries">The entries, with sequence numbers not used before in this import.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are stored.</returns>
    Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default);

    /// <summary>Changes the outcome of entries of an import.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="updates">The changes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the changes are stored.</returns>
    Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every entry of one import of a tenant and keeps its summary: what an import refused while its file was
    /// read (over a limit) leaves behind. Other imports and other tenants' entries are never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many entries were deleted; 0 when the tenant has no such import.</returns>
    /// <remarks>A durable store deletes in one transaction.</remarks>
    Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Reads the summary of one import of a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The summary, or <see langword="null"/> when the tenant has no such import.</returns>
    Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's imports, newest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">Paging and filters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of imports.</returns>
    Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists the entries of one import of a tenant, in sequence order.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="query">Paging and the outcome filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of entries; empty when the tenant has no such import.</returns>
    /// <exception cref="InviteHistoryCorruptException">The stored data is damaged: the page cannot be read whole (never a shorter page instead).</exception>
    Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a tenant's imports created before a point in time, previews included, with all their entries
    /// (retention). Other tenants' imports are never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cutoff">Imports whose <see cref="BulkInviteReport.CreatedAt"/> is earlier than this instant are deleted.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many imports were deleted.</returns>
    /// <remarks>A durable store deletes in one transaction: either every matching import goes, or none.</remarks>
    Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every entry of a tenant's imports whose <see cref="InviteEntryResult.Address"/> equals the given
    /// address ignoring case (<see cref="StringComparison.OrdinalIgnoreCase"/>): a privacy request to forget a
    /// person. Other tenants' entries are never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="address">The address, as stored (trimmed, without a display name).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many entries were deleted.</returns>
    /// <remarks>
    /// The imports' summaries (<see cref="BulkInviteReport.Counts"/>) are left as they are: they are counts, not
    /// personal data, and keep recording what each import did. Entry counts of a store's pages
    /// (<see cref="InvitePage{T}.TotalCount"/>) count the remaining entries. A durable store deletes in one
    /// transaction.
    /// </remarks>
    Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default);
}
