using System.Collections.Concurrent;
using BulkInvite.History;

namespace BulkInvite;

/// <summary>
/// The default history store: keeps imports and their entries in memory for the lifetime of the process.
/// Thread-safe; every read and write is scoped to its tenant. Entries are kept as values in one list per import, not
/// as the objects handed in: an update changes its entry in place, and a page read hands out new objects, so the
/// garbage collector has few long-lived objects to trace and none to replace. For history that survives a restart, register a
/// durable store with <c>AddHistoryStore&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// It is also the default <see cref="IImportWorkStore"/> of background imports: it keeps queued uploads in memory
/// (in chunks of 1 MiB), and loses them with the process, like the history; only workers of this process can claim
/// them. Instances that share a queue need a durable store (SQLite on one machine, PostgreSQL).
/// </remarks>
public sealed partial class InMemoryInviteHistoryStore : IInviteHistoryStore
{
    private readonly ConcurrentDictionary<Guid, ImportData> _imports = new();
    private readonly InMemoryInvitationLedger _invitations = new();

    /// <summary>
    /// The random key that hashes this store's tokens when no key is configured: it lives exactly as long as the
    /// invitations it verifies.
    /// </summary>
    internal byte[] TokenKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <inheritdoc />
    public Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        cancellationToken.ThrowIfCancellationRequested();
        CreateImport(import);
        return Task.CompletedTask;
    }

    private void CreateImport(BulkInviteReport import)
    {
        if (!_imports.TryAdd(import.ImportId, new ImportData(import)))
        {
            throw new InvalidOperationException($"An import with id {import.ImportId} exists already.");
        }
    }

    /// <inheritdoc />
    public Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        cancellationToken.ThrowIfCancellationRequested();
        UpdateImport(import);
        return Task.CompletedTask;
    }

    private void UpdateImport(BulkInviteReport import)
    {
        var data = Find(import.TenantId, import.ImportId) ?? throw new KeyNotFoundException($"Tenant has no import {import.ImportId}.");
        lock (data)
        {
            data.Report = import;
        }
    }

    /// <inheritdoc />
    public Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        AddEntries(tenantId, importId, entries);
        return Task.CompletedTask;
    }

    /// <summary>Adds a batch whole or not at all: the one way in, plain or under a lease.</summary>
    private void AddEntries(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries)
    {
        HistoryArguments.CheckEntries(entries);
        var data = Find(tenantId, importId) ?? throw new KeyNotFoundException($"Tenant has no import {importId}.");
        lock (data)
        {
            ThrowIfAnyExists(data, importId, entries);
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var list = data.Entries;
                if (list.Count == 0 || list[list.Count - 1].Sequence < entry.Sequence)
                {
                    list.Add(entry);
                }
                else
                {
                    list.Insert(~data.IndexOf(entry.Sequence), entry);
                }

                data.Counts[(int)entry.Outcome]++;
            }
        }
    }

    /// <summary>
    /// Throws when an entry's sequence number is stored already or comes twice in the batch, before any entry is added:
    /// a batch is added whole or not at all. A batch that only appends (each number above the one before) is checked
    /// without a lookup.
    /// </summary>
    private static void ThrowIfAnyExists(ImportData data, Guid importId, IReadOnlyList<InviteEntryResult> entries)
    {
        var last = data.Entries.Count == 0 ? long.MinValue : data.Entries[^1].Sequence;
        var appends = true;
        foreach (var entry in entries)
        {
            if (entry.Sequence <= last)
            {
                appends = false;
                break;
            }

            last = entry.Sequence;
        }

        if (appends)
        {
            return;
        }

        var seen = new HashSet<long>();
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.Sequence) || data.IndexOf(entry.Sequence) >= 0)
            {
                throw new InvalidOperationException($"Entry {entry.Sequence} of import {importId} exists already.");
            }
        }
    }

    /// <inheritdoc />
    public Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        UpdateEntries(tenantId, importId, updates);
        return Task.CompletedTask;
    }

    private void UpdateEntries(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates)
    {
        var data = Find(tenantId, importId) ?? throw new KeyNotFoundException($"Tenant has no import {importId}.");
        lock (data)
        {
            for (var i = 0; i < updates.Count; i++)
            {
                var update = updates[i];
                var index = data.IndexOf(update.Sequence);
                if (index < 0)
                {
                    throw new KeyNotFoundException($"Import {importId} has no entry {update.Sequence}.");
                }

                var before = data.Entries.Update(index, update);
                data.Counts[(int)before]--;
                data.Counts[(int)update.Outcome]++;
            }
        }

        _invitations.WithdrawPending(tenantId, importId, updates.Where(u => u.WithdrawsInvitation).Select(u => u.Sequence));
    }

    /// <inheritdoc />
    /// <remarks>The entries' addresses are wiped from the import's text blocks, as <see cref="DeleteAddressAsync"/> wipes them.</remarks>
    public Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(DeleteEntries(tenantId, importId));
    }

    private long DeleteEntries(string tenantId, Guid importId)
    {
        var data = Find(tenantId, importId);
        if (data is null)
        {
            return 0;
        }

        _invitations.Delete(tenantId, key => key.ImportId == importId);
        lock (data)
        {
            var deleted = (long)data.Entries.Count;
            data.Entries.Clear();
            Array.Clear(data.Counts);
            return deleted;
        }
    }

    /// <inheritdoc />
    public Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        var data = Find(tenantId, importId);
        if (data is null)
        {
            return Task.FromResult<BulkInviteReport?>(null);
        }

        lock (data)
        {
            return Task.FromResult<BulkInviteReport?>(data.Report);
        }
    }

    /// <inheritdoc />
    public Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckQuery(query);
        cancellationToken.ThrowIfCancellationRequested();
        var matching = new List<BulkInviteReport>();
        foreach (var data in _imports.Values)
        {
            BulkInviteReport report;
            lock (data)
            {
                report = data.Report;
            }

            if (string.Equals(report.TenantId, tenantId, StringComparison.Ordinal)
                && (query.IncludePreviews || !report.IsPreview)
                && (query.From is null || report.CreatedAt >= query.From)
                && (query.To is null || report.CreatedAt < query.To)
                && (query.ContentHash is null || string.Equals(report.ContentHash, query.ContentHash, StringComparison.Ordinal)))
            {
                matching.Add(report);
            }
        }

        matching.Sort(static (a, b) =>
        {
            var byDate = b.CreatedAt.CompareTo(a.CreatedAt);
            return byDate != 0 ? byDate : b.ImportId.CompareTo(a.ImportId);
        });
        var items = matching.Skip(query.Offset).Take(query.Limit).ToList();
        return Task.FromResult(new InvitePage<BulkInviteReport> { Items = items, TotalCount = matching.Count, HasMore = query.Offset + items.Count < matching.Count });
    }

    /// <inheritdoc />
    public Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckQuery(query);
        cancellationToken.ThrowIfCancellationRequested();
        var data = Find(tenantId, importId);
        if (data is null)
        {
            return Task.FromResult(new InvitePage<InviteEntryResult> { Items = [], TotalCount = 0, HasMore = false });
        }

        lock (data)
        {
            var list = data.Entries;
            var start = data.IndexOf(query.AfterSequence + 1);
            if (start < 0)
            {
                start = ~start;
            }

            var picked = new List<int>(Math.Min(query.Limit, 1024));
            var hasMore = false;
            for (var i = start; i < list.Count; i++)
            {
                ref readonly var entry = ref list[i];
                if (entry.Sequence > query.LastSequence)
                {
                    break;
                }

                if (query.Outcome is { } outcome && entry.Outcome != outcome)
                {
                    continue;
                }

                if (picked.Count == query.Limit)
                {
                    hasMore = true;
                    break;
                }

                picked.Add(i);
            }

            var invitations = query.InvitationsAsOf is { } asOf && picked.Count > 0
                ? _invitations.OfEntries(tenantId, importId, query.AfterSequence, list[picked[^1]].Sequence, asOf)
                : null;
            var items = new List<InviteEntryResult>(picked.Count);
            foreach (var i in picked)
            {
                items.Add(list.ToResult(i, invitations?.GetValueOrDefault(list[i].Sequence)));
            }

            var total = query.Outcome is { } o ? data.Counts[(int)o] : list.Count;
            return Task.FromResult(new InvitePage<InviteEntryResult> { Items = items, TotalCount = total, HasMore = hasMore });
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = 0;
        var deletedIds = new HashSet<Guid>();
        foreach (var (importId, data) in _imports)
        {
            bool expired;
            lock (data)
            {
                expired = string.Equals(data.Report.TenantId, tenantId, StringComparison.Ordinal) && data.Report.CreatedAt < cutoff;
            }

            if (expired && _imports.TryRemove(new KeyValuePair<Guid, ImportData>(importId, data)))
            {
                _invitations.Delete(tenantId, key => key.ImportId == importId);
                deletedIds.Add(importId);
                deleted++;
            }
        }

        DeleteEndedWork(tenantId, cutoff, deletedIds);
        return Task.FromResult(deleted);
    }

    /// <inheritdoc />
    public Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        _invitations.Delete(tenantId, key => key.Address.Equals(address, StringComparison.OrdinalIgnoreCase));
        var deleted = 0L;
        foreach (var data in _imports.Values)
        {
            lock (data)
            {
                if (!string.Equals(data.Report.TenantId, tenantId, StringComparison.Ordinal))
                {
                    continue;
                }

                deleted += data.Entries.RemoveAll((entry, entryAddress) =>
                {
                    if (!entryAddress.Equals(address, StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    data.Counts[(int)entry.Outcome]--;
                    return true;
                });
            }
        }

        return Task.FromResult(deleted);
    }

    /// <inheritdoc />
    /// <remarks>The entries' changes are made first, under the import's lock, then the sends, under the ledger's.</remarks>
    public Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(entryUpdates);
        InvitationArguments.CheckSends(importId, sends);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(RecordInvitationSends(tenantId, importId, entryUpdates, sends));
    }

    private IReadOnlyList<InvitationSendStatus> RecordInvitationSends(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends)
    {
        if (Find(tenantId, importId) is null)
        {
            throw new KeyNotFoundException($"Tenant has no import {importId}.");
        }

        if (entryUpdates.Count > 0)
        {
            UpdateEntries(tenantId, importId, entryUpdates);
        }

        return _invitations.Record(tenantId, sends);
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.FindByHash(tokenHash, asOf));
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.Accept(tokenHash, now));
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.Get(tenantId, invitationId, asOf));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckAddressKeys(addressKeys);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.FindLive(tenantId, addressKeys, asOf));
    }

    /// <inheritdoc />
    public Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.Count(tenantId, importId, asOf));
    }

    /// <inheritdoc />
    public Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckQuery(query);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.List(tenantId, query, asOf));
    }

    /// <inheritdoc />
    public Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.Revoke(tenantId, invitationId, now));
    }

    /// <inheritdoc />
    public Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.RevokeImport(tenantId, importId, now));
    }

    /// <inheritdoc />
    public Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_invitations.Expire(tenantId, now));
    }

    private ImportData? Find(string tenantId, Guid importId)
    {
        if (!_imports.TryGetValue(importId, out var data))
        {
            return null;
        }

        lock (data)
        {
            return string.Equals(data.Report.TenantId, tenantId, StringComparison.Ordinal) ? data : null;
        }
    }

    private sealed class ImportData(BulkInviteReport report)
    {
        public BulkInviteReport Report { get; set; } = report;

        public StoredEntryList Entries { get; } = new();

        public long[] Counts { get; } = new long[Enum.GetValues<InviteOutcome>().Length];

        public int IndexOf(long sequence)
        {
            // Entries are numbered 1, 2, 3, ... in file order, so an entry is usually where its number says; otherwise
            // (entries forgotten by a privacy delete) a binary search finds it.
            var entries = Entries;
            if (sequence >= 1 && sequence <= entries.Count && entries[(int)(sequence - 1)].Sequence == sequence)
            {
                return (int)(sequence - 1);
            }

            int lo = 0, hi = entries.Count - 1;
            while (lo <= hi)
            {
                var mid = lo + ((hi - lo) >> 1);
                var s = entries[mid].Sequence;
                if (s == sequence)
                {
                    return mid;
                }

                if (s < sequence)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return ~lo;
        }
    }
}
