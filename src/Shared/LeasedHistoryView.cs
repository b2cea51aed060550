namespace BulkInvite;

/// <summary>
/// A history store as the holder of one import's lease writes to it (<see cref="IImportWorkStore.WithLease"/>): the six
/// writes that can change an import are the store's fenced ones; every read, and every write of the ledger alone, is
/// the store's own. Each store compiles this in and supplies the fenced writes.
/// </summary>
/// <param name="store">The store.</param>
internal abstract class LeasedHistoryView(IInviteHistoryStore store) : IInviteHistoryStore
{
    public abstract Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default);

    public abstract Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default);

    public abstract Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default);

    public abstract Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default);

    public abstract Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    public abstract Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default);

    public Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => store.GetImportAsync(tenantId, importId, cancellationToken);

    public Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
        => store.ListImportsAsync(tenantId, query, cancellationToken);

    public Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
        => store.ListEntriesAsync(tenantId, importId, query, cancellationToken);

    public Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        => store.DeleteImportsCreatedBeforeAsync(tenantId, cutoff, cancellationToken);

    public Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
        => store.DeleteAddressAsync(tenantId, address, cancellationToken);

    public Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => store.FindInvitationByTokenHashAsync(tokenHash, asOf, cancellationToken);

    public Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
        => store.AcceptInvitationAsync(tokenHash, now, cancellationToken);

    public Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => store.GetInvitationAsync(tenantId, invitationId, asOf, cancellationToken);

    public Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => store.FindLiveInvitationsAsync(tenantId, addressKeys, asOf, cancellationToken);

    public Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => store.CountInvitationsAsync(tenantId, importId, asOf, cancellationToken);

    public Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => store.ListInvitationsAsync(tenantId, query, asOf, cancellationToken);

    public Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => store.RevokeInvitationAsync(tenantId, invitationId, now, cancellationToken);

    public Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => store.RevokeInvitationsOfImportAsync(tenantId, importId, now, cancellationToken);

    public Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => store.ExpireInvitationsAsync(tenantId, now, cancellationToken);
}
