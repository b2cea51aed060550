using BulkInvite.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Background;

/// <summary>
/// Keeps a lease while its import (or part) runs, in a worker or in its caller's process: renews it every third of its
/// duration with the run's last progress (a new stage at once), and cancels <see cref="Lost"/> when a renewal is refused
/// (another claim holds the import) or when no renewal has succeeded by a sixth of the duration short of its expiry (the
/// store is down, the process was paused), so that the run stops sending before another instance may claim the import.
/// </summary>
internal sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly IImportWorkStore _work;
    private readonly ImportLease _lease;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stop = new();
    private readonly LatestProgress _progress = new();
    private readonly Task _loop;

    public LeaseHeartbeat(IImportWorkStore work, ImportLease lease, TimeSpan duration, TimeProvider time, ILogger logger)
    {
        _work = work;
        _lease = lease;
        _duration = duration;
        _time = time;
        _logger = logger;
        _lost = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _lost.CancelAfter(LocalLeaseTime());
        _loop = RunAsync();
    }

    /// <summary>Cancelled once the lease is lost, or about to run out without a renewal.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Whether the lease is lost.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Where the run reports its progress: recorded with each renewal, and at once when its stage changes.</summary>
    public IProgress<BulkInviteProgress> Progress => _progress;

    /// <summary>Stops renewing (the run has ended); the lease is left as it is, for the caller to end or give back.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RunAsync()
    {
        var interval = _duration / 3;
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested && !_lost.IsCancellationRequested)
        {
            try
            {
                // A new stage is recorded at once, so that every instance shows it; counts wait for the next renewal.
                await Task.WhenAny(Task.Delay(interval, _time, stop), _progress.StageChanged).ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
                if (await _work.RenewAsync(_lease, _duration, _time.GetUtcNow(), _progress.Latest, stop).ConfigureAwait(false))
                {
                    _lost.CancelAfter(LocalLeaseTime());
                }
                else
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A renewal that fails is tried again; the local deadline stops the run if none succeeds.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.BackgroundWorkStoreFailed(_logger, e, "renew a lease");
            }
        }
    }

    /// <summary>How long after a renewal the run still counts on its lease: a sixth of it short of the store's expiry.</summary>
    private TimeSpan LocalLeaseTime() => _duration - (_duration / 6);

    /// <summary>The last progress of the run, recorded with each renewal, and at once when its stage changes.</summary>
    private sealed class LatestProgress : IProgress<BulkInviteProgress>
    {
        private volatile BulkInviteProgress? _latest;
        private TaskCompletionSource _stageChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public BulkInviteProgress? Latest => _latest;

        /// <summary>Completes when the stage next changes.</summary>
        public Task StageChanged => Volatile.Read(ref _stageChanged).Task;

        public void Report(BulkInviteProgress value)
        {
            var previous = _latest;
            _latest = value;
            if (previous?.Stage != value.Stage)
            {
                Interlocked.Exchange(ref _stageChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }
}
