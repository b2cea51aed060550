namespace BulkInvite;

/// <summary>
/// Reads what imports did: one import's report and status, a tenant's history, and an import's entries, a page at a
/// time or as a stream. Every read is scoped to a tenant: another tenant's import reads as unknown.
/// </summary>
public interface IBulkInviteHistory
{
    /// <summary>Reads the report of one of a tenant's imports.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The report, or <see langword="null"/> when the tenant has no such import.</returns>
    Task<BulkInviteReport?> GetReportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where one of a tenant's imports stands, from the background queue (when it was queued in this process) and the
    /// history store: queued, running or ended, its stage, its counts, and why it failed.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status, or <see langword="null"/> when neither the queue nor the store knows the tenant's import.</returns>
    Task<ImportStatusSnapshot?> GetStatusAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's imports, newest first ("History").</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">Paging and filters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of imports.</returns>
    Task<InvitePage<BulkInviteReport>> GetHistoryAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the entries of one of a tenant's imports ("View details").</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="query">Paging and the outcome filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of entries.</returns>
    Task<InvitePage<InviteEntryResult>> GetEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams every entry of one of a tenant's imports (or those of one outcome), in sequence order, each once. The
    /// store is read in keyset pages without counts, the next pages while the caller reads the one before, so memory stays
    /// bounded by three pages whatever the import's size. An entry that changes outcome while the stream is read is seen at
    /// most once; a page read ahead holds the entries as they were when it was read, before the caller's work on the
    /// page before it. A caller that cancels gets no entry after; one that stops early (or is cancelled) cancels the page
    /// being read and waits for it to end.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import; an unknown one streams nothing.</param>
    /// <param name="outcome">Only entries with this outcome; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<InviteEntryResult> ReadEntriesAsync(string tenantId, Guid importId, InviteOutcome? outcome = null, CancellationToken cancellationToken = default);
}
