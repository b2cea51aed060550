namespace BulkInvite.PostgreSql;

/// <summary>
/// The history store as the holder of a lease writes to it (<see cref="PostgreSqlInviteHistoryStore.WithLease"/>): the
/// writes to the leased import check its fencing token in their own transaction; every other call is the store's.
/// </summary>
internal sealed class PostgreSqlLeasedHistoryStore(PostgreSqlInviteHistoryStore store, ImportLease lease) : LeasedHistoryView(store)
{
    public override Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => store.CreateImportAsync(import, lease, cancellationToken);

    public override Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => store.UpdateImportAsync(import, lease, cancellationToken);

    public override Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        => store.AddEntriesAsync(tenantId, importId, entries, lease, cancellationToken);

    public override Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        => store.UpdateEntriesAsync(tenantId, importId, updates, lease, cancellationToken);

    public override Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => store.DeleteEntriesAsync(tenantId, importId, lease, cancellationToken);

    public override Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        => store.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, lease, cancellationToken);
}
