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
    /// <summary>Copies the upload to the spool folder and queues its import (or preview).</summary>
    /// <param name="request">The file and who imports it for which tenant; <see cref="BulkInviteRequest.ImportId"/> is used when set.</param>
    /// <param name="preview"><see langword="true"/> to classify every entry and send nothing.</param>
    /// <param name="cancellationToken">Cancels the copy; once this method has returned, the import no longer depends on it.</param>
    /// <returns>The import's id, under which <see cref="GetState"/> and the history store know it.</returns>
    /// <exception cref="InviteLimitExceededException">The upload is larger than <c>MaxFileBytes</c>, or the queue is full.</exception>
    Task<Guid> EnqueueAsync(BulkInviteRequest request, bool preview = false, CancellationToken cancellationToken = default);

    /// <summary>Where an import queued in this process stands.</summary>
    /// <param name="tenantId">The tenant; an import of another tenant reads as unknown.</param>
    /// <param name="importId">The import.</param>
    /// <returns>Its state, or <see langword="null"/> when this process has not queued it (read the history store instead).</returns>
    QueuedImportState? GetState(string tenantId, Guid importId);
}
