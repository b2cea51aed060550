using BulkInvite.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.History;

/// <summary>
/// The SDK's <see cref="IBulkInviteHistory"/> and <see cref="IBulkInviteRetention"/>: reads and deletes through the
/// history store, and answers an import's status from the background queue (when one is registered) and the store.
/// Reports and entries are read with their invitations as they stand now (<see cref="TimeProvider"/>).
/// </summary>
internal sealed class BulkInviteHistory : IBulkInviteHistory, IBulkInviteRetention
{
    private readonly IInviteHistoryStore _store;
    private readonly IImportWorkStore? _work;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public BulkInviteHistory(IInviteHistoryStore store, IEnumerable<IImportWorkStore> workStores, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workStores);
        _store = store;
        _work = workStores.LastOrDefault();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite");
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task<BulkInviteReport?> GetReportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var report = await _store.GetImportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false);
        return report is null ? null : await WithInvitationCountsAsync(report, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImportStatusSnapshot?> GetStatusAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var now = _time.GetUtcNow();
        var state = _work is null ? null : await _work.GetStateAsync(tenantId, importId, now, cancellationToken).ConfigureAwait(false);
        var report = await _store.GetImportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false);
        return ImportStatusReader.Merge(state, report, now);
    }

    public async Task<InvitePage<BulkInviteReport>> GetHistoryAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        HistoryArguments.CheckQuery(query);
        var page = await _store.ListImportsAsync(tenantId, query, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var items = new BulkInviteReport[page.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = await WithInvitationCountsAsync(page.Items[i], now, cancellationToken).ConfigureAwait(false);
        }

        return new InvitePage<BulkInviteReport> { Items = items, TotalCount = page.TotalCount, HasMore = page.HasMore };
    }

    public Task<InvitePage<InviteEntryResult>> GetEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        HistoryArguments.CheckQuery(query);
        return _store.ListEntriesAsync(tenantId, importId, query.InvitationsAsOf is null ? query with { InvitationsAsOf = _time.GetUtcNow() } : query, cancellationToken);
    }

    public IAsyncEnumerable<InviteEntryResult> ReadEntriesAsync(string tenantId, Guid importId, InviteOutcome? outcome = null, CancellationToken cancellationToken = default)
    {
        // Checked here, when the caller asks, not at the first MoveNextAsync.
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (outcome is { } value && !Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), value, "Not an InviteOutcome.");
        }

        return EntryReader.EntriesAsync(_store, tenantId, importId, outcome, EntryReader.DefaultPageSize, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>A report with its invitations counted as they stand at <paramref name="now"/>; a preview has none.</summary>
    private async Task<BulkInviteReport> WithInvitationCountsAsync(BulkInviteReport report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (report.IsPreview)
        {
            return report;
        }

        var counts = await _store.CountInvitationsAsync(report.TenantId, report.ImportId, now, cancellationToken).ConfigureAwait(false);
        return report with { Invitations = counts };
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
