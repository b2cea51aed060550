using System.Text;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

[TestFixture]
public sealed class PreviewAndLimitTests
{
    [Test]
    public async Task Preview_classifies_every_entry_and_sends_nothing()
    {
        await using var harness = new PipelineHarness();
        harness.Directory.Members.Add("member@example.com");

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("new@example.com\nmember@example.com\nnew@EXAMPLE.com\nx").AsPreview());

        Assert.That(harness.Sender.Sent, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(report.IsPreview, Is.True);
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(report.Counts.Pending, Is.EqualTo(1));
            Assert.That(report.Counts.ExistingUser, Is.EqualTo(1));
            Assert.That(report.Counts.Duplicate, Is.EqualTo(1));
            Assert.That(report.Counts.Invalid, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Previews_are_left_out_of_history_unless_asked_for()
    {
        await using var harness = new PipelineHarness();
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com").AsPreview());
        await harness.Service.ImportAsync(PipelineHarness.Request("b@example.com"));

        var imports = await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery());
        var all = await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery { IncludePreviews = true });

        Assert.That(imports.Items.Select(r => r.IsPreview), Is.EqualTo(new[] { false }));
        Assert.That(all.TotalCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_file_over_MaxFileBytes_fails_before_anything_is_sent()
    {
        await using var harness = new PipelineHarness(o => o.MaxFileBytes = 1000);
        var text = string.Join('\n', Enumerable.Range(1, 200).Select(i => $"user{i}@example.com"));

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request(text)));

        Assert.That(ex!.LimitName, Is.EqualTo("MaxFileBytes"));
        Assert.That(ex.Limit, Is.EqualTo(1000));
        Assert.That(harness.Sender.Sent, Is.Empty);
        await AssertRefusedAsync(harness, "MaxFileBytes");
    }

    [Test]
    public async Task A_seekable_upload_over_MaxFileBytes_is_refused_from_its_length_before_a_byte_is_read()
    {
        await using var harness = new PipelineHarness(o => o.MaxFileBytes = 1000);
        var content = new ReadCountingStream(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 200).Select(i => $"user{i}@example.com"))));

        Assert.That(() => harness.Service.ImportAsync(PipelineHarness.Request(string.Empty).With(content: content)), Throws.InstanceOf<InviteLimitExceededException>());

        Assert.That(content.Reads, Is.Zero);
        await AssertRefusedAsync(harness, "MaxFileBytes");
    }

    [Test]
    public async Task A_non_seekable_upload_over_MaxFileBytes_is_stopped_while_reading()
    {
        await using var harness = new PipelineHarness(o => o.MaxFileBytes = 100_000);
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 20_000).Select(i => $"user{i}@example.com")));
        var request = PipelineHarness.Request(string.Empty).With(content: new NonSeekableStream(bytes));

        Assert.That(() => harness.Service.ImportAsync(request), Throws.InstanceOf<InviteLimitExceededException>());
        Assert.That(harness.Sender.Sent, Is.Empty);
        await AssertRefusedAsync(harness, "MaxFileBytes");
    }

    [Test]
    public async Task A_non_seekable_upload_over_MaxFileBytes_leaves_no_entry_of_the_batches_stored_before_the_limit()
    {
        var added = new List<long>();
        await using var harness = new PipelineHarness(
            o =>
            {
                o.MaxFileBytes = 200_000;
                o.StagingBatchSize = 100;
            },
            store: new WatchingStore(added));
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 20_000).Select(i => $"user{i}@example.com")));
        var request = PipelineHarness.Request(string.Empty).With(content: new NonSeekableStream(bytes));

        Assert.That(() => harness.Service.ImportAsync(request), Throws.InstanceOf<InviteLimitExceededException>());

        Assert.That(added, Is.Not.Empty, "batches read before the limit reached the store");
        await AssertRefusedAsync(harness, "MaxFileBytes");
    }

    [Test]
    public async Task More_entries_than_MaxEntries_are_rejected_by_default()
    {
        await using var harness = new PipelineHarness(o => o.MaxEntries = 5);

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request("a@x.com,b@x.com,c@x.com,d@x.com,e@x.com,f@x.com")));

        Assert.That(ex!.LimitName, Is.EqualTo("MaxEntries"));
        Assert.That(harness.Sender.Sent, Is.Empty);
        await AssertRefusedAsync(harness, "MaxEntries");
    }

    [Test]
    public async Task A_file_over_MaxEntries_is_refused_at_its_first_entry_over_the_limit_and_leaves_only_its_summary()
    {
        var added = new List<long>();
        await using var harness = new PipelineHarness(
            o =>
            {
                o.MaxEntries = 1000;
                o.StagingBatchSize = 100;
            },
            store: new WatchingStore(added));
        var content = new ReadCountingStream(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 200_000).Select(i => $"user{i}@example.com"))));

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request(string.Empty).With(content: content)));

        Assert.That(ex!.LimitName, Is.EqualTo("MaxEntries"));
        Assert.That(harness.Sender.Sent, Is.Empty);
        Assert.That(added, Is.Not.Empty, "batches read before the limit reached the store");
        Assert.That(content.BytesRead, Is.LessThan(2 * BulkInvite.Parsing.Utf8TextScanner.BufferSize), "the file is read no further than the block the limit was found in");
        await AssertRefusedAsync(harness, "MaxEntries");
    }

    [Test]
    public async Task A_preview_over_MaxEntries_leaves_only_its_summary_too()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.MaxEntries = 1000;
            o.StagingBatchSize = 100;
        });

        Assert.That(
            () => harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', Enumerable.Range(1, 2000).Select(i => $"user{i}@example.com"))).AsPreview()),
            Throws.InstanceOf<InviteLimitExceededException>());

        await AssertRefusedAsync(harness, "MaxEntries", preview: true);
    }

    [Test]
    public async Task Entries_beyond_MaxEntries_are_skipped_when_configured()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.MaxEntries = 2;
            o.OverLimitBehavior = OverLimitBehavior.SkipExcess;
        });

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@x.com\nb@x.com\nc@x.com\nd@x.com"));

        Assert.That(report.Counts.Invited, Is.EqualTo(2));
        Assert.That(report.Counts.Skipped, Is.EqualTo(2));
        var skipped = await harness.EntriesAsync(report, InviteOutcome.Skipped);
        Assert.That(skipped.Select(e => e.Address), Is.EqualTo(new[] { "c@x.com", "d@x.com" }));
        Assert.That(skipped.All(e => e.Reason == "MaxEntriesExceeded"), Is.True);
    }

    [Test]
    public async Task A_binary_file_fails_with_a_format_error_and_is_kept_in_history()
    {
        await using var harness = new PipelineHarness();
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00 };
        var request = PipelineHarness.Request(string.Empty, "people.xlsx").With(content: new MemoryStream(zip));

        Assert.That(() => harness.Service.ImportAsync(request), Throws.InstanceOf<InviteFileFormatException>());
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(report.Error, Is.Not.Empty);
    }

    [Test]
    public async Task Without_a_user_directory_every_valid_address_is_invited_when_opted_out()
    {
        await using var harness = new PipelineHarness(withDirectory: false);

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com"));

        Assert.That(report.Counts.Invited, Is.EqualTo(2));
        Assert.That(harness.Directory.Queries, Is.Empty);
    }

    [Test]
    public async Task One_tenant_never_sees_another_tenants_imports()
    {
        await using var harness = new PipelineHarness();
        var mine = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com", tenant: "tenant-a"));
        await harness.Service.ImportAsync(PipelineHarness.Request("b@example.com", tenant: "tenant-b"));

        Assert.Multiple(async () =>
        {
            Assert.That(await harness.History.GetReportAsync("tenant-b", mine.ImportId), Is.Null);
            Assert.That((await harness.History.GetEntriesAsync("tenant-b", mine.ImportId, new EntryQuery())).Items, Is.Empty);
            Assert.That((await harness.History.GetHistoryAsync("tenant-b", new ImportQuery())).Items.Select(r => r.TenantId), Is.EqualTo(new[] { "tenant-b" }));
            Assert.That((await harness.History.GetHistoryAsync("tenant-a", new ImportQuery())).Items.Single().ImportId, Is.EqualTo(mine.ImportId));
        });
    }

    [Test]
    public async Task Cancelling_while_staging_records_what_was_read_as_skipped_and_sends_nothing()
    {
        await using var harness = new PipelineHarness(o => o.StagingBatchSize = 100);
        using var cts = new CancellationTokenSource();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 50_000).Select(i => $"user{i}@example.com")));
        var request = PipelineHarness.Request(string.Empty).With(content: new CancellingStream(bytes, cancelAfter: 200_000, cts));

        Assert.That(() => harness.Service.ImportAsync(request, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(harness.Sender.Sent, Is.Empty);
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.That(report.Status, Is.EqualTo(ImportStatus.Cancelled));
        Assert.That(report.Counts.Skipped, Is.GreaterThan(0));
        Assert.That(report.Counts.Pending, Is.Zero);
        Assert.That(report.Counts.Total, Is.EqualTo(report.Counts.Skipped));
        var entries = await harness.EntriesAsync(report);
        Assert.That(entries.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, entries.Count).Select(i => (long)i)));
    }

    /// <summary>A refused import keeps its summary (Failed, the limit named, no counts) and no entry.</summary>
    private static async Task AssertRefusedAsync(PipelineHarness harness, string limitName, bool preview = false)
    {
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery { IncludePreviews = preview })).Items.Single();
        var entries = await harness.Store.ListEntriesAsync(PipelineHarness.Tenant, report.ImportId, new EntryQuery { Limit = 10 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(report.Error, Does.Contain(limitName));
            Assert.That(report.Counts.Total, Is.Zero);
            Assert.That((entries.Items.Count, entries.TotalCount), Is.EqualTo((0, 0L)), "no entry rows");
        }
    }

    /// <summary>Records the sequence numbers of the entries handed to the store.</summary>
    private sealed class WatchingStore(List<long> added) : DelegatingHistoryStore
    {
        public override Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        {
            lock (added)
            {
                added.AddRange(entries.Select(e => e.Sequence));
            }

            return base.AddEntriesAsync(tenantId, importId, entries, cancellationToken);
        }
    }

    /// <summary>A seekable upload that counts what is read from it (MemoryStream's asynchronous reads call these).</summary>
    private sealed class ReadCountingStream(byte[] data) : MemoryStream(data)
    {
        public int Reads { get; private set; }

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer));

        private int Count(int read)
        {
            Reads++;
            BytesRead += read;
            return read;
        }
    }

    private sealed class CancellingStream(byte[] data, int cancelAfter, CancellationTokenSource cts) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= cancelAfter)
            {
                await cts.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
