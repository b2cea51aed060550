using BulkInvite.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.History;

/// <summary>
/// The SDK's <see cref="IBulkInviteHistory"/> and <see cref="IBulkInviteRetention"/>: reads and deletes through the
/// history store, and answers an import's status from the background queue (when one is registered) and the store.
/// </summary>
internal sealed class BulkInviteHistory : IBulkInviteHistory, IBulkInviteRetention
{
    private readonly IInviteHistoryStore _store;
    private readonly IBulkInviteQueue? _queue;
    private readonly ILogger _logger;

    public BulkInviteHistory(IInviteHistoryStore store, IEnumerable<IBulkInviteQueue> queues, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(queues);
        _store = store;
        _queue = queues.LastOrDefault();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite");
    }

    public Task<BulkInviteReport?> GetReportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return _store.GetImportAsync(tenantId, importId, cancellationToken);
    }

    public async Task<ImportStatusSnapshot?> GetStatusAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var state = _queue?.GetState(tenantId, importId);
        var report = await _store.GetImportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false);
        return ImportStatusReader.Merge(state, report);
    }

    public Task<InvitePage<BulkInviteReport>> GetHistoryAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return _store.ListImportsAsync(tenantId, query, cancellationToken);
    }

    public Task<InvitePage<InviteEntryResult>> GetEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.AfterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return _store.ListEntriesAsync(tenantId, importId, query, cancellationToken);
    }

    public IAsyncEnumerable<InviteEntryResult> ReadEntriesAsync(string tenantId, Guid importId, InviteOutcome? outcome = null, CancellationToken cancellationToken = default)
    {
        // Checked here, when the caller asks, not at the first MoveNextAsync.
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (outcome is { } value && !Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), value, "Not an InviteOutcome.");
        }

        return EntryReader.EntriesAsync(_store, tenantId, importId, outcome, EntryReader.DefaultPageSize, cancellationToken);
    }

    public async Task<int> DeleteHistoryBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var deleted = await _store.DeleteImportsCreatedBeforeAsync(tenantId, cutoff, cancellationToken).ConfigureAwait(false);
        Log.HistoryDeleted(_logger, deleted, tenantId, cutoff);
        return deleted;
    }

    public async Task<long> ForgetAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var deleted = await _store.DeleteAddressAsync(tenantId, address.Trim(), cancellationToken).ConfigureAwait(false);
        Log.AddressForgotten(_logger, deleted, tenantId);
        return deleted;
    }
}
