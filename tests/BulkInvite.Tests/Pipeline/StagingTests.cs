using System.Collections.Concurrent;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

/// <summary>Staging: batches go to the history store in order, from a writer that runs while the file is read.</summary>
[TestFixture]
public sealed class StagingTests
{
    private static string Lines(int count) => string.Join('\n', Enumerable.Range(1, count).Select(i => $"user{i}@example.com"));

    [Test]
    public async Task Batches_reach_a_slow_store_whole_and_in_file_order()
    {
        var store = new WatchedStore { Delay = TimeSpan.FromMilliseconds(2) };
        await using var harness = new PipelineHarness(o => o.StagingBatchSize = 7, store: store);

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(Lines(500)));

        Assert.That(report.Counts, Is.EqualTo(new OutcomeCounts { Invited = 500 }));
        var batches = store.Added.ToArray();
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(Enumerable.Range(1, 500).Select(i => (long)i)), "every entry once, in order");
        Assert.That(batches[..^1].Select(b => b.Length), Is.All.EqualTo(7));
        Assert.That(store.MaxConcurrentAdds, Is.EqualTo(1), "one writer");
    }

    [Test]
    public async Task Progress_is_reported_while_a_file_of_many_batches_is_staged()
    {
        await using var harness = new PipelineHarness(o => o.StagingBatchSize = 50);
        var reports = new List<BulkInviteProgress>();
        var progress = new SynchronousProgress<BulkInviteProgress>(reports.Add);

        // Lines of 2 KiB with the address at the end: the reader pauses between its buffers many times in this file.
        var lines = Enumerable.Range(1, 2_000).Select(i => new string(' ', 2_000) + $"user{i}@example.com");
        await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines)), progress);

        var staging = reports.Where(p => p.Stage == ImportStage.Staging).Select(p => p.EntriesRead).ToList();
        Assert.That(staging.Count(read => read < 2_000), Is.GreaterThan(1), "reports before the end of staging");
        Assert.That(staging, Is.Ordered);
    }

    [Test]
    public async Task A_store_that_fails_once_while_staging_fails_the_import_and_loses_no_entry()
    {
        var store = new WatchedStore { FailAddCall = 3 };
        await using var harness = new PipelineHarness(o => o.StagingBatchSize = 10, store: store);

        // Every line ends, so that every entry is read by the time staging learns of the failure and stops.
        var ex = Assert.ThrowsAsync<IOException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(100) + "\n")));

        Assert.That(ex!.Message, Is.EqualTo("The disk is full."));
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        var entries = await harness.EntriesAsync(report);
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(harness.Sender.Sent, Is.Empty);

            // The batch the store refused is offered again when staging ends, with every batch after it.
            Assert.That(entries.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 100).Select(i => (long)i)));
            Assert.That(entries.Select(e => e.Outcome), Is.All.EqualTo(InviteOutcome.Skipped));
            Assert.That(report.Counts, Is.EqualTo(new OutcomeCounts { Skipped = 100 }));
        });
    }

    [Test]
    public async Task A_store_that_stays_down_fails_the_import_with_its_error_and_sends_nothing()
    {
        var store = new WatchedStore { FailAddCall = 2, KeepFailing = true };
        await using var harness = new PipelineHarness(o => o.StagingBatchSize = 10, store: store);

        Assert.ThrowsAsync<IOException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(100))));

        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(report.Error, Is.EqualTo("The disk is full."));
        Assert.That(harness.Sender.Sent, Is.Empty);
    }

    [TestCase(6, 5)]
    [TestCase(2600, 2500)]
    public async Task Entries_before_one_over_the_limit_are_not_kept_when_the_file_is_refused(int lines, int maxEntries)
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.MaxEntries = maxEntries;
            o.StagingBatchSize = 100;
        });

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(lines))));

        Assert.That(ex!.LimitName, Is.EqualTo(nameof(BulkInviteOptions.MaxEntries)));
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        var entries = await harness.EntriesAsync(report);
        Assert.Multiple(() =>
        {
            Assert.That(harness.Sender.Sent, Is.Empty);
            Assert.That(entries, Is.Empty);
            Assert.That(report.Counts, Is.EqualTo(new OutcomeCounts()));
            Assert.That((report.Status, report.Error), Is.EqualTo((ImportStatus.Failed, ex.Message)));
        });
    }

    /// <summary>The in-memory store, watched: which sequences each add brings, and an add that fails on purpose.</summary>
    private sealed class WatchedStore : DelegatingHistoryStore
    {
        private int _calls;
        private int _concurrent;
        private int _maxConcurrent;

        public ConcurrentQueue<long[]> Added { get; } = new();

        public TimeSpan Delay { get; init; }

        public int FailAddCall { get; init; }

        public bool KeepFailing { get; init; }

        public int MaxConcurrentAdds => Volatile.Read(ref _maxConcurrent);

        public override async Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        {
            var call = Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _concurrent);
            try
            {
                int seen;
                while (now > (seen = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, seen) != seen)
                {
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }

                if (call == FailAddCall || (KeepFailing && call > FailAddCall && FailAddCall > 0))
                {
                    throw new IOException("The disk is full.");
                }

                await Inner.AddEntriesAsync(tenantId, importId, entries, cancellationToken);
                Added.Enqueue(entries.Select(e => e.Sequence).ToArray());
            }
            finally
            {
                Interlocked.Decrement(ref _concurrent);
            }
        }
    }
}
