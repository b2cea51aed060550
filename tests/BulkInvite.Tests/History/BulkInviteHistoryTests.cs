using BulkInvite.History;
using BulkInvite.Tests.Support;
using static BulkInvite.Tests.Export.ExportHarness;

namespace BulkInvite.Tests.History;

/// <summary>The read surface: reports, pages, the streaming entry read and the status of an import.</summary>
[TestFixture]
public sealed class BulkInviteHistoryTests
{
    private const int Page = EntryReader.DefaultPageSize;
    private const int PagesAndAHalf = (2 * Page) + (Page / 2);

    [Test]
    public async Task The_streaming_read_returns_every_entry_once_in_sequence_order_across_many_pages()
    {
        const int Count = (4 * Page) + 321;
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        // Stored out of order, in batches: the read is in sequence order whatever the order of storing.
        var entries = Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com", Outcome(i))).Reverse();
        var report = await StoreImportAsync(harness, entries);
        store.Queries.Clear();

        var read = new List<InviteEntryResult>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
        {
            read.Add(entry);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, Count).Select(i => (long)i)));
            Assert.That(read.Select(e => e.Address), Is.EqualTo(Enumerable.Range(1, Count).Select(i => $"user{i}@example.com")));
            // Keyset pages of the default size, each asked for once (two at a time, so in either order); the page after
            // the last one was guessed from the dense pages before it and may have been asked for too (it is empty).
            Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Take(5), Is.EqualTo(new long[] { 0, Page, 2 * Page, 3 * Page, 4 * Page }));
            Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Skip(5), Is.Empty.Or.EqualTo(new long[] { 5 * Page }));
            Assert.That(store.Queries, Has.All.Matches<EntryQuery>(q => !q.IncludeTotalCount && q.Outcome is null));
        }
    }

    [Test]
    public async Task The_streaming_read_filtered_by_outcome_returns_only_that_outcome_in_sequence_order()
    {
        const int Count = 3 * Page;
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com", Outcome(i))));
        store.Queries.Clear();

        var failed = new List<long>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId, InviteOutcome.Failed))
        {
            failed.Add(entry.Sequence);
        }

        var expected = Enumerable.Range(1, Count).Where(i => Outcome(i) == InviteOutcome.Failed).Select(i => (long)i).ToArray();
        Assert.That(failed, Is.EqualTo(expected));
        Assert.That(store.Queries, Has.All.Matches<EntryQuery>(q => q.Outcome == InviteOutcome.Failed && !q.IncludeTotalCount));
        Assert.That(store.Queries, Has.Count.EqualTo(1), "a page of failures: one full page, after which the store says no more follow");
    }

    [Test]
    public async Task The_streaming_read_of_an_unknown_or_another_tenants_import_is_empty()
    {
        await using var harness = new PipelineHarness();
        var theirs = await StoreImportAsync(harness, [Entry(1, "secret@example.com")], tenant: "tenant-b");

        Assert.That(await CountAsync(harness.History.ReadEntriesAsync(PipelineHarness.Tenant, theirs.ImportId)), Is.Zero);
        Assert.That(await CountAsync(harness.History.ReadEntriesAsync(PipelineHarness.Tenant, Guid.NewGuid())), Is.Zero);
        Assert.That(await CountAsync(harness.History.ReadEntriesAsync("tenant-b", theirs.ImportId)), Is.EqualTo(1));
    }

    [Test]
    public async Task The_streaming_read_stops_when_cancelled()
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, Enumerable.Range(1, PagesAndAHalf).Select(i => Entry(i, $"user{i}@example.com")));
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        Assert.That(
            async () =>
            {
                await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId).WithCancellation(cancellation.Token))
                {
                    if (++read == 10)
                    {
                        await cancellation.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(read, Is.EqualTo(10), "no entry after the cancellation");
    }

    [Test]
    public async Task The_streaming_read_asks_for_the_next_page_while_the_caller_still_takes_the_one_before()
    {
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, PagesAndAHalf).Select(i => Entry(i, $"user{i}@example.com")));
        store.Queries.Clear();
        var secondPageAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforePage = (query, _) =>
        {
            if (query.AfterSequence == Page)
            {
                secondPageAsked.TrySetResult();
            }

            return Task.CompletedTask;
        };

        var read = new List<long>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
        {
            if (read.Count == 0)
            {
                // The caller holds the first entry of the first page: the second page is read meanwhile.
                Assert.That(async () => await secondPageAsked.Task.WaitAsync(TimeSpan.FromSeconds(30)), Throws.Nothing);
            }

            read.Add(entry.Sequence);
        }

        Assert.That(read, Is.EqualTo(Enumerable.Range(1, PagesAndAHalf).Select(i => (long)i)));
        Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Take(3), Is.EqualTo(new long[] { 0, Page, 2 * Page }), "each page asked for once");
        Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Skip(3), Is.Empty.Or.EqualTo(new long[] { 3 * Page }), "at most one page guessed past the end");
    }

    [Test]
    public async Task While_the_pages_are_dense_the_two_pages_after_the_one_the_caller_holds_are_read_at_once()
    {
        const int Count = 4 * Page;
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com")));
        store.Queries.Clear();
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = 0;
        store.BeforePage = async (query, cancellationToken) =>
        {
            if (query.AfterSequence is Page or 2 * Page)
            {
                // Neither read ends before the other has begun: they run at the same time.
                if (Interlocked.Increment(ref reading) == 2)
                {
                    bothAsked.TrySetResult();
                }

                await bothAsked.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
        };

        var read = new List<long>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
        {
            read.Add(entry.Sequence);
        }

        Assert.That(bothAsked.Task.IsCompletedSuccessfully, Is.True, "the second and third pages were read at the same time");
        Assert.That(read, Is.EqualTo(Enumerable.Range(1, Count).Select(i => (long)i)));
    }

    [Test]
    public async Task A_page_guessed_from_dense_pages_that_began_elsewhere_is_read_again_and_every_entry_comes_once_in_order()
    {
        // Sequence numbers with gaps after the first page: the page guessed to follow the second one does not.
        var sequences = Enumerable.Range(1, Page).Concat(Enumerable.Range(Page + 100, Page)).Concat(Enumerable.Range((3 * Page) + 7, Page + 11)).Select(i => (long)i).ToArray();
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, sequences.Select(i => Entry(i, $"user{i}@example.com")));
        store.Queries.Clear();

        var read = new List<long>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
        {
            read.Add(entry.Sequence);
        }

        Assert.That(read, Is.EqualTo(sequences));
        Assert.That(store.Queries.Select(q => q.AfterSequence), Does.Contain((long)(2 * Page) + 99), "the page after the second read again from where the second ended");
    }

    [Test]
    public async Task A_store_whose_pages_are_shorter_than_asked_is_read_ahead_from_the_length_of_its_pages()
    {
        const int Count = (7 * 1000) + 5;
        var store = new PageRecordingStore { LongestPage = 1000 };
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com")));
        store.Queries.Clear();

        var read = new List<long>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
        {
            read.Add(entry.Sequence);
        }

        Assert.That(read, Is.EqualTo(Enumerable.Range(1, Count).Select(i => (long)i)));
        // Each page of 1,000 asked for once, where it begins (no guess dropped), and at most one past the end.
        Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Take(8), Is.EqualTo(Enumerable.Range(0, 8).Select(i => i * 1000L)));
        Assert.That(store.Queries.Select(q => q.AfterSequence).Order().Skip(8), Is.Empty.Or.EqualTo(new long[] { 8000 }));
    }

    [Test]
    public async Task Pages_of_one_outcome_that_are_not_dense_are_read_one_ahead_without_guesses()
    {
        const int Count = 3 * Page;
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com", i % 2 == 0 ? InviteOutcome.Failed : InviteOutcome.Invited)));
        store.Queries.Clear();

        var failed = 0;
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId, InviteOutcome.Failed))
        {
            failed++;
        }

        Assert.That(failed, Is.EqualTo(Count / 2));
        Assert.That(store.Queries.Select(q => q.AfterSequence), Is.EqualTo(new long[] { 0, 2 * Page }), "each page after the last failure of the one before, and no other");
    }

    [Test]
    public async Task A_streaming_read_left_early_waits_for_the_page_read_ahead_and_does_not_throw_its_failure()
    {
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, PagesAndAHalf).Select(i => Entry(i, $"user{i}@example.com")));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aheadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforePage = async (query, _) =>
        {
            if (query.AfterSequence == Page)
            {
                aheadStarted.TrySetResult();
                await release.Task;
                throw new InvalidOperationException("the store failed the page read ahead");
            }
        };

        var entries = harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId).GetAsyncEnumerator();
        Assert.That(await entries.MoveNextAsync(), Is.True);
        Assert.That(entries.Current.Sequence, Is.EqualTo(1));
        await aheadStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var leaving = entries.DisposeAsync().AsTask();
        await Task.Delay(200);
        Assert.That(leaving.IsCompleted, Is.False, "the read ahead is still running in the store");

        release.SetResult();
        Assert.That(async () => await leaving.WaitAsync(TimeSpan.FromSeconds(30)), Throws.Nothing);
    }

    [Test]
    public async Task A_streaming_read_left_early_cancels_the_page_read_ahead()
    {
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, PagesAndAHalf).Select(i => Entry(i, $"user{i}@example.com")));
        var aheadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aheadCancelled = false;
        store.BeforePage = async (query, cancellationToken) =>
        {
            if (query.AfterSequence == Page)
            {
                aheadStarted.TrySetResult();
                try
                {
                    // A store that would take for ever: only the cancellation ends it.
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    aheadCancelled = true;
                    throw;
                }
            }
        };

        var entries = harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId).GetAsyncEnumerator();
        Assert.That(await entries.MoveNextAsync(), Is.True);
        await aheadStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(async () => await entries.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)), Throws.Nothing);
        Assert.That(aheadCancelled, Is.True);
    }

    [Test]
    public async Task A_page_read_ahead_that_fails_fails_the_read_when_the_caller_reaches_it()
    {
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, PagesAndAHalf).Select(i => Entry(i, $"user{i}@example.com")));
        store.BeforePage = (query, _) => query.AfterSequence == Page ? Task.FromException(new InvalidOperationException("page failed")) : Task.CompletedTask;
        var read = 0;

        Assert.That(
            async () =>
            {
                await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, report.ImportId))
                {
                    read++;
                }
            },
            Throws.InvalidOperationException.With.Message.EqualTo("page failed"));
        Assert.That(read, Is.EqualTo(Page), "the first page whole, then the failure of the second");
    }

    [Test]
    public async Task Every_read_validates_its_arguments()
    {
        await using var harness = new PipelineHarness();
        var history = harness.History;
        var id = Guid.NewGuid();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => history.GetReportAsync(null!, id), Throws.ArgumentNullException);
            Assert.That(() => history.GetReportAsync(" ", id), Throws.ArgumentException);
            Assert.That(() => history.GetStatusAsync(null!, id), Throws.ArgumentNullException);
            Assert.That(() => history.GetStatusAsync("", id), Throws.ArgumentException);
            Assert.That(() => history.GetHistoryAsync(null!, new ImportQuery()), Throws.ArgumentNullException);
            Assert.That(() => history.GetHistoryAsync("t", null!), Throws.ArgumentNullException);
            Assert.That(() => history.GetHistoryAsync("t", new ImportQuery { Offset = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => history.GetHistoryAsync("t", new ImportQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => history.GetEntriesAsync(" ", id, new EntryQuery()), Throws.ArgumentException);
            Assert.That(() => history.GetEntriesAsync("t", id, null!), Throws.ArgumentNullException);
            Assert.That(() => history.GetEntriesAsync("t", id, new EntryQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => history.GetEntriesAsync("t", id, new EntryQuery { AfterSequence = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => history.GetEntriesAsync("t", id, new EntryQuery { LastSequence = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("query"));
            // The stream checks its arguments when it is asked for, before anything is read.
            Assert.That(() => history.ReadEntriesAsync(null!, id), Throws.ArgumentNullException);
            Assert.That(() => history.ReadEntriesAsync(" ", id), Throws.ArgumentException);
            Assert.That(() => history.ReadEntriesAsync("t", id, (InviteOutcome)99), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public async Task The_status_of_an_import_run_in_the_calling_process_comes_from_its_report()
    {
        await using var harness = new PipelineHarness();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nbroken\n"));

        var status = await harness.History.GetStatusAsync(PipelineHarness.Tenant, report.ImportId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended), "no queue: the stored report says it has ended");
            Assert.That(status.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(status.Counts, Is.EqualTo(report.Counts));
            Assert.That(status.EntriesRead, Is.EqualTo(2));
            Assert.That(status.HasReport, Is.True);
            Assert.That(status.ErrorCode, Is.Null);
            Assert.That(await harness.History.GetStatusAsync("tenant-b", report.ImportId), Is.Null);
        }
    }

    [Test]
    public void Queued_state_without_a_report_reads_as_queued()
    {
        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Queued), report: null, Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Queued));
        Assert.That(status.Status, Is.Null);
        Assert.That(status.HasReport, Is.False);
        Assert.That(status.IsFinished, Is.False);
    }

    [Test]
    public void A_running_import_shows_the_queues_fresher_progress()
    {
        var progress = new BulkInviteProgress { ImportId = Id, Stage = ImportStage.Sending, EntriesRead = 10, EntriesToSend = 8, Counts = new OutcomeCounts { Invited = 3, Pending = 5, Invalid = 2 } };

        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Running, progress), Report(ImportStatus.Running, new OutcomeCounts { Pending = 8, Invalid = 2 }), Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Running));
        Assert.That(status.Stage, Is.EqualTo(ImportStage.Sending));
        Assert.That(status.Counts.Invited, Is.EqualTo(3));
        Assert.That(status.EntriesRead, Is.EqualTo(10));
        Assert.That(status.HasReport, Is.True);
    }

    [Test]
    public void An_import_given_back_by_a_stopping_worker_reads_as_queued_until_it_is_claimed_again()
    {
        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Queued), Report(ImportStatus.Running, new OutcomeCounts { Pending = 4 }), Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Queued));
    }

    [Test]
    public void A_report_that_has_ended_while_the_worker_still_holds_the_job_is_not_finished_yet()
    {
        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Running), Report(ImportStatus.Completed, new OutcomeCounts { Invited = 1 }), Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Running));
        Assert.That(status.Status, Is.Null);
        Assert.That(status.IsFinished, Is.False);
    }

    [Test]
    public void An_ended_import_has_the_reports_status_error_and_the_queues_code()
    {
        var failed = Report(ImportStatus.Failed, new OutcomeCounts { Skipped = 4 }) with { Error = "The mail server is down." };

        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Failed, error: "The mail server is down.", code: ImportErrorCode.AttemptsExhausted), failed, Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended));
        Assert.That(status.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(status.Error, Is.EqualTo("The mail server is down."));
        Assert.That(status.ErrorCode, Is.EqualTo(ImportErrorCode.AttemptsExhausted));
        Assert.That(status.Counts.Skipped, Is.EqualTo(4));
        Assert.That(status.HasReport, Is.True);
    }

    [Test]
    public void A_worker_failure_the_store_could_not_record_reads_as_failed_with_the_stored_counts()
    {
        var status = ImportStatusReader.Merge(
            State(QueuedImportStatus.Failed, error: "database is locked", code: ImportErrorCode.ImportFailed),
            Report(ImportStatus.Running, new OutcomeCounts { Pending = 7 }), Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended));
        Assert.That(status.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(status.Error, Is.EqualTo("database is locked"));
        Assert.That(status.Counts.Pending, Is.EqualTo(7));
        Assert.That(status.HasReport, Is.True);
    }

    [Test]
    public void A_failure_before_the_import_was_recorded_has_no_report()
    {
        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Failed, error: "No invitation sender named 'x'.", code: ImportErrorCode.ImportFailed), report: null, Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended));
        Assert.That(status.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(status.ErrorCode, Is.EqualTo(ImportErrorCode.ImportFailed));
        Assert.That(status.HasReport, Is.False);
        Assert.That(status.Counts.Total, Is.Zero);
    }

    [Test]
    public void A_running_import_names_its_instance_while_the_lease_is_live_and_none_once_it_has_expired()
    {
        var live = ImportStatusReader.Merge(State(QueuedImportStatus.Running, owner: "web-2", leaseExpiresAt: Now.AddSeconds(10), attempts: 2), Report(ImportStatus.Running, new OutcomeCounts { Pending = 3 }), Now);
        var expired = ImportStatusReader.Merge(State(QueuedImportStatus.Running, owner: "web-2", leaseExpiresAt: Now.AddSeconds(-1), attempts: 2), Report(ImportStatus.Running, new OutcomeCounts { Pending = 3 }), Now);

        Assert.That(live!.RunningOn, Is.EqualTo("web-2"));
        Assert.That(live.Attempts, Is.EqualTo(2));
        Assert.That(expired!.RunningOn, Is.Null);
        Assert.That(expired.Phase, Is.EqualTo(ImportPhase.Running), "an expired lease is taken over, not ended");
    }

    [Test]
    public void A_report_failed_by_a_worker_whose_import_will_be_claimed_again_is_still_running()
    {
        var status = ImportStatusReader.Merge(
            State(QueuedImportStatus.Running, owner: "web-1", leaseExpiresAt: Now.AddSeconds(-5), attempts: 1),
            Report(ImportStatus.Failed, new OutcomeCounts { Pending = 7, Invited = 3 }) with { Error = "The mail server is down." },
            Now);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Running));
        Assert.That(status.Status, Is.Null);
        Assert.That(status.Error, Is.Null);
    }

    [Test]
    public void The_recorded_counts_win_over_older_progress()
    {
        var progress = new BulkInviteProgress { ImportId = Id, Stage = ImportStage.Sending, EntriesRead = 10, Counts = new OutcomeCounts { Invited = 1, Pending = 9 } };

        var status = ImportStatusReader.Merge(State(QueuedImportStatus.Running, progress), Report(ImportStatus.Running, new OutcomeCounts { Invited = 6, Pending = 4 }), Now);

        Assert.That(status!.Counts.Invited, Is.EqualTo(6));
        Assert.That(status.Stage, Is.EqualTo(ImportStage.Sending));
    }

    [Test]
    public void An_import_neither_queued_nor_stored_is_unknown()
        => Assert.That(ImportStatusReader.Merge(state: null, report: null, Now), Is.Null);

    private static readonly Guid Id = Guid.NewGuid();

    private static InviteOutcome Outcome(int i) => (i % 3) switch
    {
        0 => InviteOutcome.Failed,
        1 => InviteOutcome.Invited,
        _ => InviteOutcome.Invalid,
    };

    private static DateTimeOffset Now => At.AddMinutes(1);

    private static QueuedImportState State(
        QueuedImportStatus status, BulkInviteProgress? progress = null, string? error = null, ImportErrorCode? code = null, string? owner = null, DateTimeOffset? leaseExpiresAt = null, int attempts = 0) => new()
    {
        Owner = owner,
        LeaseExpiresAt = leaseExpiresAt,
        Attempts = attempts,
        ImportId = Id,
        TenantId = PipelineHarness.Tenant,
        FileName = "invitees.txt",
        Status = status,
        Progress = progress,
        Error = error,
        ErrorCode = code,
    };

    private static BulkInviteReport Report(ImportStatus status, OutcomeCounts counts) => new()
    {
        ImportId = Id,
        TenantId = PipelineHarness.Tenant,
        FileName = "invitees.txt",
        InitiatedBy = "admin",
        CreatedAt = At,
        Status = status,
        Counts = counts,
    };

    private static async Task<int> CountAsync(IAsyncEnumerable<InviteEntryResult> entries)
    {
        var count = 0;
        await foreach (var unused in entries)
        {
            count++;
        }

        return count;
    }
}
