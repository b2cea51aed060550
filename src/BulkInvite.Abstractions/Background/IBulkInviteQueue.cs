namespace BulkInvite;

/// <summary>
/// Runs imports and previews in the background, so that a page can answer at once and show the import's progress
/// while a big file is processed ("Send Invitations" on a file of a million lines).
/// </summary>
/// <remarks>
/// Register it with <c>AddBackgroundImports()</c>. The upload is kept in the shared <see cref="IImportWorkStore"/> before
/// <see cref="EnqueueAsync"/> returns, so the request that carried it can end, and any instance's <see cref="IImportWorker"/>
/// can run it; an import whose instance stops is taken over by another (or by the same after a restart) once its lease
/// expires, and continued from what is still pending.
/// </remarks>
public interface IBulkInviteQueue
{
    /// <summary>Keeps the upload in the work store and queues its import or preview, as <see cref="BulkInviteRequest.Mode"/> says.</summary>
    /// <param name="request">
    /// The file, the mode, and who imports it for which tenant; <see cref="BulkInviteRequest.ImportId"/> is used when set.
    /// The mode is <see cref="ImportMode.Send"/> or <see cref="ImportMode.Preview"/>: a <see cref="ImportMode.CountOnly"/>
    /// run keeps nothing in the history, so a queued one would leave no report to read; run it with
    /// <see cref="IBulkInviteService.ImportAsync"/>, which returns the counts.
    /// </param>
    /// <param name="cancellationToken">Cancels the copy; once this method has returned, the import no longer depends on it.</param>
    /// <returns>The import's id, under which <see cref="IBulkInviteHistory.GetStatusAsync"/>, <see cref="GetStateAsync"/> and the history store know it.</returns>
    /// <exception cref="ArgumentException">
    /// The request lacks its content, file name, tenant or initiator, names a parser that no registered parser has, or its
    /// mode is <see cref="ImportMode.CountOnly"/> or not an <see cref="ImportMode"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">An import with the request's id is queued already.</exception>
    /// <exception cref="InviteLimitExceededException">The upload is larger than <c>MaxFileBytes</c>, or <c>MaxQueuedImports</c> imports are waiting.</exception>
    Task<Guid> EnqueueAsync(BulkInviteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Where a queued import stands, as every instance sharing the work store sees it.</summary>
    /// <param name="tenantId">The tenant; an import of another tenant reads as unknown.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Its state, or <see langword="null"/> when it was never queued (or its history has been deleted since).</returns>
    /// <remarks><see cref="IBulkInviteHistory.GetStatusAsync"/> merges this with the stored report: a page showing an import's status reads that.</remarks>
    Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);
}
