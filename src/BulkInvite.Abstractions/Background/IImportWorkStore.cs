namespace BulkInvite;

/// <summary>
/// The durable queue of background imports that every instance of a host shares: the uploads, and leases on the imports
/// being run, so that any instance can run a queued import, and take over one whose instance stopped.
/// </summary>
/// <remarks>
/// <para>
/// An import is queued with its upload (<see cref="EnqueueAsync"/>), claimed by one worker at a time under a lease
/// (<see cref="ClaimAsync"/>) that the worker renews while it runs (<see cref="RenewAsync"/>), and ended
/// (<see cref="CompleteAsync"/>) or given back (<see cref="ReleaseAsync"/>). A lease that is not renewed expires, and
/// the next claim takes the import over: after a crash, a deploy or a pause, nobody has to resume it by hand.
/// </para>
/// <para>
/// Every claim gives the import a new fencing token (<see cref="ImportLease.Fence"/>, larger than every earlier one).
/// A worker records the import's progress only through <see cref="WithLease"/>, whose writes are refused with
/// <see cref="ImportLeaseLostException"/> once a later claim holds the import: a worker that lost its lease (paused,
/// cut off from the database) cannot record over the new owner.
/// </para>
/// <para>
/// One big import can be sent by several workers at once: the holder of its lease splits its pending entries into parts
/// (<see cref="SplitAsync"/>), each claimed like an import, under a lease and a fencing token of its own
/// (<see cref="ImportLease.Part"/>). Once every part has ended, the import can be claimed once more, to be ended.
/// </para>
/// <para>
/// Times are the caller's (<see cref="TimeProvider"/>): instances sharing a store need clocks that agree to well within
/// a lease's duration. Every read and write of one import names its tenant; an import of another tenant reads as
/// missing. Implementations must be thread-safe. The SDK's stores implement this interface beside
/// <see cref="IInviteHistoryStore"/>, on the same database.
/// </para>
/// </remarks>
public interface IImportWorkStore
{
    /// <summary>Keeps the upload and queues its import; the import can be claimed once this returns.</summary>
    /// <param name="item">What to run, and for whom.</param>
    /// <param name="upload">The file's content, read to its end; the caller keeps ownership.</param>
    /// <param name="maxBytes">The most bytes kept: a longer upload is refused and nothing of it is kept.</param>
    /// <param name="cancellationToken">Cancels the copy; nothing is queued then.</param>
    /// <returns>A task that completes when the import is queued.</returns>
    /// <exception cref="InvalidOperationException">An import with that id is queued, or was queued, already.</exception>
    /// <exception cref="InviteLimitExceededException">The upload is longer than <paramref name="maxBytes"/>.</exception>
    Task EnqueueAsync(ImportWorkItem item, Stream upload, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the import or part that has waited longest among those that are queued, or running under a lease that has
    /// expired at <paramref name="now"/>; of any number of concurrent claims, in one process or several, one gets each.
    /// An import whose parts are running is not claimed; once they have all ended it is, to be ended.
    /// </summary>
    /// <param name="owner">Who claims (an instance's name), shown in the import's state.</param>
    /// <param name="leaseDuration">How long the lease holds unless renewed.</param>
    /// <param name="now">The time of the claim.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The lease, or <see langword="null"/> when no import can be claimed.</returns>
    Task<ImportLease?> ClaimAsync(string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one import for its caller to run in its own process (<see cref="IBulkInviteService.ImportAsync"/>,
    /// <see cref="IBulkInviteService.ResumeAsync"/>): adds its row, claimed, when the store has none (such an import keeps
    /// no upload), or takes its row when no live lease holds it: it has ended, or its lease has expired at
    /// <paramref name="now"/>, or, with <paramref name="takeOver"/>, even a live lease (its caller knows that the
    /// process holding it has stopped). An import waiting for a worker, or whose parts are being sent, is never taken.
    /// </summary>
    /// <param name="item">The import, and for whom.</param>
    /// <param name="owner">Who claims (an instance's name), shown in the import's state.</param>
    /// <param name="leaseDuration">How long the lease holds unless renewed.</param>
    /// <param name="now">The time of the claim.</param>
    /// <param name="takeOver">Whether a live lease is taken over too; its holder's writes are refused from then on.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>
    /// The lease (a takeover's with a larger fencing token and the next attempt), or <see langword="null"/> when the import
    /// is held by a live lease, queued for a worker, sent in parts, or is another tenant's.
    /// </returns>
    /// <remarks>
    /// An import whose caller's process stopped is a running import whose lease expires: any worker then takes it over, as
    /// it takes over a worker's, and continues it when its file was staged to its end.
    /// </remarks>
    Task<ImportLease?> ClaimImportAsync(ImportWorkItem item, string owner, TimeSpan leaseDuration, DateTimeOffset now, bool takeOver = false, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease that is still held, and records the import's last progress.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="leaseDuration">How long the lease holds from <paramref name="now"/>.</param>
    /// <param name="now">The time of the renewal.</param>
    /// <param name="progress">The import's last progress, shown in its state on every instance; <see langword="null"/> keeps the one recorded.</param>
    /// <param name="cancellationToken">Cancels the renewal.</param>
    /// <returns>
    /// <see langword="true"/> when the lease was extended; <see langword="false"/> when it is lost (a later claim holds
    /// the import, or it has ended): the worker must stop recording and sending at once.
    /// </returns>
    Task<bool> RenewAsync(ImportLease lease, TimeSpan leaseDuration, DateTimeOffset now, BulkInviteProgress? progress, CancellationToken cancellationToken = default);

    /// <summary>Gives a held lease back without ending the import (the worker is stopping): the next claim takes it at once.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the lease was held and is given back; <see langword="false"/> when it was lost already.</returns>
    Task<bool> ReleaseAsync(ImportLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the import under a held lease, and deletes its upload; under a part's lease, ends the part, and once it was
    /// the last to end, lets the import be claimed to be ended.
    /// </summary>
    /// <param name="lease">The lease.</param>
    /// <param name="status"><see cref="QueuedImportStatus.Completed"/> or <see cref="QueuedImportStatus.Failed"/>.</param>
    /// <param name="error">Why it failed, or <see langword="null"/>.</param>
    /// <param name="errorCode">A stable code for <paramref name="error"/>, or <see langword="null"/>.</param>
    /// <param name="now">The time it ended.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when it was ended by this call; <see langword="false"/> when the lease was lost (nothing is changed).</returns>
    Task<bool> CompleteAsync(ImportLease lease, QueuedImportStatus status, string? error, ImportErrorCode? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shares the sending of a claimed import: adds its parts, each queued to be claimed under a lease of its own, and ends
    /// <paramref name="lease"/> (its holder sends nothing more of the import, unless it claims a part). The import stays
    /// running, with no owner of its own, until its last part ends; then it can be claimed again
    /// (<see cref="ImportLease.Parts"/> says it was split), to record its end.
    /// </summary>
    /// <param name="lease">The lease on the import itself; an import is split once.</param>
    /// <param name="parts">The parts, numbered from 1 in order, of ranges that follow one another without overlapping.</param>
    /// <param name="now">The time the parts are queued at.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the parts were added; <see langword="false"/> when the lease was lost (nothing is changed).</returns>
    /// <exception cref="ArgumentException">The lease is a part's, or the import was split already, or the parts are not in order.</exception>
    Task<bool> SplitAsync(ImportLease lease, IReadOnlyList<ImportWorkPart> parts, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Opens the upload of a claimed import, from its first byte.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>A readable stream of the upload's bytes; the caller disposes it.</returns>
    /// <exception cref="KeyNotFoundException">The import has no upload (it has ended).</exception>
    Task<Stream> OpenUploadAsync(ImportLease lease, CancellationToken cancellationToken = default);

    /// <summary>Where a queued import of a tenant stands, as any instance sees it.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="now">The time the state is read at (a lease expired by then reads as no owner).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Its state, or <see langword="null"/> when the tenant has queued no such import.</returns>
    Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts the imports, of every tenant, that are waiting or running (under a live or an expired lease).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many are queued and how many are claimed; both 0 when nothing is left to run.</returns>
    Task<ImportWorkCounts> CountUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until an import may have been queued or given back, or <paramref name="timeout"/> has passed.</summary>
    /// <param name="timeout">The longest wait (the polling interval, where the store cannot be notified).</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when a worker should try to claim again.</returns>
    /// <remarks>A store that can be notified (PostgreSQL's <c>LISTEN</c>) ends the wait early; others wait <paramref name="timeout"/>.</remarks>
    Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// The history store as the holder of <paramref name="lease"/> writes to it: every write to the leased import checks,
    /// in the same transaction, that the lease's fencing token is still the import's, and is refused with
    /// <see cref="ImportLeaseLostException"/> otherwise. Reads, and writes to other imports and to the ledger alone, are
    /// the store's own. A part's lease is checked against the part's token.
    /// </summary>
    /// <param name="lease">The lease.</param>
    /// <returns>The fenced view of the history store.</returns>
    IInviteHistoryStore WithLease(ImportLease lease);
}
