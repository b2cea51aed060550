namespace BulkInvite;

/// <summary>
/// Runs imports and previews in the background, so that a page can answer at once and show the import's progress
/// while a big file is processed ("Send Invitations" on a file of a million lines).
/// </summary>
/// <remarks>
/// Register it with <c>AddBackgroundImports()</c>. The upload is copied to a spool folder before
/// <see cref="EnqueueAsync"/> returns, so the request that carried it can end; spooled uploads that were not started
/// when the process stopped are started again when it starts.
/// </remarks>
public interface IBulkInviteQueue
{
    /// <summary>Copies the upload to the spool folder and queues its import or preview, as <see cref="BulkInviteRequest.Mode"/> says.</summary>
    /// <param name="request">
    /// The file, the mode, and who imports it for which tenant; <see cref="BulkInviteRequest.ImportId"/> is used when set.
    /// The mode is <see cref="ImportMode.Send"/> or <see cref="ImportMode.Preview"/>: a <see cref="ImportMode.CountOnly"/>
    /// run keeps nothing in the history, so a queued one would leave no report to read; run it with
    /// <see cref="IBulkInviteService.ImportAsync"/>, which returns the counts.
    /// </param>
    /// <param name="cancellationToken">Cancels the copy; once this method has returned, the import no longer depends on it.</param>
    /// <returns>The import's id, under which <see cref="IBulkInviteHistory.GetStatusAsync"/>, <see cref="GetState"/> and the history store know it.</returns>
    /// <exception cref="ArgumentException">The request lacks its content, file name, tenant or initiator, or its mode is <see cref="ImportMode.CountOnly"/> or not an <see cref="ImportMode"/>.</exception>
    /// <exception cref="InvalidOperationException">An import with the request's id is queued already.</exception>
    /// <exception cref="InviteLimitExceededException">The upload is larger than <c>MaxFileBytes</c>, or the queue is full.</exception>
    Task<Guid> EnqueueAsync(BulkInviteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Where an import queued in this process stands.</summary>
    /// <param name="tenantId">The tenant; an import of another tenant reads as unknown.</param>
    /// <param name="importId">The import.</param>
    /// <returns>Its state, or <see langword="null"/> when this process has not queued it (or no longer remembers it).</returns>
    /// <remarks><see cref="IBulkInviteHistory.GetStatusAsync"/> merges this with the stored report: a page showing an import's status reads that.</remarks>
    QueuedImportState? GetState(string tenantId, Guid importId);
}
