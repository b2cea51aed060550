namespace BulkInvite;

/// <summary>Keeps every import and the outcome of each of its entries, and the invitations sent (the ledger), per tenant.</summary>
/// <remarks>
/// <para>
/// Every read and write names the tenant: an implementation must never return or change another tenant's
/// import or invitation, even when given its id. The only reads without a tenant are those by token hash: the
/// token names its invitation, and the invitation its tenant. Implementations must be thread-safe.
/// </para>
/// <para>
/// The ledger lives in the same store as the entries, so that an invitation and the entry that sent it are kept,
/// retained and deleted together, and no host can pair a durable history with a ledger that forgets. A store keeps
/// only the keyed hash of each token, never the token.
/// </para>
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

    /// <summary>Adds staged entries to an import: all of them, or, when one cannot be added, none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="entries">The entries, with sequence numbers not used before in this import.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are stored.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    /// <exception cref="InvalidOperationException">A sequence number is used already, or twice in the batch; nothing of the batch is stored.</exception>
    Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the outcome of entries of an import. An update that <see cref="InviteEntryUpdate.WithdrawsInvitation"/>
    /// (the entry's email certainly did not leave) deletes the entry's invitation in the same write if it is stored
    /// <see cref="InvitationState.Pending"/> (also when its lifetime has passed), so that the address is free for a
    /// later import and the link accepts nothing; an accepted or revoked invitation, or one recorded expired, stays.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="updates">The changes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the changes are stored.</returns>
    Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every entry (and invitation) of one import of a tenant and keeps its summary: what an import refused while its file was
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
    /// <returns>
    /// One page of entries; empty when the tenant has no such import. With <see cref="EntryQuery.InvitationsAsOf"/>,
    /// each entry that sent an invitation carries it (<see cref="InviteEntryResult.Invitation"/>).
    /// </returns>
    /// <exception cref="InviteHistoryCorruptException">The stored data is damaged: the page cannot be read whole (never a shorter page instead).</exception>
    Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a tenant's imports created before a point in time, previews included, with all their entries
    /// and invitations (retention). Other tenants' imports are never touched.
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
    /// person. The tenant's invitations of that address are deleted with them. Other tenants' entries are never touched.
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

    /// <summary>
    /// Records sends of invitations of one import before their emails leave, with the changes of the import's entries
    /// that go with them (the entries' <see cref="InviteOutcome.Sending"/> marks, the outcomes of earlier sends), in one
    /// write. Each send creates the invitation of its entry (tenant, import, sequence), or gives the existing pending or
    /// expired one the new token hash (the old token accepts nothing from then on), the new expiry, the Message-Id key,
    /// and one more send.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import every send belongs to.</param>
    /// <param name="entryUpdates">Changes of the import's entries to make in the same write, as <see cref="UpdateEntriesAsync"/> makes them; may be empty.</param>
    /// <param name="sends">The sends.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// What was done with each send, in the order given: an accepted or revoked invitation is left as it is
    /// (<see cref="InvitationSendStatus.Closed"/>), and an address held by another invitation gets none
    /// (<see cref="InvitationSendStatus.AddressInvited"/>).
    /// </returns>
    /// <remarks>
    /// <para>
    /// A tenant's address (<see cref="InvitationSend.AddressKey"/>) has at most one live invitation: pending and
    /// unexpired, or accepted. The store's uniqueness decides between imports that invite one address at the same time,
    /// in one process or several: exactly one of them records it. A pending invitation of the address that has expired by
    /// <see cref="InvitationSend.SentAt"/> is recorded <see cref="InvitationState.Expired"/> and holds nothing; with
    /// <see cref="InvitationSend.ReplacePending"/>, a pending one is recorded <see cref="InvitationState.Revoked"/>.
    /// </para>
    /// <para>A durable store writes the entries' changes and all the sends in one transaction.</para>
    /// </remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import, or the import has no entry an update names.</exception>
    Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default);

    /// <summary>Reads the invitation whose current token has this hash, of whichever tenant.</summary>
    /// <param name="tokenHash">The keyed hash of the token.</param>
    /// <param name="asOf">The time the state is read at (a pending invitation expired by then reads as expired).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The invitation, or <see langword="null"/> when no invitation has this hash.</returns>
    Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>
    /// Accepts the invitation whose current token has this hash, as one compare-and-set: only a
    /// <see cref="InvitationState.Pending"/> invitation that has not expired at <paramref name="now"/> becomes
    /// <see cref="InvitationState.Accepted"/>. Of any number of concurrent calls with one hash, exactly one succeeds.
    /// </summary>
    /// <param name="tokenHash">The keyed hash of the token.</param>
    /// <param name="now">The time of the acceptance.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The accepted invitation when this call accepted it; otherwise <see langword="null"/>.</returns>
    Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads one invitation of a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="asOf">The time the state is read at.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The invitation, or <see langword="null"/> when the tenant has no such invitation.</returns>
    Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the live invitation of each of several addresses of a tenant: the one that is
    /// <see cref="InvitationState.Accepted"/>, or else the newest that is <see cref="InvitationState.Pending"/> and
    /// unexpired at <paramref name="asOf"/>.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="addressKeys">The addresses' comparison keys (<see cref="EmailAddressNormalizer.Normalize"/>).</param>
    /// <param name="asOf">The time the states are read at.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One item per key, in the order given: the invitation, or <see langword="null"/> when the address has no live invitation.</returns>
    Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>Counts the invitations of one import of a tenant by their state at <paramref name="asOf"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="asOf">The time the states are read at.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The counts; all zero when the tenant has no such import.</returns>
    Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's invitations in the order of their ids, one keyset page at a time.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">The filters and the page.</param>
    /// <param name="asOf">The time states are read and filtered at.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page; <see cref="InvitePage{T}.TotalCount"/> is -1 (not counted).</returns>
    Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>Revokes one invitation of a tenant that is pending and unexpired at <paramref name="now"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="now">The time of the revocation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was revoked by this call.</returns>
    Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Revokes every invitation of one import of a tenant that is pending and unexpired at <paramref name="now"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="now">The time of the revocation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many were revoked.</returns>
    /// <remarks>A durable store revokes in one transaction.</remarks>
    Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records <see cref="InvitationState.Expired"/> on every pending invitation of a tenant whose expiry is not after <paramref name="now"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="now">The time of the sweep.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many were recorded expired.</returns>
    Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
