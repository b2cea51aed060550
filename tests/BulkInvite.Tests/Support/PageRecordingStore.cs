using System.Collections.Concurrent;

namespace BulkInvite.Tests.Support;

/// <summary>An in-memory store that records every entry query it answers.</summary>
internal sealed class PageRecordingStore : IInviteHistoryStore
{
    private readonly InMemoryInviteHistoryStore _inner = new();

    public ConcurrentQueue<EntryQuery> Queries { get; } = new();

    /// <summary>Awaited before each entry page is answered, when set, with the read's token: a page that stalls or fails.</summary>
    public Func<EntryQuery, CancellationToken, Task>? BeforePage { get; set; }

    /// <summary>When set, the most entries a page holds, whatever the query's limit: a store with pages of its own size.</summary>
    public int? LongestPage { get; set; }

    public async Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        Queries.Enqueue(query);
        if (BeforePage is { } before)
        {
            await before(query, cancellationToken).ConfigureAwait(false);
        }

        if (LongestPage is { } longest && query.Limit > longest)
        {
            query = new EntryQuery
            {
                Outcome = query.Outcome,
                AfterSequence = query.AfterSequence,
                LastSequence = query.LastSequence,
                IncludeTotalCount = query.IncludeTotalCount,
                InvitationsAsOf = query.InvitationsAsOf,
                Limit = longest,
            };
        }

        return await _inner.ListEntriesAsync(tenantId, importId, query, cancellationToken).ConfigureAwait(false);
    }

    public Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default) => _inner.CreateImportAsync(import, cancellationToken);

    public Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default) => _inner.UpdateImportAsync(import, cancellationToken);

    public Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        => _inner.AddEntriesAsync(tenantId, importId, entries, cancellationToken);

    public Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        => _inner.UpdateEntriesAsync(tenantId, importId, updates, cancellationToken);

    public Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => _inner.DeleteEntriesAsync(tenantId, importId, cancellationToken);

    public Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => _inner.GetImportAsync(tenantId, importId, cancellationToken);

    public Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
        => _inner.ListImportsAsync(tenantId, query, cancellationToken);

    public Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        => _inner.DeleteImportsCreatedBeforeAsync(tenantId, cutoff, cancellationToken);

    public Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
        => _inner.DeleteAddressAsync(tenantId, address, cancellationToken);

    public Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        => _inner.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, cancellationToken);

    public Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => _inner.FindInvitationByTokenHashAsync(tokenHash, asOf, cancellationToken);

    public Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
        => _inner.AcceptInvitationAsync(tokenHash, now, cancellationToken);

    public Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => _inner.GetInvitationAsync(tenantId, invitationId, asOf, cancellationToken);

    public Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => _inner.FindLiveInvitationsAsync(tenantId, addressKeys, asOf, cancellationToken);

    public Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => _inner.CountInvitationsAsync(tenantId, importId, asOf, cancellationToken);

    public Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        => _inner.ListInvitationsAsync(tenantId, query, asOf, cancellationToken);

    public Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => _inner.RevokeInvitationAsync(tenantId, invitationId, now, cancellationToken);

    public Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => _inner.RevokeInvitationsOfImportAsync(tenantId, importId, now, cancellationToken);

    public Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
        => _inner.ExpireInvitationsAsync(tenantId, now, cancellationToken);
}
