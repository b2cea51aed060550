using System.Text;
using BulkInvite.Dedupe;
using BulkInvite.Parsing;
using BulkInvite.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.Tests.Pipeline;

/// <summary>
/// The classifier settles its batches on a second thread when the machine has more than one core: its results must be
/// those of the one-thread branch, entry for entry, and a failure or a cancellation on either side must end both.
/// </summary>
[TestFixture]
public sealed class EntryClassifierTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly string[] Odd =
    [
        "\"Doe, Jane\" <jane{0}@example.com>", "Jane <jane{0}@example.com>", "josé{0}@example.com", "user{0}@bücher.example",
        "a..b{0}@example.com", "no-at-sign-{0}", "x{0}@y", "\"unterminated{0}@example.com", "bob{0}@example.org (Bob)",
        "USER{0}@EXAMPLE.COM", "\u00A0nbsp{0}@example.com", "<angle{0}@example.org>",
    ];

    [Test]
    public async Task The_two_threads_classify_a_file_of_many_batches_exactly_as_one_thread_does(
        [Values(OverLimitBehavior.SkipExcess, OverLimitBehavior.Reject)] OverLimitBehavior overLimit,
        [Values(DuplicateComparison.IgnoreCase, DuplicateComparison.CaseSensitiveLocalPart)] DuplicateComparison comparison)
    {
        var file = GeneratedFile(60_000, seed: 15);
        var options = new BulkInviteOptions { MaxEntries = 1_000_000, OverLimitBehavior = overLimit, DuplicateComparison = comparison };

        var one = await ClassifyAsync(file, options, parallel: false).WaitAsync(Bound);
        var two = await ClassifyAsync(file, options, parallel: true).WaitAsync(Bound);

        Assert.That(one.Entries, Has.Count.EqualTo(60_000));
        Assert.That(one.Entries.Select(e => e.Outcome).Distinct(), Is.SupersetOf(new[] { InviteOutcome.Pending, InviteOutcome.Invalid, InviteOutcome.Duplicate }));
        Assert.That(two.Entries, Is.EqualTo(one.Entries));
        Assert.That(two.Sequence, Is.EqualTo(one.Sequence));
    }

    [Test]
    public async Task A_consumer_that_reads_no_keys_gets_the_outcomes_and_duplicate_lines_of_one_that_does(
        [Values(DuplicateComparison.IgnoreCase, DuplicateComparison.CaseSensitiveLocalPart)] DuplicateComparison comparison,
        [Values] bool parallel)
    {
        // Without keys, an ASCII address compared ignoring case is fingerprinted as it is read; every other is keyed first.
        var file = GeneratedFile(40_000, seed: 21);
        var options = new BulkInviteOptions { MaxEntries = 1_000_000, DuplicateComparison = comparison };

        var keyed = await ClassifyAsync(file, options, parallel).WaitAsync(Bound);
        var unkeyed = await ClassifyAsync(file, options, parallel, new RecordingConsumer { NeedsKeys = false }).WaitAsync(Bound);

        Assert.That(keyed.Entries.Count(e => e.Outcome == InviteOutcome.Duplicate), Is.GreaterThan(1_000));
        Assert.That(unkeyed.Entries.Select(e => (e.Sequence, e.Line, e.Outcome, e.Invalid, e.DuplicateOfLine, e.Address)),
            Is.EqualTo(keyed.Entries.Select(e => (e.Sequence, e.Line, e.Outcome, e.Invalid, e.DuplicateOfLine, e.Address))));
    }

    [Test]
    public async Task Entries_beyond_the_limit_are_skipped_alike_on_two_threads()
    {
        var file = GeneratedFile(30_000, seed: 2);
        var options = new BulkInviteOptions { MaxEntries = 10_001, OverLimitBehavior = OverLimitBehavior.SkipExcess };

        var one = await ClassifyAsync(file, options, parallel: false).WaitAsync(Bound);
        var two = await ClassifyAsync(file, options, parallel: true).WaitAsync(Bound);

        Assert.That(one.Entries.Count(e => e.Outcome == InviteOutcome.Skipped), Is.EqualTo(30_000 - 10_001));
        Assert.That(two.Entries, Is.EqualTo(one.Entries));
    }

    [Test]
    public void A_file_over_the_limit_is_refused_alike_on_two_threads([Values] bool parallel)
    {
        var file = GeneratedFile(30_000, seed: 3);
        var options = new BulkInviteOptions { MaxEntries = 10_001, OverLimitBehavior = OverLimitBehavior.Reject };

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => ClassifyAsync(file, options, parallel).WaitAsync(Bound));

        Assert.That(ex!.Limit, Is.EqualTo(10_001));
    }

    [Test]
    public void A_consumer_that_fails_mid_file_fails_the_run_with_its_exception_and_stops_both_threads([Values] bool parallel)
    {
        var failure = new InvalidOperationException("The consumer broke.");
        var consumer = new RecordingConsumer { FailAt = 9_000, Failure = failure };

        var ex = Assert.ThrowsAsync<InvalidOperationException>(
            () => ClassifyAsync(GeneratedFile(40_000, seed: 4), new BulkInviteOptions(), parallel, consumer).WaitAsync(Bound));

        Assert.That(ex, Is.SameAs(failure));
        AssertStopped(consumer);
    }

    [Test]
    public void A_pause_that_fails_mid_file_fails_the_run_with_its_exception_and_stops_both_threads([Values] bool parallel)
    {
        var failure = new IOException("The disk is full.");
        var consumer = new RecordingConsumer { FailPause = 2, Failure = failure };

        // Lines of 100 bytes: the parser pauses after each buffer of 1 MiB, about 10,000 entries.
        var ex = Assert.ThrowsAsync<IOException>(
            () => ClassifyAsync(GeneratedFile(50_000, seed: 5, padding: 70), new BulkInviteOptions(), parallel, consumer).WaitAsync(Bound));

        Assert.That(ex, Is.SameAs(failure));
        Assert.That(consumer.Pauses, Is.EqualTo(2));
        AssertStopped(consumer);
    }

    [Test]
    public void A_run_cancelled_mid_file_ends_cancelled_on_both_threads([Values] bool parallel)
    {
        using var cancellation = new CancellationTokenSource();
        var consumer = new RecordingConsumer { CancelAt = 12_000, Cancellation = cancellation };

        Assert.That(
            () => ClassifyAsync(GeneratedFile(50_000, seed: 6, padding: 70), new BulkInviteOptions(), parallel, consumer, cancellation.Token).WaitAsync(Bound),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(consumer.Taken, Is.LessThan(50_000));
        AssertStopped(consumer);
    }

    /// <summary>Nothing more is given to the consumer once the run has ended.</summary>
    private static void AssertStopped(RecordingConsumer consumer)
    {
        var taken = consumer.Taken;
        Thread.Sleep(100);
        Assert.That(consumer.Taken, Is.EqualTo(taken));
    }

    /// <summary>Entries of many kinds: plain addresses drawn from a pool (so duplicates fall in other batches), invalid ones, and forms the parser gives as text.</summary>
    private static byte[] GeneratedFile(int entries, int seed, int padding = 0)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        var pad = new string(' ', padding);
        for (var i = 0; i < entries; i++)
        {
            var n = random.Next(entries / 2);
            var line = random.Next(10) switch
            {
                0 => string.Format(System.Globalization.CultureInfo.InvariantCulture, Odd[random.Next(Odd.Length)], n),
                1 => $"user{n}@Example.COM",
                2 => new string('x', 300 + random.Next(10)) + "@example.com",
                3 => $"bad {n}@example.com",
                _ => $"user{n}@example.com",
            };
            text.Append(pad).Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Runs the parser into the classifier as an import does: completed when read, discarded when it fails.</summary>
    private static async Task<(List<Classified> Entries, long Sequence)> ClassifyAsync(
        byte[] file, BulkInviteOptions options, bool parallel, RecordingConsumer? consumer = null, CancellationToken cancellationToken = default)
    {
        consumer ??= new RecordingConsumer();
        var context = new ImportContext(
            options, new EmailValidator(), new InviteParserSelector([]), new InMemoryInviteHistoryStore(), null, null, TimeProvider.System, NullLogger.Instance);
        using var addresses = new AddressSet();
        var classifier = new EntryClassifier(context, addresses, consumer, parallel);
        try
        {
            await new TextInviteParser().ParseIntoAsync(new MemoryStream(file), classifier, cancellationToken);
            await classifier.CompleteAsync();
        }
        catch
        {
            await classifier.DiscardAsync();
            throw;
        }

        return (consumer.Entries, classifier.Sequence);
    }

    private sealed record Classified(long Sequence, long Line, InviteOutcome Outcome, InvalidReason Invalid, long DuplicateOfLine, string Address, string Key);

    private sealed class RecordingConsumer : IClassifiedEntrySink
    {
        private int _taken;

        public List<Classified> Entries { get; } = [];

        public int FailAt { get; init; }

        public int FailPause { get; init; }

        public int CancelAt { get; init; }

        public Exception? Failure { get; init; }

        public CancellationTokenSource? Cancellation { get; init; }

        public int Taken => Volatile.Read(ref _taken);

        public int Pauses { get; private set; }

        public bool NeedsKeys { get; init; } = true;

        public void Take(in ClassifiedEntries entries)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                Take(entries[i]);
            }
        }

        private void Take(in ClassifiedEntry entry)
        {
            var taken = Interlocked.Increment(ref _taken);
            if (taken == FailAt)
            {
                throw Failure!;
            }

            if (taken == CancelAt)
            {
                Cancellation!.Cancel();
            }

            Entries.Add(new Classified(
                entry.Sequence, entry.Line, entry.Outcome, entry.Invalid, entry.DuplicateOfLine, entry.AddressText(),
                entry.Outcome == InviteOutcome.Pending && NeedsKeys ? Encoding.UTF8.GetString(entry.Key) : string.Empty));
        }

        public ValueTask PauseAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ++Pauses == FailPause ? ValueTask.FromException(Failure!) : default;
        }
    }
}
