namespace BulkInvite.Tests.Support;

/// <summary>A history store that hands every call to an in-memory store; tests override the calls they watch.</summary>
internal class DelegatingHistoryStore : IInviteHistoryStore
{
    protected InMemoryInviteHistoryStore Inner { get; } = new();

    public virtual Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default) => Inner.CreateImportAsync(import, cancellationToken);

    public virtual Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default) => Inner.UpdateImportAsync(import, cancellationToken);

    public virtual Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        => Inner.AddEntriesAsync(tenantId, importId, entries, cancellationToken);

    public virtual Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        => Inner.UpdateEntriesAsync(tenantId, importId, updates, cancellationToken);

    public virtual Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => Inner.GetImportAsync(tenantId, importId, cancellationToken);

    public virtual Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
        => Inner.ListImportsAsync(tenantId, query, cancellationToken);

    public virtual Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
        => Inner.ListEntriesAsync(tenantId, importId, query, cancellationToken);

    public virtual Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        => Inner.DeleteImportsCreatedBeforeAsync(tenantId, cutoff, cancellationToken);

    public virtual Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
        => Inner.DeleteAddressAsync(tenantId, address, cancellationToken);

    public virtual Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => Inner.DeleteEntriesAsync(tenantId, importId, cancellationToken);

    public virtual Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        => Inner.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, cancellationToken);

    public virtual Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Inner.FindInvitationByTokenHashAsync(tokenHash, asOf, cancellationToken);

    public virtual Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner.AcceptInvitationAsync(tokenHash, now, cancellationToken);

    public virtual Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Inner.GetInvitationAsync(tenantId, invitationId, asOf, cancellationToken);

    public virtual Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Inner.FindLiveInvitationsAsync(tenantId, addressKeys, asOf, cancellationToken);

    public virtual Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Inner.CountInvitationsAsync(tenantId, importId, asOf, cancellationToken);

    public virtual Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => Inner.ListInvitationsAsync(tenantId, query, asOf, cancellationToken);

    public virtual Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner.RevokeInvitationAsync(tenantId, invitationId, now, cancellationToken);

    public virtual Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner.RevokeInvitationsOfImportAsync(tenantId, importId, now, cancellationToken);

    public virtual Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner.ExpireInvitationsAsync(tenantId, now, cancellationToken);
}
