using System.Runtime.CompilerServices;
using BulkInvite.Diagnostics;
using BulkInvite.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite.Background;

/// <summary>
/// The SDK's <see cref="IImportWorker"/>: claims imports from the work store, runs each under a renewed lease with every
/// write fenced, and ends it, gives it back, or (when it lost the lease) leaves it to the instance that claimed it.
/// </summary>
internal sealed class ImportWorker : IImportWorker
{
    private readonly IImportWorkStore _work;
    private readonly IServiceScopeFactory _scopes;
    private readonly BackgroundImportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ImportWorker(IImportWorkStore work, IServiceScopeFactory scopes, IOptions<BackgroundImportOptions> options, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _work = work;
        _scopes = scopes;
        _options = options.Value;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite");
    }

    public async Task RunAsync(CancellationToken stoppingToken) => await RunSlotsAsync(untilIdle: false, stoppingToken).ConfigureAwait(false);

    public Task<int> RunUntilIdleAsync(CancellationToken stoppingToken) => RunSlotsAsync(untilIdle: true, stoppingToken);

    private async Task<int> RunSlotsAsync(bool untilIdle, CancellationToken stoppingToken)
    {
        var ended = new StrongBox<int>(0);
        var slots = new Task[Math.Max(_options.MaxConcurrentImports, untilIdle ? 1 : 0)];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = Task.Run(() => SlotAsync(untilIdle, ended, stoppingToken), CancellationToken.None);
        }

        await Task.WhenAll(slots).ConfigureAwait(false);
        return ended.Value;
    }

    /// <summary>One import at a time: claim, run, end; wait for work when there is none.</summary>
    private async Task SlotAsync(bool untilIdle, StrongBox<int> ended, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lease = await _work.ClaimAsync(_options.InstanceName, _options.LeaseDuration, _time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (lease is not null)
                {
                    if (await RunLeaseAsync(lease, stoppingToken).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref ended.Value);
                    }

                    continue;
                }

                if (untilIdle && (await _work.CountUnfinishedAsync(stoppingToken).ConfigureAwait(false)).IsIdle)
                {
                    return;
                }

                await _work.WaitForWorkAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The store being down must not stop the worker: it tries again after the polling interval.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.BackgroundWorkStoreFailed(_logger, e, "find work");
                try
                {
                    await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Runs one claimed import, or part of one; returns whether an import ended (completed or failed for good) here. A
    /// part's end is recorded, and counts for nothing: its import ends when it is claimed after its last part.
    /// </summary>
    private async Task<bool> RunLeaseAsync(ImportLease lease, CancellationToken stoppingToken)
    {
        if (lease.Part is { } part)
        {
            Log.BackgroundPartClaimed(_logger, part.Number, lease.ImportId, lease.Owner, lease.Attempt, lease.Fence);
        }
        else
        {
            Log.BackgroundImportClaimed(_logger, lease.ImportId, lease.Owner, lease.Attempt, lease.Fence);
        }

        if (lease.Attempt > _options.MaxAttempts)
        {
            // A part given up leaves its entries pending: the claim that ends the import sends them, or records them unsent.
            Log.BackgroundImportAttemptsExhausted(_logger, lease.ImportId, lease.Attempt - 1);
            return await CompleteAsync(
                lease,
                QueuedImportStatus.Failed,
                $"The import was started {lease.Attempt - 1} times and never ended (BulkInvite:Background:MaxAttempts); resume it to send what is still pending.",
                ImportErrorCode.AttemptsExhausted).ConfigureAwait(false) && lease.Part is null;
        }

        // Cancelled when the lease is lost: the store refused a renewal, or the last renewal is about to run out.
        var heartbeat = new LeaseHeartbeat(_work, lease, _options.LeaseDuration, _time, _logger);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, heartbeat.Lost);

        (QueuedImportStatus Status, string? Error, ImportErrorCode? Code)? end = null;
        var leaseLost = false;
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>() as BulkInviteService
                    ?? throw new InvalidOperationException("Background imports run on the SDK's own IBulkInviteService; a replaced one cannot run them.");
                if (await service.RunLeasedAsync(lease, _work, heartbeat.Progress, _options.PartSize, run.Token).ConfigureAwait(false))
                {
                    end = (QueuedImportStatus.Completed, null, null);
                }
            }
        }
        catch (Exception e) when (heartbeat.IsLost || e is ImportLeaseLostException)
        {
            // Whatever this worker still had to record is the new owner's now; it writes nothing more.
            Log.BackgroundImportLeaseLost(_logger, lease.ImportId, lease.Fence);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the sends in flight were recorded; the import goes back to the queue for the next claim.
        }
#pragma warning disable CA1031 // One failed import must not stop the worker; each failure is recorded and logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            end = Final(e);
            if (end is null)
            {
                // The store, the user directory or the mail server failed: the lease is left to expire, and the next
                // claim (after LeaseDuration, at most MaxAttempts in all) continues from what is pending.
                Log.BackgroundImportFailed(_logger, e, lease.ImportId);
            }
        }
        finally
        {
            leaseLost = heartbeat.IsLost;
            await heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        if (end is { } e2)
        {
            return await CompleteAsync(lease, e2.Status, e2.Error, e2.Code).ConfigureAwait(false) && lease.Part is null;
        }

        if (stoppingToken.IsCancellationRequested && !leaseLost)
        {
            try
            {
                if (await _work.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false))
                {
                    Log.BackgroundImportReleased(_logger, lease.ImportId);
                }
            }
#pragma warning disable CA1031 // Not given back: its lease expires, and the next claim takes it then.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.BackgroundWorkStoreFailed(_logger, e, "give an import back");
            }
        }

        return false;
    }

    /// <summary>The end of an import that failed for good (running it again changes nothing), or <see langword="null"/> to try again.</summary>
    internal static (QueuedImportStatus Status, string? Error, ImportErrorCode? Code)? Final(Exception e) => e switch
    {
        InviteFileFormatException => (QueuedImportStatus.Failed, e.Message, ImportErrorCode.InvalidFileFormat),
        InviteRepeatUploadException => (QueuedImportStatus.Failed, e.Message, ImportErrorCode.RepeatUpload),
        InviteLimitExceededException => (QueuedImportStatus.Failed, e.Message, ImportErrorCode.LimitExceeded),
        ArgumentException => (QueuedImportStatus.Failed, e.Message, ImportErrorCode.ImportFailed),
        KeyNotFoundException => (QueuedImportStatus.Failed, "The import's upload is no longer kept: " + e.Message, ImportErrorCode.ImportFailed),
        _ => null,
    };

    private async Task<bool> CompleteAsync(ImportLease lease, QueuedImportStatus status, string? error, ImportErrorCode? code)
    {
        try
        {
            if (await _work.CompleteAsync(lease, status, error, code, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
            {
                return true;
            }

            Log.BackgroundImportLeaseLost(_logger, lease.ImportId, lease.Fence);
        }
#pragma warning disable CA1031 // Not recorded: the lease expires, and the next claim finds the import ended and ends it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.BackgroundWorkStoreFailed(_logger, e, "record the end of an import");
        }

        return false;
    }
}
