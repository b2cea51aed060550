using BulkInvite.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkInvite.Background;

/// <summary>Runs the queued imports, <see cref="BackgroundImportOptions.MaxConcurrentImports"/> at a time, each in its own DI scope.</summary>
internal sealed class BackgroundImportWorker : BackgroundService
{
    private readonly BulkInviteQueue _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly BackgroundImportOptions _options;
    private readonly ILogger _logger;

    public BackgroundImportWorker(BulkInviteQueue queue, IServiceScopeFactory scopes, IOptions<BackgroundImportOptions> options, ILogger<BackgroundImportWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _scopes = scopes;
        _options = options.Value;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host takes requests: what an earlier process left in the spool folder is queued first.
        _queue.EnsureRecovered();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new Task[_options.MaxConcurrentImports];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var job))
                {
                    await RunAsync(job, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: jobs still queued stay in the spool folder for the next start.
        }
    }

    private async Task RunAsync(SpooledImport job, CancellationToken stoppingToken)
    {
        _queue.Started(job);
        (QueuedImportStatus Status, string? Error, ImportErrorCode? Code) end = (QueuedImportStatus.Failed, "The import ended unexpectedly.", ImportErrorCode.ImportFailed);
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
                var history = scope.ServiceProvider.GetRequiredService<IBulkInviteHistory>();
                if (job.Recovered && await history.GetReportAsync(job.TenantId, job.ImportId, stoppingToken).ConfigureAwait(false) is not null)
                {
                    // It began before the process stopped: its staged entries are in the store, and sending them
                    // again from the file could invite people twice. ResumeAsync sends what is still pending.
                    Log.BackgroundImportInterrupted(_logger, job.ImportId);
                    end = (QueuedImportStatus.Failed, "The import was interrupted when the application stopped; resume it to send what is still pending.", ImportErrorCode.Interrupted);
                    return;
                }

                var content = new FileStream(_queue.Spool.UploadPath(job.ImportId), FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (content.ConfigureAwait(false))
                {
                    var request = new BulkInviteRequest
                    {
                        Content = content,
                        FileName = job.FileName,
                        TenantId = job.TenantId,
                        InitiatedBy = job.InitiatedBy,
                        ImportId = job.ImportId,
                        Mode = job.IsPreview ? ImportMode.Preview : ImportMode.Send,
                        ParserName = job.ParserName,
                        SenderName = job.SenderName,
                        AllowRepeatUpload = job.AllowRepeatUpload,
                        ResendPendingInvitations = job.ResendPendingInvitations,
                    };
                    var progress = new StateProgress(_queue, job.ImportId);
                    var report = await service.ImportAsync(request, progress, stoppingToken).ConfigureAwait(false);
                    _queue.Report(job.ImportId, new BulkInviteProgress { ImportId = job.ImportId, Stage = ImportStage.Finished, EntriesRead = report.Counts.Total, EntriesToSend = 0, Counts = report.Counts });
                    end = (QueuedImportStatus.Completed, null, null);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            end = (QueuedImportStatus.Failed, "The import was cancelled because the application stopped.", ImportErrorCode.Cancelled);
        }
#pragma warning disable CA1031 // One failed import must not stop the worker; each failure is recorded and logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var code = e switch
            {
                InviteFileFormatException => ImportErrorCode.InvalidFileFormat,
                InviteRepeatUploadException => ImportErrorCode.RepeatUpload,
                InviteLimitExceededException => ImportErrorCode.LimitExceeded,
                InvitationTransportException => ImportErrorCode.TransportUnavailable,
                _ => ImportErrorCode.ImportFailed,
            };
            if (code == ImportErrorCode.ImportFailed)
            {
                Log.BackgroundImportFailed(_logger, e, job.ImportId);
            }

            // A transport failure leaves the staged entries pending in the store, to be resumed; nothing is lost.
            end = (QueuedImportStatus.Failed, e.Message, code);
        }
        finally
        {
            // The spooled copy goes before the end is shown: an import seen to have ended has left nothing behind.
            _queue.Spool.Delete(job.ImportId);
            _queue.Ended(job.ImportId, end.Status, end.Error, end.Code);
        }
    }

    /// <summary>Writes progress straight into the job's state (no synchronization context, no queued callbacks).</summary>
    private sealed class StateProgress(BulkInviteQueue queue, Guid importId) : IProgress<BulkInviteProgress>
    {
        public void Report(BulkInviteProgress value) => queue.Report(importId, value);
    }
}
