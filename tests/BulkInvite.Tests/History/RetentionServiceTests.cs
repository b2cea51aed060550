using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.History;

[TestFixture]
public sealed class RetentionServiceTests
{
    [Test]
    public async Task Deleting_history_before_a_cutoff_removes_only_that_tenants_older_imports()
    {
        await using var harness = new PipelineHarness();
        var old = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\n"));
        var theirs = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\n", tenant: "tenant-b"));
        harness.Time.Advance(TimeSpan.FromDays(31));
        var recent = await harness.Service.ImportAsync(PipelineHarness.Request("b@example.com\n"));

        var deleted = await harness.Retention.DeleteHistoryBeforeAsync(PipelineHarness.Tenant, harness.Time.GetUtcNow().AddDays(-30));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That(await harness.History.GetReportAsync(PipelineHarness.Tenant, old.ImportId), Is.Null);
            Assert.That(await harness.History.GetReportAsync(PipelineHarness.Tenant, recent.ImportId), Is.Not.Null);
            Assert.That(await harness.History.GetReportAsync("tenant-b", theirs.ImportId), Is.Not.Null);
        }
    }

    [Test]
    public async Task Forgetting_an_address_removes_its_rows_ignoring_case_and_surrounding_whitespace()
    {
        await using var harness = new PipelineHarness();
        var mine = await harness.Service.ImportAsync(PipelineHarness.Request("Jane@Example.com\nbob@example.com\n"));
        var theirs = await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n", tenant: "tenant-b"));

        var deleted = await harness.Retention.ForgetAddressAsync(PipelineHarness.Tenant, "  jane@EXAMPLE.com ");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That((await harness.EntriesAsync(mine)).Select(e => e.Address), Is.EqualTo(new[] { "bob@example.com" }));
            Assert.That((await harness.EntriesAsync(theirs)).Select(e => e.Address), Is.EqualTo(new[] { "jane@example.com" }));
            Assert.That((await harness.History.GetReportAsync(PipelineHarness.Tenant, mine.ImportId))!.Counts.Invited, Is.EqualTo(2), "counts are kept");
        }
    }

    [Test]
    public async Task Retention_methods_validate_their_arguments()
    {
        await using var harness = new PipelineHarness();
        var s = harness.Retention;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => s.DeleteHistoryBeforeAsync(null!, DateTimeOffset.UnixEpoch), Throws.ArgumentNullException);
            Assert.That(() => s.DeleteHistoryBeforeAsync(" ", DateTimeOffset.UnixEpoch), Throws.ArgumentException);
            Assert.That(() => s.ForgetAddressAsync(null!, "a@example.com"), Throws.ArgumentNullException);
            Assert.That(() => s.ForgetAddressAsync(PipelineHarness.Tenant, null!), Throws.ArgumentNullException);
            Assert.That(() => s.ForgetAddressAsync(PipelineHarness.Tenant, "  "), Throws.ArgumentException);
        }
    }
}
