namespace BulkInvite;

/// <summary>
/// The commands of bulk invitation: import a file (send, preview or count, by <see cref="BulkInviteRequest.Mode"/>)
/// and resume an interrupted import. Reports and entries are read through <see cref="IBulkInviteHistory"/>, and
/// deleted through <see cref="IBulkInviteRetention"/>.
/// </summary>
public interface IBulkInviteService
{
    /// <summary>
    /// Imports a file as its <see cref="BulkInviteRequest.Mode"/> says. <see cref="ImportMode.Send"/> stages every entry
    /// (nothing is sent until the whole file is classified), checks the staged addresses against the host's user
    /// directory, then sends one invitation per new address; <see cref="ImportMode.Preview"/> does all of that but
    /// send; <see cref="ImportMode.CountOnly"/> stores nothing and returns only the counts.
    /// </summary>
    /// <param name="request">The file, the mode, and who imports it for which tenant.</param>
    /// <param name="progress">Receives progress, if given; a count-only run reports only its end.</param>
    /// <param name="cancellationToken">Cancels the import; unsent entries become <see cref="InviteOutcome.Skipped"/>.</param>
    /// <returns>
    /// The import's report. A preview's entries that would be invited are <see cref="InviteOutcome.Pending"/>; a
    /// count-only run's report has the counts (would-be invitations as <see cref="InviteOutcome.Pending"/>) and is not
    /// in the history.
    /// </returns>
    /// <exception cref="ArgumentException">The request lacks its content, file name, tenant or initiator, names a sender that is not registered, or its mode is not an <see cref="ImportMode"/>.</exception>
    /// <exception cref="InvalidOperationException">The request sends and no sender is registered.</exception>
    /// <exception cref="InviteFileFormatException">The file cannot be read as text.</exception>
    /// <exception cref="InviteLimitExceededException">The file exceeds a configured limit.</exception>
    /// <exception cref="InviteRepeatUploadException">The tenant imported the same content recently (sending only).</exception>
    /// <exception cref="InvitationTransportException">The transport failed; unsent entries stay <see cref="InviteOutcome.Pending"/>.</exception>
    Task<BulkInviteReport> ImportAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes an interrupted import (the process died, or the transport failed): checks and sends only the entries
    /// that are still <see cref="InviteOutcome.Pending"/>, so nobody is invited twice and nobody is lost. A completed
    /// import with nothing left to send is not run again: it is returned as it is stored.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="progress">Receives progress, if given.</param>
    /// <param name="cancellationToken">Cancels the run; unsent entries become <see cref="InviteOutcome.Skipped"/>.</param>
    /// <returns>The import's report.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    /// <exception cref="InvalidOperationException">
    /// The import is a preview, is still running, or failed with nothing pending or in flight (for example its file
    /// could not be read, or exceeded a limit: import it again).
    /// </exception>
    /// <exception cref="InvitationTransportException">The transport failed again; unsent entries stay <see cref="InviteOutcome.Pending"/>.</exception>
    Task<BulkInviteReport> ResumeAsync(string tenantId, Guid importId, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default);
}
