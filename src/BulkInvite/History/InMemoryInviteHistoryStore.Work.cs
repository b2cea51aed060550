using System.Collections.Concurrent;
using BulkInvite.History;

namespace BulkInvite;

/// <content>
/// The queue of background imports (<see cref="IImportWorkStore"/>): one work row per queued import, its upload in
/// chunks of 1 MiB, in memory. Every change of a row (claim, renewal, release, end) is made under the row's lock, the
/// import's lock in the queue; the fenced view checks the lease and writes the history under that same lock, so no claim
/// can come between its check and its write.
/// </content>
public sealed partial class InMemoryInviteHistoryStore : IImportWorkStore
{
    private readonly ConcurrentDictionary<Guid, WorkRow> _work = new();
    private readonly ConcurrentDictionary<Guid, WorkRow> _unfinished = new();
    private readonly WorkSignal _workSignal = new();

    /// <inheritdoc />
    public async Task EnqueueAsync(ImportWorkItem item, Stream upload, long maxBytes, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnqueue(item, upload, maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfQueued(item.ImportId);
        var chunks = new List<byte[]>();
        await ImportWorkArguments.CopyInChunksAsync(upload, maxBytes, (chunk, _, _) =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var row = new WorkRow(item, chunks);
        if (!_work.TryAdd(item.ImportId, row))
        {
            ThrowIfQueued(item.ImportId);
        }

        _unfinished[item.ImportId] = row;
        _workSignal.Set();
    }

    /// <inheritdoc />
    public Task<ImportLease?> ClaimAsync(string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaim(owner, leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();

        // The rows that can be claimed, oldest first; each is checked again under its lock as it is taken, so of
        // concurrent claimers one takes each row and the others go on to the next.
        var candidates = new List<(WorkRow Row, Leased Unit, DateTimeOffset QueuedAt, int Part)>();
        foreach (var row in _unfinished.Values)
        {
            lock (row.Gate)
            {
                if (row.IsClaimable(now))
                {
                    candidates.Add((row, row, row.Item.QueuedAt, 0));
                }

                foreach (var part in row.PartRows ?? [])
                {
                    if (part.IsClaimable(now))
                    {
                        candidates.Add((row, part, part.QueuedAt, part.Part.Number));
                    }
                }
            }
        }

        candidates.Sort(static (a, b) =>
        {
            var byTime = a.QueuedAt.CompareTo(b.QueuedAt);
            var byImport = byTime != 0 ? byTime : a.Row.Item.ImportId.CompareTo(b.Row.Item.ImportId);
            return byImport != 0 ? byImport : a.Part.CompareTo(b.Part);
        });
        foreach (var (row, unit, _, _) in candidates)
        {
            lock (row.Gate)
            {
                if (!unit.IsClaimable(now))
                {
                    continue;
                }

                return Task.FromResult<ImportLease?>(row.Claim(unit, owner, now + leaseDuration));
            }
        }

        return Task.FromResult<ImportLease?>(null);
    }

    /// <inheritdoc />
    public Task<ImportLease?> ClaimImportAsync(ImportWorkItem item, string owner, TimeSpan leaseDuration, DateTimeOffset now, bool takeOver = false, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaimImport(item, owner, leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();
        var row = _work.GetOrAdd(item.ImportId, static (_, item) => new WorkRow(item, null) { Status = QueuedImportStatus.Completed }, item);
        lock (row.Gate)
        {
            var free = row.Status is QueuedImportStatus.Completed or QueuedImportStatus.Failed
                       || (row.Status == QueuedImportStatus.Running && row.LeaseExpiresAt is { } expires && (takeOver || expires <= now));
            if (!string.Equals(row.Item.TenantId, item.TenantId, StringComparison.Ordinal) || !free)
            {
                return Task.FromResult<ImportLease?>(null);
            }

            row.Error = null;
            row.ErrorCode = null;
            _unfinished[item.ImportId] = row;
            return Task.FromResult<ImportLease?>(row.Claim(row, owner, now + leaseDuration));
        }
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(ImportLease lease, TimeSpan leaseDuration, DateTimeOffset now, BulkInviteProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ImportWorkArguments.CheckDuration(leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ChangeHeld(lease, (_, unit) =>
        {
            unit.LeaseExpiresAt = now + leaseDuration;
            if (progress is not null)
            {
                unit.Progress = new BulkInviteProgress
                {
                    ImportId = lease.ImportId,
                    Stage = progress.Stage,
                    EntriesRead = progress.EntriesRead,
                    EntriesToSend = progress.EntriesToSend,
                    Counts = progress.Counts,
                };
            }
        }));
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var released = ChangeHeld(lease, static (_, unit) =>
        {
            unit.Status = QueuedImportStatus.Queued;
            unit.LeaseExpiresAt = null;
        });
        if (released)
        {
            _workSignal.Set();
        }

        return Task.FromResult(released);
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(ImportLease lease, QueuedImportStatus status, string? error, ImportErrorCode? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnd(lease, status);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ChangeHeld(lease, (row, unit) =>
        {
            if (unit is PartRow part)
            {
                part.Status = status;
                part.LeaseExpiresAt = null;
                if (row.PartRows!.TrueForAll(static p => p.Status is QueuedImportStatus.Completed or QueuedImportStatus.Failed))
                {
                    // The last part has ended: the import can be claimed, to be ended, as its first attempt.
                    row.LeaseExpiresAt = now;
                    row.Attempts = 0;
                    _workSignal.Set();
                }

                return;
            }

            row.Status = status;
            row.Error = error;
            row.ErrorCode = errorCode;
            row.LeaseExpiresAt = null;
            row.Chunks = null;

            // Under the lock: a claim by the caller that reopens the row re-adds it only after this.
            _unfinished.TryRemove(new KeyValuePair<Guid, WorkRow>(lease.ImportId, row));
        }));
    }

    /// <inheritdoc />
    public Task<bool> SplitAsync(ImportLease lease, IReadOnlyList<ImportWorkPart> parts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckSplit(lease, parts);
        cancellationToken.ThrowIfCancellationRequested();
        var split = ChangeHeld(lease, (row, _) =>
        {
            if (row.PartRows is not null)
            {
                throw new ArgumentException($"Import {lease.ImportId} is split already.", nameof(lease));
            }

            row.PartRows = parts.Select(p => new PartRow(p, now)).ToList();
            row.Parts = parts.Count;

            // The lease ends: the import runs on in its parts, and is claimed again once they have all ended.
            row.Fence++;
            row.Owner = null;
            row.LeaseExpiresAt = null;
        });
        if (split)
        {
            _workSignal.Set();
        }

        return Task.FromResult(split);
    }

    /// <inheritdoc />
    public Task<Stream> OpenUploadAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var row = FindWork(lease.TenantId, lease.ImportId);
        IReadOnlyList<byte[]>? chunks = null;
        if (row is not null)
        {
            lock (row.Gate)
            {
                chunks = row.Chunks;
            }
        }

        return chunks is null
            ? throw new KeyNotFoundException($"Import {lease.ImportId} has no upload: it has ended, or was never queued.")
            : Task.FromResult<Stream>(new ChunkReadStream(chunks));
    }

    /// <inheritdoc />
    public Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        var row = FindWork(tenantId, importId);
        if (row is null)
        {
            return Task.FromResult<QueuedImportState?>(null);
        }

        lock (row.Gate)
        {
            var expired = row.Status == QueuedImportStatus.Running && row.LeaseExpiresAt <= now;
            var owner = expired ? null : row.Owner;
            var leaseExpiresAt = row.LeaseExpiresAt;
            if (row is { Status: QueuedImportStatus.Running, PartRows: { } parts })
            {
                var live = parts.Where(p => p.Status == QueuedImportStatus.Running && p.LeaseExpiresAt > now).ToList();
                if (live.Count > 0)
                {
                    owner = string.Join(", ", live.Select(static p => p.Owner).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                    leaseExpiresAt = live.Max(static p => p.LeaseExpiresAt);
                }
            }

            return Task.FromResult<QueuedImportState?>(new QueuedImportState
            {
                ImportId = importId,
                TenantId = tenantId,
                FileName = row.Item.FileName,
                IsPreview = row.Item.Mode == ImportMode.Preview,
                Status = row.Status,
                QueuedAt = row.Item.QueuedAt,
                Owner = owner,
                LeaseExpiresAt = leaseExpiresAt,
                Attempts = row.Attempts,
                Parts = row.Parts,
                Progress = row.Progress,
                Error = row.Error,
                ErrorCode = row.ErrorCode,
            });
        }
    }

    /// <inheritdoc />
    public Task<ImportWorkCounts> CountUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long queued = 0, claimed = 0;
        foreach (var row in _unfinished.Values)
        {
            lock (row.Gate)
            {
                queued += row.Status == QueuedImportStatus.Queued ? 1 : 0;
                claimed += row.Status == QueuedImportStatus.Running ? 1 : 0;
            }
        }

        return Task.FromResult(new ImportWorkCounts { Queued = queued, Claimed = claimed });
    }

    /// <inheritdoc />
    /// <remarks>Ends early when this store queues an import or has one given back: no other process shares its queue.</remarks>
    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => _workSignal.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The view's writes to the leased import check the lease and write under the import's lock in the queue, which
    /// every claim of the import takes too: a claim that takes the import over waits for a write in progress, and every
    /// write after it is refused.
    /// </remarks>
    public IInviteHistoryStore WithLease(ImportLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new LeasedView(this, lease);
    }

    /// <summary>Retention of the queue: ended work of the deleted imports, and ended work without a report queued before the cutoff.</summary>
    private void DeleteEndedWork(string tenantId, DateTimeOffset cutoff, HashSet<Guid> deletedImports)
    {
        foreach (var (importId, row) in _work)
        {
            bool delete;
            lock (row.Gate)
            {
                delete = string.Equals(row.Item.TenantId, tenantId, StringComparison.Ordinal)
                         && row.Status is QueuedImportStatus.Completed or QueuedImportStatus.Failed
                         && (deletedImports.Contains(importId) || (row.Item.QueuedAt < cutoff && !_imports.ContainsKey(importId)));
            }

            if (delete)
            {
                _work.TryRemove(new KeyValuePair<Guid, WorkRow>(importId, row));
            }
        }
    }

    private void ThrowIfQueued(Guid importId)
    {
        if (_work.ContainsKey(importId))
        {
            throw new InvalidOperationException($"An import with id {importId} is queued, or was queued, already.");
        }
    }

    private WorkRow? FindWork(string tenantId, Guid importId)
        => _work.TryGetValue(importId, out var row) && string.Equals(row.Item.TenantId, tenantId, StringComparison.Ordinal) ? row : null;

    /// <summary>
    /// Runs a change of what a lease is held on (the import, or its part) under the import's lock in the queue, once the
    /// lease is found still held; <see langword="false"/>, changing nothing, when it is not.
    /// </summary>
    private bool ChangeHeld(ImportLease lease, Action<WorkRow, Leased> change)
    {
        var row = FindWork(lease.TenantId, lease.ImportId);
        if (row is null)
        {
            return false;
        }

        lock (row.Gate)
        {
            if (row.Unit(lease) is not { } unit || !unit.IsHeldBy(lease))
            {
                return false;
            }

            change(row, unit);
            return true;
        }
    }

    /// <summary>Runs a write of the leased import under its lock in the queue, once the lease is found still held.</summary>
    private T Fenced<T>(ImportLease lease, Func<T> write)
    {
        T result = default!;
        return ChangeHeld(lease, (_, _) => result = write()) ? result : throw new ImportLeaseLostException(lease.ImportId, lease.Fence);
    }

    /// <summary>What a lease is held on: an import, or a part of one. Changed only under the import's <see cref="WorkRow.Gate"/>.</summary>
    private abstract class Leased
    {
        public QueuedImportStatus Status { get; set; } = QueuedImportStatus.Queued;

        public string? Owner { get; set; }

        public long Fence { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset? LeaseExpiresAt { get; set; }

        public BulkInviteProgress? Progress { get; set; }

        /// <summary>Queued, or running under a lease that has expired (a split import waiting for its parts has no lease, and is not claimable).</summary>
        public bool IsClaimable(DateTimeOffset now)
            => Status == QueuedImportStatus.Queued || (Status == QueuedImportStatus.Running && LeaseExpiresAt <= now);

        /// <summary>Whether no later claim holds it and it still runs: the lease's time does not matter.</summary>
        public bool IsHeldBy(ImportLease lease) => Status == QueuedImportStatus.Running && Fence == lease.Fence;
    }

    /// <summary>One queued import: its item, its upload, its lease, and its parts once split.</summary>
    private sealed class WorkRow(ImportWorkItem item, IReadOnlyList<byte[]>? chunks) : Leased
    {
        public Lock Gate { get; } = new();

        public ImportWorkItem Item { get; } = item;

        public IReadOnlyList<byte[]>? Chunks { get; set; } = chunks;

        public string? Error { get; set; }

        public ImportErrorCode? ErrorCode { get; set; }

        public List<PartRow>? PartRows { get; set; }

        public int Parts { get; set; }

        /// <summary>Claims the import, or one of its parts: a new fencing token and attempt, and a lease until <paramref name="expiresAt"/>.</summary>
        public ImportLease Claim(Leased unit, string owner, DateTimeOffset expiresAt)
        {
            unit.Status = QueuedImportStatus.Running;
            unit.Owner = owner;
            unit.Fence++;
            unit.Attempts++;
            unit.LeaseExpiresAt = expiresAt;
            return new ImportLease
            {
                Item = Item,
                Owner = owner,
                Fence = unit.Fence,
                Attempt = unit.Attempts,
                ExpiresAt = expiresAt,
                Part = (unit as PartRow)?.Part,
                Parts = Parts,
            };
        }

        /// <summary>What a lease of this import is held on: the import, or one of its parts; <see langword="null"/> for a part it does not have.</summary>
        public Leased? Unit(ImportLease lease) => lease.Part is not { } part ? this
            : PartRows is { } parts && part.Number >= 1 && part.Number <= parts.Count ? parts[part.Number - 1]
            : null;
    }

    /// <summary>One part of a split import.</summary>
    private sealed class PartRow(ImportWorkPart part, DateTimeOffset queuedAt) : Leased
    {
        public ImportWorkPart Part { get; } = part;

        public DateTimeOffset QueuedAt { get; } = queuedAt;
    }

    /// <summary>
    /// The store as the holder of one lease writes to it: writes to the leased import of its tenant run fenced
    /// (<see cref="Fenced"/>); everything else is the store's own.
    /// </summary>
    private sealed class LeasedView(InMemoryInviteHistoryStore store, ImportLease lease) : LeasedHistoryView(store)
    {
        public override Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(import);
            return WriteAsync(import.TenantId, import.ImportId, () => store.CreateImportAsync(import, cancellationToken), () => store.CreateImport(import), cancellationToken);
        }

        public override Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(import);
            return WriteAsync(import.TenantId, import.ImportId, () => store.UpdateImportAsync(import, cancellationToken), () => store.UpdateImport(import), cancellationToken);
        }

        public override Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(entries);
            return WriteAsync(tenantId, importId, () => store.AddEntriesAsync(tenantId, importId, entries, cancellationToken), () => store.AddEntries(tenantId, importId, entries), cancellationToken);
        }

        public override Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(updates);
            return WriteAsync(tenantId, importId, () => store.UpdateEntriesAsync(tenantId, importId, updates, cancellationToken), () => store.UpdateEntries(tenantId, importId, updates), cancellationToken);
        }

        public override Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
            => WriteAsync(tenantId, importId, () => store.DeleteEntriesAsync(tenantId, importId, cancellationToken), () => store.DeleteEntries(tenantId, importId), cancellationToken);

        public override Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
            string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(entryUpdates);
            InvitationArguments.CheckSends(importId, sends);
            return WriteAsync(
                tenantId, importId, () => store.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, cancellationToken), () => store.RecordInvitationSends(tenantId, importId, entryUpdates, sends), cancellationToken);
        }

        /// <summary>A write to the leased import of its tenant runs fenced (<see cref="Fenced"/>); any other is the store's own.</summary>
        private Task WriteAsync(string? tenantId, Guid importId, Func<Task> plain, Action write, CancellationToken cancellationToken)
        {
            if (!ImportWorkArguments.Concerns(lease, tenantId, importId))
            {
                return plain();
            }

            cancellationToken.ThrowIfCancellationRequested();
            store.Fenced(lease, () =>
            {
                write();
                return true;
            });
            return Task.CompletedTask;
        }

        private Task<T> WriteAsync<T>(string? tenantId, Guid importId, Func<Task<T>> plain, Func<T> write, CancellationToken cancellationToken)
        {
            if (!ImportWorkArguments.Concerns(lease, tenantId, importId))
            {
                return plain();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(store.Fenced(lease, write));
        }
    }
}
