using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

/// <summary>
/// Sending fenced by what is recorded: a store that stalls or fails holds sending back, what was in flight when an
/// import stopped is marked, and resuming it sends every address once, with at most MaxParallelSends sent twice.
/// </summary>
[TestFixture]
public sealed class ExactlyOnceTests
{
    private const int Parallel = 4;

    private static string Lines(int count) => string.Join('\n', Enumerable.Range(1, count).Select(i => $"user{i}@example.com"));

    /// <summary>Counts what the store has durably recorded as sent, and can stall or fail its entry writes on demand.</summary>
    private sealed class WatchedStore : DelegatingHistoryStore
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private long _recordedSent;

        /// <summary>Messages recorded Invited or Failed.</summary>
        public long RecordedSent => Interlocked.Read(ref _recordedSent);

        /// <summary>Entry writes fail while this is set.</summary>
        public volatile bool Failing;

        /// <summary>After this many sends are recorded, the next entry write stalls until <see cref="Release"/>.</summary>
        public long StallAfter { get; set; } = long.MaxValue;

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public override Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
            => WatchAsync(updates, () => Inner.UpdateEntriesAsync(tenantId, importId, updates, cancellationToken));

        /// <summary>The Sending marks come with the invitations they fence, in one write: watched as every entry write is.</summary>
        public override async Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
            string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<InvitationSendStatus> statuses = [];
            await WatchAsync(entryUpdates, async () => statuses = await Inner.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, cancellationToken));
            return statuses;
        }

        private async Task WatchAsync(IReadOnlyList<InviteEntryUpdate> updates, Func<Task> write)
        {
            await _gate.WaitAsync(CancellationToken.None);
            try
            {
                if (RecordedSent >= StallAfter)
                {
                    Stalled.TrySetResult();
                    await _release.Task;
                }

                if (Failing)
                {
                    throw new IOException("The history store is unavailable.");
                }

                await write();
                Interlocked.Add(ref _recordedSent, updates.Count(u => u.Outcome is InviteOutcome.Invited or InviteOutcome.Failed));
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private static (PipelineHarness Harness, WatchedStore Store, Func<long> MaxUnrecorded) Watched(Action<BulkInviteOptions>? configure = null)
    {
        var store = new WatchedStore();
        var harness = new PipelineHarness(o =>
        {
            o.MaxParallelSends = Parallel;
            configure?.Invoke(o);
        }, store: store);
        long maxUnrecorded = 0;
        long sent = 0;
        harness.Sender.Behavior = async (_, _) =>
        {
            // Sent, not yet recorded: this message and every earlier one the store has not recorded.
            var unrecorded = Interlocked.Increment(ref sent) - store.RecordedSent;
            long seen;
            while (unrecorded > (seen = Interlocked.Read(ref maxUnrecorded)) && Interlocked.CompareExchange(ref maxUnrecorded, unrecorded, seen) != seen)
            {
            }

            await Task.Yield();
            return InvitationSendResult.Success();
        };
        return (harness, store, () => Interlocked.Read(ref maxUnrecorded));
    }

    /// <summary>
    /// Imports the lines until the store stalls after <paramref name="stallAfter"/> recorded sends, lets the senders in
    /// flight finish, then makes the store fail for good: the import fails with the store's error.
    /// </summary>
    private static async Task<BulkInviteReport> ImportUntilTheStoreGoesDownAsync(PipelineHarness harness, WatchedStore store, int lines, long stallAfter)
    {
        store.StallAfter = stallAfter;
        var import = harness.Service.ImportAsync(PipelineHarness.Request(Lines(lines)));
        await store.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);
        store.Failing = true;
        store.Release();
        Assert.That(async () => await import, Throws.InstanceOf<IOException>());
        return (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
    }

    [Test]
    public async Task A_store_that_stalls_stalls_sending_with_at_most_MaxParallelSends_unrecorded()
    {
        var (harness, store, maxUnrecorded) = Watched();
        await using var _ = harness;
        store.StallAfter = 100;

        var import = harness.Service.ImportAsync(PipelineHarness.Request(Lines(2_000)));
        await store.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        var sentDuringStall = harness.Sender.Sent.Count;
        await Task.Delay(300);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(sentDuringStall), "nothing is sent while the store stalls");
            Assert.That(sentDuringStall - store.RecordedSent, Is.InRange(0, Parallel));
        }

        store.Release();
        var report = await import;

        var entries = await harness.EntriesAsync(report);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(report.Counts.Invited, Is.EqualTo(2_000));
            Assert.That(harness.Sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(2_000));
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(2_000), "each address once");
            Assert.That(maxUnrecorded(), Is.InRange(1, Parallel));
            Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Sending), Is.Zero);
        }
    }

    [Test]
    public async Task An_entry_is_recorded_as_Sending_before_the_sender_gets_it_with_its_message_key()
    {
        var store = new WatchedStore();
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = Parallel, store: store);
        var seen = new List<(InviteOutcome Outcome, string? Key, string Expected)>();
        harness.Sender.Behavior = async (invitation, _) =>
        {
            var page = await store.ListEntriesAsync(invitation.TenantId, invitation.ImportId, new EntryQuery { AfterSequence = invitation.Sequence - 1, Limit = 1 });
            lock (seen)
            {
                seen.Add((page.Items[0].Outcome, invitation.MessageKey, $"{invitation.ImportId:N}.{invitation.Sequence}"));
            }

            return InvitationSendResult.Success();
        };

        await harness.Service.ImportAsync(PipelineHarness.Request(Lines(50)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen, Has.Count.EqualTo(50));
            Assert.That(seen.Select(s => s.Outcome), Is.All.EqualTo(InviteOutcome.Sending));
            Assert.That(seen.Select(s => s.Key), Is.EqualTo(seen.Select(s => s.Expected)));
        }
    }

    [Test]
    public async Task A_store_that_stays_down_fails_the_import_and_resume_sends_each_address_once_beyond_the_window()
    {
        var (harness, store, maxUnrecorded) = Watched();
        await using var _ = harness;
        var report = await ImportUntilTheStoreGoesDownAsync(harness, store, lines: 1_000, stallAfter: 300);
        var entries = await harness.EntriesAsync(report);
        var sentBefore = harness.Sender.Sent.Count;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(sentBefore, Is.LessThan(1_000), "sending stopped with the store");
            Assert.That(sentBefore - store.RecordedSent, Is.InRange(0, Parallel));
            Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Sending), Is.InRange(0, Parallel));
            Assert.That(maxUnrecorded(), Is.LessThanOrEqualTo(Parallel));
        }

        store.Failing = false;
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var resumed = await harness.Service.ResumeAsync(PipelineHarness.Tenant, report.ImportId);

        var perAddress = harness.Sender.Sent.GroupBy(i => i.Address).ToDictionary(g => g.Key, g => g.Count());
        var after = await harness.EntriesAsync(resumed);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(resumed.Counts.Invited, Is.EqualTo(1_000));
            Assert.That(perAddress, Has.Count.EqualTo(1_000), "nobody is lost");
            Assert.That(perAddress.Values.Count(n => n > 1), Is.InRange(0, Parallel), "at most MaxParallelSends twice");
            Assert.That(perAddress.Values.Max(), Is.LessThanOrEqualTo(2));
            Assert.That(
                after.Where(e => perAddress[e.Address] == 2).Select(e => e.Reason),
                Is.All.EqualTo("InFlightAfterCrash"),
                "an address sent twice was in flight when the store went down");
        }
    }

    [Test]
    public async Task In_flight_entries_are_marked_Unknown_on_resume_when_the_policy_says_so()
    {
        var (harness, store, _) = Watched(o => o.InFlightAfterCrash = InFlightAfterCrash.MarkUnknown);
        await using var h = harness;
        var report = await ImportUntilTheStoreGoesDownAsync(harness, store, lines: 200, stallAfter: 40);
        var inFlight = (await harness.EntriesAsync(report, InviteOutcome.Sending)).Select(e => e.Address).ToList();
        Assert.That(inFlight, Has.Count.InRange(1, Parallel), "the senders' last messages were sent but not recorded");

        store.Failing = false;
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var sentBefore = harness.Sender.Sent.Select(i => i.Address).ToHashSet();
        var resumed = await harness.Service.ResumeAsync(PipelineHarness.Tenant, report.ImportId);

        var unknown = await harness.EntriesAsync(resumed, InviteOutcome.Unknown);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown.Select(e => e.Address), Is.EquivalentTo(inFlight));
            Assert.That(unknown.Select(e => e.Reason), Is.All.EqualTo("InFlightAfterCrash"));
            Assert.That(unknown.All(e => e.Detail!.Contains($"<{report.ImportId:N}.{e.Sequence}@", StringComparison.Ordinal)), Is.True, "the detail names the Message-Id");
            Assert.That(resumed.Counts.Unknown, Is.EqualTo(inFlight.Count));
            Assert.That(resumed.Counts.Invited + resumed.Counts.Unknown, Is.EqualTo(200));
            Assert.That(resumed.Status, Is.EqualTo(ImportStatus.CompletedWithErrors));
            Assert.That(harness.Sender.Sent.GroupBy(i => i.Address).Max(g => g.Count()), Is.EqualTo(1), "nothing is sent twice");
            Assert.That(sentBefore.IsSupersetOf(inFlight), Is.True);
        }
    }

    [Test]
    public async Task A_send_still_running_when_the_grace_period_ends_stays_Sending_and_is_resent_on_resume()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.MaxParallelSends = 1;
            o.StopGracePeriod = TimeSpan.FromSeconds(10);
        });
        using var cts = new CancellationTokenSource();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = 0;
        harness.Sender.Behavior = async (_, ct) =>
        {
            if (Interlocked.Increment(ref sends) == 5)
            {
                hanging.SetResult();
                await Task.Delay(Timeout.Infinite, ct); // a server that never answers: only the grace period ends it
            }

            return InvitationSendResult.Success();
        };

        var import = harness.Service.ImportAsync(PipelineHarness.Request(Lines(20)), cancellationToken: cts.Token);
        await hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Task.Delay(100);
        Assert.That(import.IsCompleted, Is.False, "the send in flight has its grace period");
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(async () => await import, Throws.InstanceOf<OperationCanceledException>());

        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Cancelled));
            Assert.That(report.Counts.Invited, Is.EqualTo(4));
            Assert.That(report.Counts.Sending, Is.EqualTo(1));
            Assert.That(report.Counts.Skipped, Is.EqualTo(15));
        }

        var resumed = await harness.Service.ResumeAsync(PipelineHarness.Tenant, report.ImportId);
        var fifth = (await harness.EntriesAsync(resumed)).Single(e => e.Sequence == 5);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.Status, Is.EqualTo(ImportStatus.Completed), "a cancelled import resumes at once");
            Assert.That(resumed.Counts.Invited, Is.EqualTo(20));
            Assert.That(fifth.Outcome, Is.EqualTo(InviteOutcome.Invited));
            Assert.That(fifth.Reason, Is.EqualTo("InFlightAfterCrash"));
            Assert.That(harness.Sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(20));
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(20), "the cut-off send never succeeded, so nobody has two");
        }
    }

    [Test]
    public async Task Resuming_a_cancelled_import_sends_what_the_cancellation_skipped_once()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 2);
        using var cts = new CancellationTokenSource();
        var sends = 0;
        harness.Sender.Behavior = (_, _) =>
        {
            if (Interlocked.Increment(ref sends) == 30)
            {
                cts.Cancel();
            }

            return Task.FromResult(InvitationSendResult.Success());
        };

        Assert.That(
            () => harness.Service.ImportAsync(PipelineHarness.Request(Lines(300)), cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.That(report.Counts.Skipped, Is.GreaterThan(0));

        var resumed = await harness.Service.ResumeAsync(PipelineHarness.Tenant, report.ImportId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(resumed.Counts.Invited, Is.EqualTo(300));
            Assert.That(resumed.Counts.Skipped, Is.Zero);
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(300));
            Assert.That(harness.Sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(300));
        }
    }

    [Test]
    public async Task A_sender_that_blocks_still_sends_more_than_one_at_a_time()
    {
        // The senders are pool tasks, and a blocking sender holds a pool thread for each send: on two cores the pool
        // starts with two threads, which other work of the test run may hold. The pool is given room for the three
        // senders, so that what is measured is whether the pipeline runs them at once, not how fast the pool grows.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), completionPorts);
        try
        {
            await using var harness = new PipelineHarness(o => o.MaxParallelSends = 3);
            harness.Sender.Behavior = (_, _) =>
            {
                Thread.Sleep(50); // a synchronous client behind SendAsync
                return Task.FromResult(InvitationSendResult.Success());
            };

            var report = await harness.Service.ImportAsync(PipelineHarness.Request(Lines(60)));

            Assert.That(report.Counts.Invited, Is.EqualTo(60));
            Assert.That(harness.Sender.MaxConcurrency, Is.InRange(2, 3));
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completionPorts);
        }
    }
}
