using System.Security.Cryptography;
using System.Text;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

[TestFixture]
public sealed class ResumeAndRepeatTests
{
    private static string Addresses(int count, string prefix = "user") => string.Join('\n', Enumerable.Range(1, count).Select(i => $"{prefix}{i}@example.com"));

    [Test]
    public async Task Resuming_after_a_transport_failure_sends_only_what_is_pending_and_nobody_twice()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 1);
        var serverDown = true;
        var sends = 0;
        harness.Sender.Behavior = (_, _) => serverDown && Interlocked.Increment(ref sends) > 5
            ? throw new InvitationTransportException("Connection refused", null, isTransient: true)
            : Task.FromResult(InvitationSendResult.Success());
        var id = Guid.NewGuid();
        Assert.That(() => harness.Service.ImportAsync(PipelineHarness.Request(Addresses(30)).With(importId: id)), Throws.InstanceOf<InvitationTransportException>());

        serverDown = false;
        var report = await harness.Service.ResumeAsync(PipelineHarness.Tenant, id);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(report.Counts.Invited, Is.EqualTo(30));
            Assert.That(report.Counts.Pending, Is.Zero);
            Assert.That(report.Error, Is.Null);
            Assert.That(harness.Sender.Sent.GroupBy(i => i.Address).Select(g => g.Count()).Distinct(), Is.EqualTo(new[] { 1 }));
            Assert.That(harness.Sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(30));
        });
    }

    [Test]
    public async Task An_import_that_recorded_progress_recently_is_not_resumed_until_it_has_been_quiet()
    {
        await using var harness = new PipelineHarness(o => o.ResumeAfterInactivity = TimeSpan.FromMinutes(2));
        var id = Guid.NewGuid();
        var now = harness.Time.GetUtcNow();
        await harness.Store.CreateImportAsync(new BulkInviteReport
        {
            ImportId = id,
            TenantId = PipelineHarness.Tenant,
            FileName = "crashed.txt",
            InitiatedBy = "admin",
            CreatedAt = now,
            UpdatedAt = now,
            Status = ImportStatus.Running,
        });
        await harness.Store.AddEntriesAsync(PipelineHarness.Tenant, id, [
            new InviteEntryResult { Sequence = 1, Line = 1, Address = "sent@example.com", Outcome = InviteOutcome.Invited, UpdatedAt = now },
            new InviteEntryResult { Sequence = 2, Line = 2, Address = "waiting@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = now },
        ]);

        Assert.That(() => harness.Service.ResumeAsync(PipelineHarness.Tenant, id), Throws.InvalidOperationException.With.Message.Contains("still running"));
        harness.Time.Advance(TimeSpan.FromMinutes(3));
        var report = await harness.Service.ResumeAsync(PipelineHarness.Tenant, id);

        Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "waiting@example.com" }));
        Assert.That(report.Counts.Invited, Is.EqualTo(2));
        Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
    }

    [Test]
    public async Task Previews_unknown_imports_and_other_tenants_imports_cannot_be_resumed()
    {
        await using var harness = new PipelineHarness();
        var preview = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com").AsPreview());
        var mine = await harness.Service.ImportAsync(PipelineHarness.Request("b@example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(() => harness.Service.ResumeAsync(PipelineHarness.Tenant, preview.ImportId), Throws.InvalidOperationException);
            Assert.That(() => harness.Service.ResumeAsync(PipelineHarness.Tenant, Guid.NewGuid()), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => harness.Service.ResumeAsync("tenant-b", mine.ImportId), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => harness.Service.ResumeAsync(" ", mine.ImportId), Throws.ArgumentException);
        });
    }

    [Test]
    public async Task Resuming_a_finished_import_sends_nothing_more()
    {
        await using var harness = new PipelineHarness();
        var done = await harness.Service.ImportAsync(PipelineHarness.Request(Addresses(3)));

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await harness.Service.ResumeAsync(PipelineHarness.Tenant, done.ImportId);
        var stored = await harness.History.GetReportAsync(PipelineHarness.Tenant, done.ImportId);

        Assert.That(harness.Sender.Sent, Has.Count.EqualTo(3));
        Assert.That(again.Counts, Is.EqualTo(done.Counts));
        Assert.That((stored!.Status, stored.CompletedAt, stored.UpdatedAt), Is.EqualTo((ImportStatus.Completed, done.CompletedAt, done.UpdatedAt)), "nothing was run again, nothing rewritten");
    }

    [Test]
    public async Task An_import_that_failed_with_nothing_pending_cannot_be_resumed_and_keeps_its_error()
    {
        await using var harness = new PipelineHarness(o => o.MaxEntries = 2);
        Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Addresses(3))));
        var failed = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.ResumeAsync(PipelineHarness.Tenant, failed.ImportId));
        var stored = await harness.History.GetReportAsync(PipelineHarness.Tenant, failed.ImportId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("failed before its file was read to its end").And.Contain(failed.Error!));
            Assert.That((stored!.Status, stored.Error), Is.EqualTo((ImportStatus.Failed, failed.Error)));
            Assert.That(harness.Sender.Sent, Is.Empty);
        }
    }

    [Test]
    public async Task The_content_hash_of_the_upload_is_recorded()
    {
        await using var harness = new PipelineHarness();
        const string Text = "a@example.com\nb@example.com\n";

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(Text));

        Assert.That(report.ContentHash, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))));
    }

    [Test]
    public async Task The_same_file_again_within_the_window_is_refused_as_a_repeat_and_sends_nothing()
    {
        await using var harness = new PipelineHarness(o => o.RepeatUploadWindow = TimeSpan.FromHours(24));
        var first = await harness.Service.ImportAsync(PipelineHarness.Request(Addresses(3)));
        harness.Time.Advance(TimeSpan.FromHours(1));

        var ex = Assert.ThrowsAsync<InviteRepeatUploadException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Addresses(3))));

        Assert.That(ex!.PreviousImportId, Is.EqualTo(first.ImportId));
        Assert.That(harness.Sender.Sent, Has.Count.EqualTo(3));
        var refused = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items[0];
        Assert.That(refused.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(refused.Error, Does.Contain(first.ImportId.ToString()));
        Assert.That(refused.Counts.Total, Is.Zero, "a refused repeat keeps only its summary");
        Assert.That(await harness.EntriesAsync(refused), Is.Empty);
    }

    [Test]
    public async Task A_repeat_goes_through_with_an_explicit_override_or_after_the_window()
    {
        await using var harness = new PipelineHarness(o => o.RepeatUploadWindow = TimeSpan.FromHours(24));
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com"));

        // Each later import resends the pending invitation (ResendPendingInvitations), so that only the repeat check could stop it.
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com", resend: true).With(allowRepeatUpload: true));
        harness.Time.Advance(TimeSpan.FromHours(25));
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com", resend: true));

        Assert.That(harness.Sender.Sent, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Previews_are_never_refused_and_never_make_a_repeat()
    {
        await using var harness = new PipelineHarness();
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com").AsPreview());
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com").AsPreview());

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com"));

        Assert.That(report.Counts.Invited, Is.EqualTo(1));
    }

    [Test]
    public async Task Another_tenants_upload_of_the_same_file_is_not_a_repeat()
    {
        await using var harness = new PipelineHarness();
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com", tenant: "tenant-b"));

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com"));

        Assert.That(report.Counts.Invited, Is.EqualTo(1));
    }
}
