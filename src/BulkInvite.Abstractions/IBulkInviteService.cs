namespace BulkInvite;

/// <summary>Runs bulk invitations: import a file, preview it, and read the history and reports.</summary>
public interface IBulkInviteService
{
    /// <summary>
    /// Imports a file: stages every entry (nothing is sent until the whole file is classified), checks the
    /// staged addresses against the host's user directory, then sends one invitation per new address.
    /// </summary>
    /// <param name="request">The file and who imports it for which tenant.</param>
    /// <param name="progress">Receives progress, if given.</param>
    /// <param name="cancellationToken">Cancels the import; unsent entries become <see cref="InviteOutcome.Skipped"/>.</param>
    /// <returns>The import's report.</returns>
    /// <exception cref="InviteFileFormatException">The file cannot be read as text.</exception>
    /// <exception cref="InviteLimitExceededException">The file exceeds a configured limit.</exception>
    /// <exception cref="InvitationTransportException">The transport failed; unsent entries stay <see cref="InviteOutcome.Pending"/>.</exception>
    Task<BulkInviteReport> ImportAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Classifies every entry of a file, including the user-directory check, and sends nothing.</summary>
    /// <param name="request">The file and who previews it for which tenant.</param>
    /// <param name="progress">Receives progress, if given.</param>
    /// <param name="cancellationToken">Cancels the preview.</param>
    /// <returns>The preview's report; entries that would be invited are <see cref="InviteOutcome.Pending"/>.</returns>
    /// <exception cref="InviteFileFormatException">The file cannot be read as text.</exception>
    /// <exception cref="InviteLimitExceededException">The file exceeds a configured limit.</exception>
    Task<BulkInviteReport> PreviewAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts what a preview would find, without keeping its entries: every entry is parsed, validated, de-duplicated
    /// and (with a user directory) checked, and only the counts come back. Nothing is stored, nothing is sent, and
    /// memory grows only with the number of unique addresses: the quick answer for a big file.
    /// </summary>
    /// <param name="request">The file and who previews it for which tenant.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>A preview's report with the counts (would-be invitations as <see cref="InviteOutcome.Pending"/>); it is not in the history.</returns>
    /// <exception cref="InviteFileFormatException">The file cannot be read as text.</exception>
    /// <exception cref="InviteLimitExceededException">The file exceeds a configured limit.</exception>
    Task<BulkInviteReport> SummarizeAsync(BulkInviteRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes an interrupted import (the process died, or the transport failed): checks and sends only the entries
    /// that are still <see cref="InviteOutcome.Pending"/>, so nobody is invited twice and nobody is lost.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="progress">Receives progress, if given.</param>
    /// <param name="cancellationToken">Cancels the run; unsent entries become <see cref="InviteOutcome.Skipped"/>.</param>
    /// <returns>The import's report.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    /// <exception cref="InvalidOperationException">The import is a preview, or is still running.</exception>
    /// <exception cref="InvitationTransportException">The transport failed again; unsent entries stay <see cref="InviteOutcome.Pending"/>.</exception>
    Task<BulkInviteReport> ResumeAsync(string tenantId, Guid importId, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the report of one of a tenant's imports.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The report, or <see langword="null"/> when the tenant has no such import.</returns>
    Task<BulkInviteReport?> GetReportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the entries of one of a tenant's imports ("View details").</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="query">Paging and the outcome filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of entries.</returns>
    Task<InvitePage<InviteEntryResult>> GetEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's imports, newest first ("History").</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">Paging and filters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of imports.</returns>
    Task<InvitePage<BulkInviteReport>> GetHistoryAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a tenant's imports (previews included) created before a point in time, with their reports
    /// (retention: "keep history for 90 days"). Other tenants' history is never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cutoff">Imports started before this instant are deleted.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many imports were deleted.</returns>
    Task<int> DeleteHistoryBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every report row of a tenant's imports for one address, compared ignoring case (a privacy request).
    /// The imports' counts are kept. Other tenants' history is never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="address">The address to forget, without a display name; surrounding whitespace is ignored.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many entries were deleted.</returns>
    Task<long> ForgetAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default);
}
