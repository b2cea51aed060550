using System.Collections.Concurrent;
using System.Threading.Channels;
using BulkInvite.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkInvite.Background;

/// <summary>The queue behind <see cref="IBulkInviteQueue"/>: spooled jobs in a channel, their states in memory.</summary>
internal sealed class BulkInviteQueue : IBulkInviteQueue
{
    // Jobs waiting to start, each an upload already on disk; nothing here lies between a sent invitation and its record.
    // New jobs are bounded by MaxQueuedImports (_queued); jobs recovered from the spool folder at start are taken all,
    // whatever that limit is now, so the channel itself is not bounded.
    private readonly Channel<SpooledImport> _channel = Channel.CreateUnbounded<SpooledImport>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<Guid, QueuedImportState> _states = new();
    private readonly ConcurrentQueue<Guid> _ended = new();
    private readonly BackgroundImportOptions _options;
    private readonly IOptionsMonitor<BulkInviteOptions> _importOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _recovery = new();
    private bool _recovered;
    private int _queued;

    public BulkInviteQueue(IOptions<BackgroundImportOptions> options, IOptionsMonitor<BulkInviteOptions> importOptions, TimeProvider time, ILogger<BulkInviteQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _importOptions = importOptions;
        _time = time;
        _logger = logger;
        Spool = new SpoolFolder(_options.SpoolDirectory);
    }

    public SpoolFolder Spool { get; }

    public ChannelReader<SpooledImport> Reader => _channel.Reader;

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

        EnsureRecovered();

        if (Interlocked.Increment(ref _queued) > _options.MaxQueuedImports)
        {
            Interlocked.Decrement(ref _queued);
            throw new InviteLimitExceededException(
                nameof(BackgroundImportOptions.MaxQueuedImports),
                _options.MaxQueuedImports,
                $"{_options.MaxQueuedImports:N0} imports are waiting already (BulkInvite:Background:MaxQueuedImports); try again when one has started.");
        }

        var job = new SpooledImport
        {
            ImportId = request.ImportId ?? Guid.NewGuid(),
            TenantId = request.TenantId,
            InitiatedBy = request.InitiatedBy,
            FileName = request.FileName,
            IsPreview = request.Mode == ImportMode.Preview,
            ParserName = request.ParserName,
            SenderName = request.SenderName,
            AllowRepeatUpload = request.AllowRepeatUpload,
            ResendPendingInvitations = request.ResendPendingInvitations,
            QueuedAt = _time.GetUtcNow(),
        };

        try
        {
            if (_states.ContainsKey(job.ImportId))
            {
                throw new InvalidOperationException($"Import {job.ImportId} is queued already.");
            }

            await Spool.WriteAsync(job, request.Content, _importOptions.CurrentValue.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _queued);
            throw;
        }

        Add(job);
        Log.BackgroundImportQueued(_logger, job.ImportId, job.TenantId, job.IsPreview);
        return job.ImportId;
    }

    public QueuedImportState? GetState(string tenantId, Guid importId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return _states.TryGetValue(importId, out var state) && string.Equals(state.TenantId, tenantId, StringComparison.Ordinal)
            ? state
            : null;
    }

    /// <summary>
    /// Queues the jobs an earlier process left in the spool folder, once, before this process spools anything:
    /// the scan removes partial copies, which must never be one that is being written now.
    /// </summary>
    public void EnsureRecovered()
    {
        lock (_recovery)
        {
            if (_recovered)
            {
                return;
            }

            var (jobs, unreadable) = Spool.Recover();
            if (jobs.Count > 0 || unreadable > 0)
            {
                Log.BackgroundImportsRecovered(_logger, jobs.Count, unreadable, Spool.Directory);
            }

            foreach (var job in jobs)
            {
                Interlocked.Increment(ref _queued);
                Add(job);
            }

            _recovered = true;
        }
    }

    /// <summary>A worker took the job.</summary>
    public void Started(SpooledImport job)
    {
        Interlocked.Decrement(ref _queued);
        Update(job.ImportId, state => Copy(state, QueuedImportStatus.Running, state.Progress, null, null));
    }

    public void Report(Guid importId, BulkInviteProgress progress) => Update(importId, state => Copy(state, state.Status, progress, state.Error, state.ErrorCode));

    public void Ended(Guid importId, QueuedImportStatus status, string? error, ImportErrorCode? errorCode)
    {
        Update(importId, state => Copy(state, status, state.Progress, error, errorCode));
        _ended.Enqueue(importId);
        while (_ended.Count > _options.MaxRetainedStates && _ended.TryDequeue(out var oldest))
        {
            _states.TryRemove(oldest, out _);
        }
    }

    private void Add(SpooledImport job)
    {
        _states[job.ImportId] = new QueuedImportState
        {
            ImportId = job.ImportId,
            TenantId = job.TenantId,
            FileName = job.FileName,
            IsPreview = job.IsPreview,
            Status = QueuedImportStatus.Queued,
        };
        if (!_channel.Writer.TryWrite(job))
        {
            throw new InvalidOperationException("The background import queue is closed.");
        }
    }

    private static QueuedImportState Copy(QueuedImportState state, QueuedImportStatus status, BulkInviteProgress? progress, string? error, ImportErrorCode? errorCode) => new()
    {
        ImportId = state.ImportId,
        TenantId = state.TenantId,
        FileName = state.FileName,
        IsPreview = state.IsPreview,
        Status = status,
        Progress = progress,
        Error = error,
        ErrorCode = errorCode,
    };

    private void Update(Guid importId, Func<QueuedImportState, QueuedImportState> change)
    {
        while (_states.TryGetValue(importId, out var current))
        {
            if (_states.TryUpdate(importId, change(current), current))
            {
                return;
            }
        }
    }
}
