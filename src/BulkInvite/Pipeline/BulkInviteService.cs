using BulkInvite.Invitations;
using BulkInvite.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite.Pipeline;

/// <summary>The SDK's <see cref="IBulkInviteService"/>: runs imports in each <see cref="ImportMode"/>, and resumes them.</summary>
internal sealed class BulkInviteService : IBulkInviteService
{
    internal const string NoSenderMessage =
        "No invitation sender is registered. Register one on the BulkInvite builder: AddSender<T>(), or AddSmtpSender(...) / AddPickupFolderSender(...) from the BulkInvite.Smtp package.";

    internal const string NoExistenceCheckMessage =
        "No user-existence check is registered, so existing users would be invited. Register your user directory on the BulkInvite builder with AddUserExistenceCheck<T>(), or opt out explicitly with WithoutUserExistenceCheck().";

    private readonly ImportContext _context;
    private readonly IServiceProvider? _services;
    private readonly IImportWorkStore? _work;
    private readonly BackgroundImportOptions _leases;

    public BulkInviteService(
        IOptions<BulkInviteOptions> options,
        IEmailValidator validator,
        IEnumerable<IInviteFileParser> parsers,
        IInviteHistoryStore store,
        IEnumerable<IUserExistenceCheck> existenceChecks,
        IEnumerable<IInvitationSender> senders,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IServiceProvider? services = null,
        InvitationTokens? tokens = null,
        IImportWorkStore? workStore = null,
        IOptions<BackgroundImportOptions>? leases = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _work = workStore;
        _leases = leases?.Value ?? new BackgroundImportOptions();
        var value = options.Value;
        var check = existenceChecks.LastOrDefault();
        if (check is null && !value.AllowMissingUserExistenceCheck)
        {
            throw new InvalidOperationException(NoExistenceCheckMessage);
        }

        _context = new ImportContext(
            value,
            validator,
            new InviteParserSelector(parsers),
            store,
            check,
            senders.LastOrDefault(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite"),
            tokens ?? InvitationTokens.Create(value, store));
    }

    public Task<BulkInviteReport> ImportAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ValidateRequest(request);
        if (request.Mode is not (ImportMode.Send or ImportMode.Preview))
        {
            return CountAsync(request, progress, cancellationToken);
        }

        var context = request.Mode == ImportMode.Send ? WithSender(request) : _context;
        var isPreview = request.Mode == ImportMode.Preview;
        if (_work is null)
        {
            return new ImportRun(context, request, isPreview, progress).RunAsync(cancellationToken);
        }

        var item = WorkItemOf(request, _context.Time.GetUtcNow());
        return RunNewAsync();

        async Task<BulkInviteReport> RunNewAsync()
        {
            // An id in use is refused before it is claimed: a claim would take over an ended import's work.
            if (request.ImportId is { } given && await _work.GetStateAsync(request.TenantId, given, _context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new InvalidOperationException($"An import with id {given} exists already; a new import needs a new id (resume an interrupted one instead).");
            }

            return await RunUnderLeaseAsync(
                item, takeOver: false, context, (leased, _, leasedProgress, ct) => new ImportRun(leased, request, isPreview, leasedProgress, importId: item.ImportId).RunAsync(ct), progress, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>What the work store keeps of a request: the import (its id, or a new one) and how to run it, without its content.</summary>
    internal static ImportWorkItem WorkItemOf(BulkInviteRequest request, DateTimeOffset queuedAt) => new()
    {
        ImportId = request.ImportId ?? Guid.NewGuid(),
        TenantId = request.TenantId,
        InitiatedBy = request.InitiatedBy,
        FileName = request.FileName,
        Mode = request.Mode,
        ParserName = request.ParserName,
        SenderName = request.SenderName,
        AllowRepeatUpload = request.AllowRepeatUpload,
        ResendPendingInvitations = request.ResendPendingInvitations,
        QueuedAt = queuedAt,
    };

    /// <summary>
    /// Runs an import in the caller's process under a lease of the work store (<see cref="IImportWorkStore.ClaimImportAsync"/>),
    /// renewed while it runs and ended with it, with every write fenced: a process that stops leaves a lease that expires,
    /// which says that the import can be resumed (or is taken over by a background worker), and a run whose lease was taken
    /// over records nothing more.
    /// </summary>
    private async Task<BulkInviteReport> RunUnderLeaseAsync(
        ImportWorkItem item,
        bool takeOver,
        ImportContext context,
        Func<ImportContext, ImportLease, IProgress<BulkInviteProgress>, CancellationToken, Task<BulkInviteReport>> run,
        IProgress<BulkInviteProgress>? progress,
        CancellationToken cancellationToken)
    {
        var work = _work!;
        var lease = await work.ClaimImportAsync(item, _leases.InstanceName, _leases.LeaseDuration, _context.Time.GetUtcNow(), takeOver, cancellationToken).ConfigureAwait(false)
            ?? throw await HeldElsewhereAsync(item.TenantId, item.ImportId, cancellationToken).ConfigureAwait(false);
        var heartbeat = new Background.LeaseHeartbeat(work, lease, _leases.LeaseDuration, _context.Time, _context.Logger);
        (QueuedImportStatus Status, string? Error, ImportErrorCode? Code)? end = null;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, heartbeat.Lost);
            var report = await run(context with { Store = work.WithLease(lease), LeaseLost = heartbeat.Lost }, lease, new BothProgress(progress, heartbeat.Progress), linked.Token).ConfigureAwait(false);
            end = (QueuedImportStatus.Completed, null, null);
            return report;
        }
        catch (OperationCanceledException e) when (heartbeat.IsLost && !cancellationToken.IsCancellationRequested)
        {
            // The lease was lost (taken over, or not renewed in time): the import is left to the claim that holds it.
            throw new ImportLeaseLostException($"Import {item.ImportId} stopped: its lease was lost (another process took it over, or the store did not renew it in time); what was sent is recorded.", e);
        }
        catch (Exception e) when (!heartbeat.IsLost && e is not ImportLeaseLostException)
        {
            // Cancelled by the caller: recorded as such in the report, and the work has ended.
            end = e is OperationCanceledException && cancellationToken.IsCancellationRequested
                ? (QueuedImportStatus.Completed, null, null)
                : Background.ImportWorker.Final(e) ?? (QueuedImportStatus.Failed, e.Message, ImportErrorCode.ImportFailed);
            throw;
        }
        finally
        {
            await heartbeat.DisposeAsync().ConfigureAwait(false);
            if (end is { } ended)
            {
                try
                {
                    await work.CompleteAsync(lease, ended.Status, ended.Error, ended.Code, _context.Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Not recorded: the lease expires, and a resume (or a worker) finds the import as its report says.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Diagnostics.Log.BackgroundWorkStoreFailed(_context.Logger, e, "record the end of an import");
                }
            }
        }
    }

    /// <summary>
    /// Resumes a claimed import from what its entries say. One whose file was never staged to its end and whose upload
    /// is kept (a queued import whose worker stopped while staging) is given back to the workers instead, which stage it
    /// again from its upload: resuming it would send only the part of the file that was read.
    /// </summary>
    private async Task<BulkInviteReport> ResumeLeasedAsync(ImportContext context, ImportLease lease, BulkInviteReport report, IProgress<BulkInviteProgress> progress, CancellationToken cancellationToken)
    {
        if (report.ContentHash is null)
        {
            Stream? upload = null;
            try
            {
                upload = await _work!.OpenUploadAsync(lease, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyNotFoundException)
            {
                // Run by its caller, who kept no upload: what was staged is all there is.
            }

            if (upload is not null)
            {
                await upload.DisposeAsync().ConfigureAwait(false);
                await _work!.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"Import {report.ImportId} was stopped before its file was read to its end; it was given back to the background workers, which stage it again from its kept upload.");
            }
        }

        return await new ImportRun(context, report, progress).ResumeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a claim of an import was refused: who holds it, and until when.</summary>
    private async Task<InvalidOperationException> HeldElsewhereAsync(string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        var state = await _work!.GetStateAsync(tenantId, importId, _context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return state switch
        {
            { Status: QueuedImportStatus.Queued } => new InvalidOperationException(
                $"Import {importId} is queued for the background workers; it runs by itself."),
            { Status: QueuedImportStatus.Running, Parts: > 0, LeaseExpiresAt: null } or { Status: QueuedImportStatus.Running, Parts: > 0, Owner: not null } => new InvalidOperationException(
                $"Import {importId} is still running: its parts are being sent by {state.Owner ?? "the background workers"}; it ends by itself."),
            { Status: QueuedImportStatus.Running } => new InvalidOperationException(
                $"Import {importId} is still running on {state.Owner ?? "another process"} (its lease holds until {state.LeaseExpiresAt:u}); it can be resumed once that process has stopped and its lease has expired, or it is taken over by a background worker."),
            _ => new InvalidOperationException($"Import {importId} is held by another claim, or its id belongs to another tenant."),
        };
    }

    /// <summary>The context with the sender the request names, or the default one; a run that sends needs one.</summary>
    private ImportContext WithSender(BulkInviteRequest request) => WithSender(_context, request.SenderName, nameof(request));

    private ImportContext WithSender(ImportContext context, string? senderName, string parameter)
    {
        if (senderName is { } name)
        {
            var named = (_services as IKeyedServiceProvider)?.GetKeyedService<IInvitationSender>(name)
                ?? throw new ArgumentException($"No invitation sender named '{name}' is registered.", parameter);
            context = context with { Sender = named };
        }

        return context.Sender is null ? throw new InvalidOperationException(NoSenderMessage) : context;
    }

    /// <summary>
    /// Runs a claimed import with every write fenced by its lease: from its upload when its file was never read to the
    /// end (again, when a run that stopped had begun it), else on from what its entries say is still pending. An import
    /// with more pending entries than <paramref name="splitSize"/> is split into parts for every worker to send; a part's
    /// lease sends that part's entries.
    /// </summary>
    /// <returns>Whether the import (or the part) was run to its end here; <see langword="false"/> when it was split.</returns>
    internal async Task<bool> RunLeasedAsync(ImportLease lease, IImportWorkStore work, IProgress<BulkInviteProgress> progress, int splitSize, CancellationToken cancellationToken)
    {
        var item = lease.Item;
        var split = false;
        var context = _context with { Store = work.WithLease(lease), RunBy = lease.Owner, LeaveRunningWhenCancelled = true, Part = lease.Part };
        if (item.Mode == ImportMode.Send)
        {
            context = WithSender(context, item.SenderName, nameof(lease));
            if (lease is { Part: null, Parts: 0 })
            {
                context = context with
                {
                    SplitSize = splitSize,
                    Split = async (parts, ct) =>
                    {
                        if (!await work.SplitAsync(lease, parts, _context.Time.GetUtcNow(), ct).ConfigureAwait(false))
                        {
                            throw new ImportLeaseLostException(lease.ImportId, lease.Fence);
                        }

                        split = true;
                    },
                };
            }
        }

        var recorded = await context.Store.GetImportAsync(item.TenantId, item.ImportId, cancellationToken).ConfigureAwait(false);
        if (recorded is { ContentHash: not null })
        {
            // Staged to its end by an earlier run: what was sent is recorded, and only what is pending is sent.
            // (A refused repeat upload ended with its summary only: there is nothing to continue.)
            if (!(recorded.Status is ImportStatus.Completed or ImportStatus.CompletedWithErrors || (recorded.Status == ImportStatus.Failed && recorded.Counts.Total == 0)))
            {
                await new ImportRun(context, recorded, progress).ResumeAsync(cancellationToken).ConfigureAwait(false);
            }

            return !split;
        }

        if (lease.Part is not null)
        {
            throw new KeyNotFoundException($"Import {item.ImportId} has no staged report to send a part of.");
        }

        var upload = await work.OpenUploadAsync(lease, cancellationToken).ConfigureAwait(false);
        await using (upload.ConfigureAwait(false))
        {
            var request = new BulkInviteRequest
            {
                Content = upload,
                FileName = item.FileName,
                TenantId = item.TenantId,
                InitiatedBy = item.InitiatedBy,
                ImportId = item.ImportId,
                Mode = item.Mode,
                ParserName = item.ParserName,
                SenderName = item.SenderName,
                AllowRepeatUpload = item.AllowRepeatUpload,
                ResendPendingInvitations = item.ResendPendingInvitations,
            };
            await new ImportRun(context, request, item.Mode == ImportMode.Preview, progress, restaging: recorded).RunAsync(cancellationToken).ConfigureAwait(false);
            return !split;
        }
    }

    private async Task<BulkInviteReport> CountAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress, CancellationToken cancellationToken)
    {
        var report = await new SummaryRun(_context, request).RunAsync(cancellationToken).ConfigureAwait(false);

        progress?.Report(new BulkInviteProgress { ImportId = report.ImportId, Stage = ImportStage.Finished, EntriesRead = report.Counts.Total, EntriesToSend = 0, Counts = report.Counts });
        return report;
    }

    public async Task<BulkInviteReport> ResumeAsync(string tenantId, Guid importId, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var report = await _context.Store.GetImportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Tenant has no import {importId}.");
        if (report.IsPreview)
        {
            throw new InvalidOperationException($"Import {importId} is a preview: it sends nothing and cannot be resumed.");
        }

        if (report.Status is ImportStatus.Completed or ImportStatus.CompletedWithErrors or ImportStatus.Failed && !HasWorkLeft(report))
        {
            // Nothing was pending or in flight when it ended: a completed import is given back as it is stored, and a
            // failed one keeps its error (run again, it would be marked completed, and a file not read to its end
            // would pass for a whole one).
            return report.Status != ImportStatus.Failed
                ? report
                : throw new InvalidOperationException(report.ContentHash is null
                    ? $"Import {importId} failed before its file was read to its end ({report.Error ?? "no error recorded"}); import the file again."
                    : $"Import {importId} failed ({report.Error ?? "no error recorded"}) with nothing pending to send: there is nothing to resume.");
        }

        var quietFor = _context.Time.GetUtcNow() - (report.UpdatedAt ?? report.CreatedAt);
        var quiet = report.Status != ImportStatus.Running || quietFor >= _context.Options.ResumeAfterInactivity;
        if (ImportRun.IsActive(importId) || (_work is null && !quiet))
        {
            throw new InvalidOperationException(
                $"Import {importId} is still running (last progress {quietFor.TotalSeconds:F0} s ago); it can be resumed once it has been quiet for {_context.Options.ResumeAfterInactivity} (BulkInvite:ResumeAfterInactivity).");
        }

        var context = _context;
        if (report.SenderName is { } name)
        {
            var named = (_services as IKeyedServiceProvider)?.GetKeyedService<IInvitationSender>(name)
                ?? throw new InvalidOperationException($"Import {importId} was sent with the sender '{name}', which is not registered.");
            context = context with { Sender = named };
        }

        if (context.Sender is null)
        {
            throw new InvalidOperationException(NoSenderMessage);
        }

        if (_work is not null)
        {
            // The lease decides: one that expired says its process has stopped. A live one is taken over only when the
            // report says the import runs and has been quiet for ResumeAfterInactivity (its process hangs; 0, as
            // resume --force sets it, when the caller knows that the process is gone). A live lease on an import whose
            // report says it ended (a worker failed and retries, a resume has just begun) is taken over only then.
            var item = new ImportWorkItem
            {
                ImportId = importId,
                TenantId = tenantId,
                InitiatedBy = report.InitiatedBy,
                FileName = report.FileName,
                Mode = ImportMode.Send,
                SenderName = report.SenderName,
                ResendPendingInvitations = report.ResendPendingInvitations,
                QueuedAt = report.CreatedAt,
            };
            var takeOver = _context.Options.ResumeAfterInactivity == TimeSpan.Zero || (report.Status == ImportStatus.Running && quiet);
            return await RunUnderLeaseAsync(item, takeOver, context, (leased, lease, leasedProgress, ct) => ResumeLeasedAsync(leased, lease, report, leasedProgress, ct), progress, cancellationToken)
                .ConfigureAwait(false);
        }

        return await new ImportRun(context, report, progress).ResumeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether an import that ended has entries a resume would send: pending or in flight.</summary>
    private static bool HasWorkLeft(BulkInviteReport report) => report.Counts.Pending > 0 || report.Counts.Sending > 0;

    private static void ValidateRequest(BulkInviteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is null || !request.Content.CanRead)
        {
            throw new ArgumentException("The request's content must be a readable stream.", nameof(request));
        }

        if (request.FileName is null)
        {
            throw new ArgumentException("The request's file name is required (it may be empty).", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.TenantId))
        {
            throw new ArgumentException("The request's tenant id is required.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.InitiatedBy))
        {
            throw new ArgumentException("The request must say who initiates the import.", nameof(request));
        }

        if (!Enum.IsDefined(request.Mode))
        {
            throw new ArgumentException($"The request's mode {(int)request.Mode} is not an {nameof(ImportMode)}.", nameof(request));
        }
    }

    /// <summary>Reports progress to the caller and to the lease's heartbeat.</summary>
    private sealed class BothProgress(IProgress<BulkInviteProgress>? caller, IProgress<BulkInviteProgress> heartbeat) : IProgress<BulkInviteProgress>
    {
        public void Report(BulkInviteProgress value)
        {
            heartbeat.Report(value);
            caller?.Report(value);
        }
    }
}
