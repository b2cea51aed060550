using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using BulkInvite.Dedupe;
using BulkInvite.Diagnostics;
using BulkInvite.History;

namespace BulkInvite.Pipeline;

/// <summary>
/// One import from start to end: stage the whole file (nothing is sent before every entry is classified), check
/// the staged addresses against the user directory in batches, then send with bounded parallelism, recording
/// every outcome in the history store as it happens.
/// </summary>
internal sealed partial class ImportRun
{
    /// <summary>The imports (and parts of imports) running in this process: none is ever run twice at the same time.</summary>
    private static readonly ConcurrentDictionary<(Guid ImportId, int Part), byte> Active = new();

    private readonly ImportContext _context;
    private readonly BulkInviteRequest? _request;
    private readonly IProgress<BulkInviteProgress>? _progress;
    private readonly bool _isPreview;
    private readonly bool _restage;
    private readonly OutcomeTally _tally = new();
    private readonly long _startTimestamp;
    private BulkInviteReport _report;
    private ImportStage _stage;
    private long _entriesRead;
    private long _checkedEntries;
    private long _checkBatches;
    private long _lastCheckpoint;

    /// <param name="context">The services.</param>
    /// <param name="request">The file and who imports it.</param>
    /// <param name="isPreview">Whether it sends nothing.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="restaging">
    /// The import as recorded by a run that stopped before its file was read to the end: its entries are deleted and the
    /// file staged again (nothing is sent before staging ends, so nothing was).
    /// </param>
    /// <param name="importId">The import's id, when the caller chose it (else the request's, or a new one).</param>
    public ImportRun(ImportContext context, BulkInviteRequest request, bool isPreview, IProgress<BulkInviteProgress>? progress, BulkInviteReport? restaging = null, Guid? importId = null)
    {
        _context = context;
        _request = request;
        _isPreview = isPreview;
        _progress = progress;
        _startTimestamp = context.Time.GetTimestamp();
        _report = new BulkInviteReport
        {
            ImportId = importId ?? request.ImportId ?? Guid.NewGuid(),
            TenantId = request.TenantId,
            FileName = request.FileName,
            InitiatedBy = request.InitiatedBy,
            IsPreview = isPreview,
            Status = ImportStatus.Running,
            CreatedAt = context.Time.GetUtcNow(),
            UpdatedAt = context.Time.GetUtcNow(),
            SenderName = request.SenderName,
            ResendPendingInvitations = request.ResendPendingInvitations,
            RunBy = context.RunBy,
        };
        if (restaging is not null)
        {
            _restage = true;
            _report = _report with { CreatedAt = restaging.CreatedAt };
        }
    }

    /// <summary>Prepares the resumption of an interrupted import.</summary>
    public ImportRun(ImportContext context, BulkInviteReport interrupted, IProgress<BulkInviteProgress>? progress)
    {
        _context = context;
        _progress = progress;
        _isPreview = interrupted.IsPreview;
        _startTimestamp = context.Time.GetTimestamp();
        _report = interrupted with
        {
            RunBy = context.RunBy,
            Status = ImportStatus.Running,
            CompletedAt = null,
            Error = null,
            UpdatedAt = context.Time.GetUtcNow(),
        };
    }

    /// <summary>Whether an import with this id is running in this process.</summary>
    public static bool IsActive(Guid importId) => Active.ContainsKey((importId, 0));

    /// <summary>This run's key in <see cref="Active"/>.</summary>
    private (Guid, int) ActiveKey => (ImportId, _context.Part?.Number ?? 0);

    private Guid ImportId => _report.ImportId;

    private string TenantId => _report.TenantId;

    private BulkInviteOptions Options => _context.Options;

    public Task<BulkInviteReport> RunAsync(CancellationToken cancellationToken) => RunGuardedAsync(resume: false, cancellationToken);

    /// <summary>Resumes the import: the user-directory check and sending of the entries still pending.</summary>
    public Task<BulkInviteReport> ResumeAsync(CancellationToken cancellationToken) => RunGuardedAsync(resume: true, cancellationToken);

    private async Task<BulkInviteReport> RunGuardedAsync(bool resume, CancellationToken cancellationToken)
    {
        if (!Active.TryAdd(ActiveKey, 0))
        {
            throw new InvalidOperationException($"Import {ImportId}{(_context.Part is { } part ? " (part " + part.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" : null)} is running in this process already.");
        }

        try
        {
            return await RunCoreAsync(resume, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Active.TryRemove(ActiveKey, out _);
        }
    }

    private async Task<BulkInviteReport> RunCoreAsync(bool resume, CancellationToken cancellationToken)
    {
        using var activity = Instrumentation.ActivitySource.StartActivity(resume ? "BulkInvite.Resume" : _isPreview ? "BulkInvite.Preview" : "BulkInvite.Import");
        activity?.SetTag("bulkinvite.import_id", ImportId);

        if (resume)
        {
            await CountStoredOutcomesAsync(cancellationToken).ConfigureAwait(false);
            await PrepareResumeAsync(cancellationToken).ConfigureAwait(false);
            await _context.Store.UpdateImportAsync(_report with { Counts = _tally.ToCounts() }, cancellationToken).ConfigureAwait(false);
            Log.ImportResumed(_context.Logger, ImportId, _tally[InviteOutcome.Pending]);
        }
        else if (_restage)
        {
            await _context.Store.DeleteEntriesAsync(TenantId, ImportId, cancellationToken).ConfigureAwait(false);
            await _context.Store.UpdateImportAsync(_report, cancellationToken).ConfigureAwait(false);
            Log.ImportStarted(_context.Logger, ImportId, TenantId, _isPreview);
        }
        else
        {
            await _context.Store.CreateImportAsync(_report, cancellationToken).ConfigureAwait(false);
            Log.ImportStarted(_context.Logger, ImportId, TenantId, _isPreview);
        }

        var staged = resume;
        try
        {
            if (!resume)
            {
                await StageAsync(cancellationToken).ConfigureAwait(false);
                staged = true;
            }

            if (_isPreview)
            {
                await CheckUsersAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (await SplitAsync(cancellationToken).ConfigureAwait(false))
            {
                // Sent in parts by every worker: the run that ends the last part's import records its end.
                return _report;
            }
            else
            {
                // Each page of pending entries is checked against the user directory just before it is sent.
                await SendAsync(cancellationToken).ConfigureAwait(false);
                if (_context.Part is not null)
                {
                    // A part's end is not the import's: its counts are recorded, and the part ends in the work store.
                    await CheckpointAsync(force: true).ConfigureAwait(false);
                    return _report;
                }
            }

            var status = _tally[InviteOutcome.Failed] > 0 || _tally[InviteOutcome.Unknown] > 0 ? ImportStatus.CompletedWithErrors : ImportStatus.Completed;
            var report = await FinishAsync(status, error: null).ConfigureAwait(false);
            if (_isPreview)
            {
                Log.PreviewCompleted(_context.Logger, ImportId, ElapsedMilliseconds(), report.Counts.Pending);
            }
            else
            {
                Log.ImportCompleted(_context.Logger, ImportId, status, ElapsedMilliseconds(), report.Counts.Invited, report.Counts.Failed);
            }

            return report;
        }
        catch (ImportLeaseLostException)
        {
            // Another worker holds the import now: nothing more is recorded here.
            activity?.SetStatus(ActivityStatusCode.Error, "lease lost");
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && (_context.LeaveRunningWhenCancelled || _context.LeaseLost.IsCancellationRequested))
        {
            // Left running for the next claim, which continues from what is recorded (the sends in flight were).
            await TryCheckpointAsync().ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, "stopped");
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var skipped = await SkipPendingAsync(InviteReasonCodes.Cancelled, "The import was cancelled before this entry was sent; resuming the import sends it.").ConfigureAwait(false);
            await FinishAsync(ImportStatus.Cancelled, "The import was cancelled.").ConfigureAwait(false);
            Log.ImportCancelled(_context.Logger, ImportId, skipped);
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception ex) when (_context.Part is not null)
        {
            // A part's failure is not the import's: the part's lease expires, and the next claim of the part continues it.
            Log.ImportFailed(_context.Logger, ex, ImportId);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await TryCheckpointAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            Log.ImportFailed(_context.Logger, ex, ImportId);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (ex is InviteRepeatUploadException)
            {
                // Refused as a repeat of an earlier import (its entries are those of the earlier import).
                await KeepOnlySummaryAsync().ConfigureAwait(false);
            }
            else if (!staged)
            {
                // The file could not be read to its end: nothing will be sent, and what was read is kept as Skipped.
                await SkipPendingAsync(InviteReasonCodes.ImportFailed, "The import failed before this entry was sent: " + ex.Message).ConfigureAwait(false);
            }

            try
            {
                await FinishAsync(ImportStatus.Failed, ex.Message).ConfigureAwait(false);
            }
            catch (Exception finishing) when (finishing is not OperationCanceledException)
            {
                // The store that failed may still be down: the caller gets the first error. The import stays
                // Running in the store, and resuming it applies InFlightAfterCrash to what was in flight.
                Log.RecordingFailed(_context.Logger, finishing, ImportId, 0);
            }

            throw;
        }
    }

    /// <summary>The error for a file of more entries than <see cref="BulkInviteOptions.MaxEntries"/>.</summary>
    internal static InviteLimitExceededException TooManyEntries(long maxEntries) => new(
        nameof(BulkInviteOptions.MaxEntries),
        maxEntries,
        $"The file holds more than {maxEntries:N0} entries, the limit set by {nameof(BulkInviteOptions)}.{nameof(BulkInviteOptions.MaxEntries)}.");

    /// <summary>
    /// Checks every pending entry against the user directory and the ledger, in batches, and records who needs no
    /// invitation (a preview's last stage). An import that sends asks the directory page by page as it sends, and the
    /// ledger decides as each invitation is recorded (<see cref="HeldByLedger"/>).
    /// </summary>
    private async Task CheckUsersAsync(CancellationToken cancellationToken)
    {
        _stage = ImportStage.CheckingUsers;
        var consultLedger = await LedgerHoldsAddressesAsync(_context, TenantId, cancellationToken).ConfigureAwait(false);
        if (_context.ExistenceCheck is null && !consultLedger)
        {
            return;
        }

        var updates = new List<InviteEntryUpdate>();
        await foreach (var entries in PagesAsync(InviteOutcome.Pending, Options.ExistenceCheckBatchSize, cancellationToken).ConfigureAwait(false))
        {
            var decisions = await DecidePageAsync(entries, consultLedger, cancellationToken).ConfigureAwait(false);
            updates.Clear();
            foreach (var update in decisions)
            {
                if (update is { } decided)
                {
                    updates.Add(decided);
                }
            }

            if (updates.Count > 0)
            {
                await _context.Store.UpdateEntriesAsync(TenantId, ImportId, updates.ToArray(), cancellationToken).ConfigureAwait(false);
                foreach (var u in updates)
                {
                    _tally.Move(InviteOutcome.Pending, u.Outcome);
                }
            }

            await CheckpointAsync(force: false).ConfigureAwait(false);
        }

        Instrumentation.CountEntries(InviteOutcome.ExistingUser, _tally[InviteOutcome.ExistingUser]);
        Instrumentation.CountEntries(InviteOutcome.AlreadyInvited, _tally[InviteOutcome.AlreadyInvited]);
        LogExistenceCheck();
        await CheckpointAsync(force: true).ConfigureAwait(false);
    }

    /// <summary>The states in which an invitation holds its address.</summary>
    private static readonly InvitationState[] LiveStates = [InvitationState.Pending, InvitationState.Accepted];

    /// <summary>
    /// Whether the tenant's ledger holds any address (an invitation pending and unexpired, or accepted): when it holds
    /// none, a run that sends nothing need not look each address up.
    /// </summary>
    internal static async Task<bool> LedgerHoldsAddressesAsync(ImportContext context, string tenantId, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        foreach (var state in LiveStates)
        {
            var page = await context.Store.ListInvitationsAsync(tenantId, new InvitationQuery { State = state, Limit = 1 }, now, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the user directory, and the ledger when asked to, make of one page of pending entries: for each entry, in
    /// order, the change that decides it, or <see langword="null"/> when it is to be invited.
    /// </summary>
    private async Task<InviteEntryUpdate?[]> DecidePageAsync(IReadOnlyList<InviteEntryResult> entries, bool consultLedger, CancellationToken cancellationToken)
    {
        var keys = new string[entries.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = EmailAddressNormalizer.Normalize(entries[i].Address, Options.DuplicateComparison);
        }

        var check = _context.ExistenceCheck;
        var statuses = check is null ? null : await CheckKeysAsync(check, keys, cancellationToken).ConfigureAwait(false);
        var holders = consultLedger ? await _context.Store.FindLiveInvitationsAsync(TenantId, keys, _context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false) : null;
        var now = _context.Time.GetUtcNow();
        var decisions = new InviteEntryUpdate?[entries.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            decisions[i] = statuses is null ? null : ExistenceUpdate(entries[i], statuses[i], now);
            if (decisions[i] is null && holders?[i] is { } holder && LedgerOutcome(holder, _report.ResendPendingInvitations) is not null)
            {
                decisions[i] = HeldByLedger(entries[i], holder, now);
            }
        }

        return decisions;
    }

    /// <summary>Asks the user directory about one page of addresses (comparison keys): one status per address, in order.</summary>
    private async Task<IReadOnlyList<UserStatus>> CheckKeysAsync(IUserExistenceCheck check, string[] addresses, CancellationToken cancellationToken)
    {
        var statuses = await check.CheckAsync(new UserExistenceQuery { TenantId = TenantId, Addresses = addresses }, cancellationToken).ConfigureAwait(false);
        if (statuses is null || statuses.Count != addresses.Length)
        {
            throw new InvalidOperationException(
                $"The user-existence check {check.GetType().Name} returned {statuses?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} statuses for {addresses.Length} addresses; it must return one status per address, in order.");
        }

        _checkedEntries += addresses.Length;
        _checkBatches++;
        return statuses;
    }

    /// <summary>What a directory status makes of a pending entry: none when it is to be invited.</summary>
    private InviteEntryUpdate? ExistenceUpdate(InviteEntryResult entry, UserStatus status, DateTimeOffset now) => status switch
    {
        UserStatus.Member => new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.ExistingUser, Reason = InviteReasonCodes.Member, Detail = "The address already has an account.", UpdatedAt = now },
        UserStatus.PendingInvitation when !_report.ResendPendingInvitations =>
            new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.AlreadyInvited, Reason = InviteReasonCodes.PendingInvitation, Detail = "An invitation is pending.", UpdatedAt = now },
        _ => null,
    };

    private void LogExistenceCheck() => Log.ExistenceCheckCompleted(
        _context.Logger, ImportId, _checkedEntries, _checkBatches, _tally[InviteOutcome.ExistingUser], _tally[InviteOutcome.AlreadyInvited]);

    /// <summary>What a refused file leaves: its summary with the reason, no entries, counts of zero. Never cancelled itself.</summary>
    private async Task KeepOnlySummaryAsync()
    {
        await _context.Store.DeleteEntriesAsync(TenantId, ImportId, CancellationToken.None).ConfigureAwait(false);
        _tally.Clear();
    }

    /// <summary>Turns every entry still pending into <see cref="InviteOutcome.Skipped"/>; never cancelled itself.</summary>
    private async Task<long> SkipPendingAsync(string reason, string detail)
    {
        var skipped = await ReviseAsync(
            InviteOutcome.Pending, static _ => true, (e, now) => new InviteEntryUpdate { Sequence = e.Sequence, Outcome = InviteOutcome.Skipped, Reason = reason, Detail = detail, UpdatedAt = now }, CancellationToken.None)
            .ConfigureAwait(false);
        Instrumentation.CountEntries(InviteOutcome.Skipped, skipped);
        return skipped;
    }

    /// <summary>Rewrites every entry of one outcome that matches, page by page; returns how many.</summary>
    private async Task<long> ReviseAsync(
        InviteOutcome outcome, Func<InviteEntryResult, bool> matches, Func<InviteEntryResult, DateTimeOffset, InviteEntryUpdate> revise, CancellationToken cancellationToken)
    {
        long revised = 0;
        await foreach (var page in PagesAsync(outcome, 1000, cancellationToken).ConfigureAwait(false))
        {
            var now = _context.Time.GetUtcNow();
            var updates = page.Where(matches).Select(e => revise(e, now)).ToArray();
            if (updates.Length == 0)
            {
                continue;
            }

            await _context.Store.UpdateEntriesAsync(TenantId, ImportId, updates, cancellationToken).ConfigureAwait(false);
            foreach (var update in updates)
            {
                _tally.Move(outcome, update.Outcome);
            }

            revised += updates.Length;
        }

        return revised;
    }

    /// <summary>The import's entries of one outcome in sequence order, a page at a time (<see cref="EntryReader"/>).</summary>
    /// <remarks>A part's run reads only its own range.</remarks>
    private IAsyncEnumerable<IReadOnlyList<InviteEntryResult>> PagesAsync(InviteOutcome outcome, int pageSize, CancellationToken cancellationToken)
        => EntryReader.PagesAsync(
            _context.Store, TenantId, ImportId, outcome, pageSize, invitationsAsOf: null, _context.Part?.FirstSequence ?? 1, _context.Part?.LastSequence ?? long.MaxValue,
            readAhead: false, cancellationToken);

    /// <summary>
    /// Shares the sending among the background workers when more entries are pending than a part holds: the pending
    /// entries are cut into parts of <see cref="ImportContext.SplitSize"/> in sequence order, and queued, each under a
    /// lease of its own. Returns whether it did (the lease on the import has then ended).
    /// </summary>
    private async Task<bool> SplitAsync(CancellationToken cancellationToken)
    {
        if (_context.Split is not { } split || _context.SplitSize <= 0 || _tally[InviteOutcome.Pending] <= _context.SplitSize)
        {
            return false;
        }

        var parts = new List<ImportWorkPart>();
        long first = 1, counted = 0;
        await foreach (var page in PagesAsync(InviteOutcome.Pending, Math.Min(_context.SplitSize, 10_000), cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page)
            {
                if (++counted == _context.SplitSize)
                {
                    parts.Add(new ImportWorkPart { Number = parts.Count + 1, FirstSequence = first, LastSequence = entry.Sequence });
                    first = entry.Sequence + 1;
                    counted = 0;
                }
            }
        }

        if (counted > 0 || parts.Count == 0)
        {
            parts.Add(new ImportWorkPart { Number = parts.Count + 1, FirstSequence = first, LastSequence = long.MaxValue });
        }
        else
        {
            parts[^1] = new ImportWorkPart { Number = parts.Count, FirstSequence = parts[^1].FirstSequence, LastSequence = long.MaxValue };
        }

        if (parts.Count < 2)
        {
            return false;
        }

        // The counts as they stand at the split; the parts' runs record them from then on.
        _stage = ImportStage.Sending;
        await CheckpointAsync(force: true).ConfigureAwait(false);
        await split(parts, cancellationToken).ConfigureAwait(false);

        Log.BackgroundImportSplit(_context.Logger, ImportId, parts.Count, _tally[InviteOutcome.Pending]);
        return true;
    }

    /// <summary>
    /// Refuses a file whose content this tenant imported within <see cref="BulkInviteOptions.RepeatUploadWindow"/>,
    /// unless the request allows it; previews are never refused and never count.
    /// </summary>
    private async Task CheckRepeatUploadAsync(BulkInviteRequest request, CancellationToken cancellationToken)
    {
        var window = Options.RepeatUploadWindow;
        if (_isPreview || request.AllowRepeatUpload || window <= TimeSpan.Zero)
        {
            return;
        }

        var earlier = await _context.Store.ListImportsAsync(
            TenantId,
            new ImportQuery { ContentHash = _report.ContentHash, From = _report.CreatedAt - window, Limit = 2 },
            cancellationToken).ConfigureAwait(false);
        if (earlier.Items.FirstOrDefault(r => r.ImportId != ImportId) is { } previous)
        {
            throw new InviteRepeatUploadException(
                $"The same file was imported at {previous.CreatedAt:u} (import {previous.ImportId}); nothing was sent. Import it again on purpose with AllowRepeatUpload.",
                previous.ImportId,
                previous.CreatedAt);
        }
    }

    /// <summary>
    /// The whole import's number of entries, for a part's run: its stored counts add up to it. The import was split
    /// once staged to its end, with its counts exact (one run held it), and every part's run since stores counts with
    /// the same total. <see langword="null"/> for a run of the whole import, whose last summary may predate an
    /// interruption.
    /// </summary>
    private long? PartTotal => _context.Part is not null && _report.Counts.Total > 0 ? _report.Counts.Total : null;

    /// <summary>Counts the stored outcomes of a resumed import (its last summary may predate the interruption).</summary>
    private async Task CountStoredOutcomesAsync(CancellationToken cancellationToken)
    {
        await CountStoredAsync(_tally, PartTotal, cancellationToken).ConfigureAwait(false);
        _entriesRead = _tally.Total;
    }

    /// <summary>
    /// Adds the stored count of each outcome of the whole import to <paramref name="tally"/>. Given the import's
    /// <paramref name="total"/> (its entries staged to the end, which from then on only change outcome), the pending
    /// entries are what the other outcomes leave of it: a durable store counts the others in an index, and would read
    /// every pending entry to count those.
    /// </summary>
    private async Task CountStoredAsync(OutcomeTally tally, long? total, CancellationToken cancellationToken)
    {
        var counted = 0L;
        foreach (var outcome in Enum.GetValues<InviteOutcome>())
        {
            if (outcome == InviteOutcome.Pending && total is not null)
            {
                continue;
            }

            var page = await _context.Store.ListEntriesAsync(
                TenantId, ImportId, new EntryQuery { Outcome = outcome, Limit = 1 }, cancellationToken).ConfigureAwait(false);
            var count = Math.Max(page.TotalCount, 0);
            tally.Add(outcome, count);
            counted += count;
        }

        if (total is { } all)
        {
            // The counts are read one after another while other parts move entries on; never below none pending.
            tally.Add(InviteOutcome.Pending, Math.Max(all - counted, 0));
        }
    }

    private async Task<BulkInviteReport> FinishAsync(ImportStatus status, string? error)
    {
        _stage = ImportStage.Finished;
        _report = _report with
        {
            Status = status,
            Counts = _tally.ToCounts(),
            CompletedAt = _context.Time.GetUtcNow(),
            UpdatedAt = _context.Time.GetUtcNow(),
            Error = error,
        };
        await _context.Store.UpdateImportAsync(_report, CancellationToken.None).ConfigureAwait(false);
        ReportProgress();
        Instrumentation.Imports.Add(1, new KeyValuePair<string, object?>("status", status.ToString()), new KeyValuePair<string, object?>("preview", _isPreview));
        Instrumentation.ImportDuration.Record(_context.Time.GetElapsedTime(_startTimestamp).TotalSeconds);
        return _report;
    }

    /// <summary>
    /// Reports progress and stores the running counts, at most once per <see cref="BulkInviteOptions.ProgressInterval"/>
    /// unless forced. A part's run knows only its own part's moves, so it stores the import's counts as the store counts
    /// them, at most once per <see cref="PartCheckpointInterval"/>.
    /// </summary>
    private async ValueTask CheckpointAsync(bool force)
    {
        var now = _context.Time.GetTimestamp();
        var interval = _context.Part is null ? Options.ProgressInterval : TimeSpan.FromTicks(Math.Max(Options.ProgressInterval.Ticks, PartCheckpointInterval.Ticks));
        if (!force && _context.Time.GetElapsedTime(_lastCheckpoint, now) < interval)
        {
            return;
        }

        _lastCheckpoint = now;
        var counts = _tally.ToCounts();
        if (_context.Part is not null)
        {
            var stored = new OutcomeTally();
            await CountStoredAsync(stored, PartTotal, CancellationToken.None).ConfigureAwait(false);
            counts = stored.ToCounts();
        }

        _report = _report with { Counts = counts, UpdatedAt = _context.Time.GetUtcNow() };
        await _context.Store.UpdateImportAsync(_report, CancellationToken.None).ConfigureAwait(false);
        ReportProgress();
    }

    /// <summary>Stores the running counts of an import left running; a store that refuses (the lease is lost, it is down) changes nothing.</summary>
    private async Task TryCheckpointAsync()
    {
        try
        {
            await CheckpointAsync(force: true).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The counts are recounted from the entries by the run that continues the import.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.RecordingFailed(_context.Logger, e, ImportId, 0);
        }
    }

    /// <summary>The shortest time between two checkpoints of a part's run, each of which counts the whole import.</summary>
    private static readonly TimeSpan PartCheckpointInterval = TimeSpan.FromSeconds(1);

    private void ReportProgress()
        => _progress?.Report(new BulkInviteProgress { ImportId = ImportId, Stage = _stage, EntriesRead = _entriesRead, EntriesToSend = _tally[InviteOutcome.Pending], Counts = _tally.ToCounts() });

    private long ElapsedMilliseconds() => (long)_context.Time.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    private static void Rethrow(Exception exception) => ExceptionDispatchInfo.Capture(exception).Throw();
}
