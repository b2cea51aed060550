using BulkInvite.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite.Background;

/// <summary>The queue behind <see cref="IBulkInviteQueue"/>: uploads and their states live in the shared <see cref="IImportWorkStore"/>.</summary>
internal sealed class BulkInviteQueue : IBulkInviteQueue
{
    private readonly IImportWorkStore _work;
    private readonly BackgroundImportOptions _options;
    private readonly IOptionsMonitor<BulkInviteOptions> _importOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Parsing.InviteParserSelector _parsers;

    public BulkInviteQueue(
        IImportWorkStore work,
        IOptions<BackgroundImportOptions> options,
        IOptionsMonitor<BulkInviteOptions> importOptions,
        TimeProvider time,
        IEnumerable<IInviteFileParser> parsers,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _work = work;
        _parsers = new Parsing.InviteParserSelector(parsers);
        _options = options.Value;
        _importOptions = importOptions;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite");
    }

    public async Task<Guid> EnqueueAsync(BulkInviteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Content);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.InitiatedBy);
        ArgumentNullException.ThrowIfNull(request.FileName);
        if (request.Mode is not (ImportMode.Send or ImportMode.Preview))
        {
            throw new ArgumentException(
                request.Mode == ImportMode.CountOnly
                    ? "A count-only run cannot be queued: it keeps nothing in the history, so it would leave no report to read. Run it with IBulkInviteService.ImportAsync, which returns the counts."
                    : $"The request's mode {(int)request.Mode} is not an {nameof(ImportMode)}.",
                nameof(request));
        }

        if (request.ParserName is { } parserName)
        {
            // Refused here, as an import refuses it, rather than by the worker that runs it later.
            _parsers.CheckName(parserName);
        }

        // A soft limit: instances that queue at the same moment may pass it by one each.
        var waiting = await _work.CountUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        if (waiting.Queued >= _options.MaxQueuedImports)
        {
            throw new InviteLimitExceededException(
                nameof(BackgroundImportOptions.MaxQueuedImports),
                _options.MaxQueuedImports,
                $"{_options.MaxQueuedImports:N0} imports are waiting already (BulkInvite:Background:MaxQueuedImports); try again when one has started.");
        }

        var item = Pipeline.BulkInviteService.WorkItemOf(request, _time.GetUtcNow());
        await _work.EnqueueAsync(item, request.Content, _importOptions.CurrentValue.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        Log.BackgroundImportQueued(_logger, item.ImportId, item.TenantId, item.Mode == ImportMode.Preview);
        return item.ImportId;
    }

    public Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return _work.GetStateAsync(tenantId, importId, _time.GetUtcNow(), cancellationToken);
    }
}
