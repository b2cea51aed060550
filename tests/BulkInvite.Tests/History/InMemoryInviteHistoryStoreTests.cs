namespace BulkInvite.Tests.History;

[TestFixture]
public sealed class InMemoryInviteHistoryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static BulkInviteReport Import(string tenant, int minutes, bool preview = false) => new()
    {
        ImportId = Guid.NewGuid(),
        TenantId = tenant,
        FileName = $"f{minutes}.txt",
        InitiatedBy = "admin",
        CreatedAt = T0.AddMinutes(minutes),
        IsPreview = preview,
    };

    private static InviteEntryResult Entry(long sequence, InviteOutcome outcome = InviteOutcome.Pending) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = $"user{sequence}@example.com",
        Outcome = outcome,
    };

    [Test]
    public async Task History_is_newest_first_paged_and_filtered_by_date()
    {
        var store = new InMemoryInviteHistoryStore();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateImportAsync(Import("t", i));
        }

        var page = await store.ListImportsAsync("t", new ImportQuery { Offset = 1, Limit = 2 });
        var dated = await store.ListImportsAsync("t", new ImportQuery { From = T0.AddMinutes(1), To = T0.AddMinutes(3) });

        Assert.That(page.Items.Select(r => r.FileName), Is.EqualTo(new[] { "f3.txt", "f2.txt" }));
        Assert.That(page.TotalCount, Is.EqualTo(5));
        Assert.That(page.HasMore, Is.True);
        Assert.That(dated.Items.Select(r => r.FileName), Is.EqualTo(new[] { "f2.txt", "f1.txt" }));
    }

    [Test]
    public async Task Entries_are_paged_by_sequence_and_filtered_by_outcome()
    {
        var store = new InMemoryInviteHistoryStore();
        var import = Import("t", 0);
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync("t", import.ImportId, Enumerable.Range(1, 10).Select(i => Entry(i, i % 2 == 0 ? InviteOutcome.Invalid : InviteOutcome.Pending)).ToList());

        var first = await store.ListEntriesAsync("t", import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invalid, Limit = 3 });
        var second = await store.ListEntriesAsync("t", import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invalid, Limit = 3, AfterSequence = first.Items[^1].Sequence });

        Assert.That(first.Items.Select(e => e.Sequence), Is.EqualTo(new long[] { 2, 4, 6 }));
        Assert.That(first.HasMore, Is.True);
        Assert.That(first.TotalCount, Is.EqualTo(5));
        Assert.That(second.Items.Select(e => e.Sequence), Is.EqualTo(new long[] { 8, 10 }));
        Assert.That(second.HasMore, Is.False);
    }

    [Test]
    public async Task Updates_change_outcomes_and_counts()
    {
        var store = new InMemoryInviteHistoryStore();
        var import = Import("t", 0);
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync("t", import.ImportId, [Entry(1), Entry(2)]);

        await store.UpdateEntriesAsync("t", import.ImportId, [new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Failed, Reason = "Rejected", Detail = "550 no", StatusCode = 550, UpdatedAt = T0 }]);

        var failed = await store.ListEntriesAsync("t", import.ImportId, new EntryQuery { Outcome = InviteOutcome.Failed });
        Assert.That(failed.Items.Single().StatusCode, Is.EqualTo(550));
        Assert.That(failed.Items.Single().Address, Is.EqualTo("user2@example.com"));
        Assert.That((await store.ListEntriesAsync("t", import.ImportId, new EntryQuery { Outcome = InviteOutcome.Pending })).TotalCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_tenant_can_neither_read_nor_change_another_tenants_import_by_id()
    {
        var store = new InMemoryInviteHistoryStore();
        var import = Import("a", 0);
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync("a", import.ImportId, [Entry(1)]);

        Assert.Multiple(async () =>
        {
            Assert.That(await store.GetImportAsync("b", import.ImportId), Is.Null);
            Assert.That((await store.ListEntriesAsync("b", import.ImportId, new EntryQuery())).Items, Is.Empty);
            Assert.That((await store.ListImportsAsync("b", new ImportQuery())).TotalCount, Is.Zero);
            Assert.That(() => store.AddEntriesAsync("b", import.ImportId, [Entry(2)]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => store.UpdateEntriesAsync("b", import.ImportId, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => store.UpdateImportAsync(import with { TenantId = "b" }), Throws.InstanceOf<KeyNotFoundException>());
        });
        Assert.That((await store.ListEntriesAsync("a", import.ImportId, new EntryQuery())).Items.Single().Outcome, Is.EqualTo(InviteOutcome.Pending));
    }

    [Test]
    public async Task An_import_id_cannot_be_created_twice_nor_an_entry_added_twice()
    {
        var store = new InMemoryInviteHistoryStore();
        var import = Import("t", 0);
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync("t", import.ImportId, [Entry(1), Entry(3)]);

        Assert.That(() => store.CreateImportAsync(import), Throws.InvalidOperationException);
        Assert.That(() => store.AddEntriesAsync("t", import.ImportId, [Entry(1)]), Throws.InvalidOperationException);
        await store.AddEntriesAsync("t", import.ImportId, [Entry(2)]);
        Assert.That((await store.ListEntriesAsync("t", import.ImportId, new EntryQuery())).Items.Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Concurrent_writers_lose_no_entries()
    {
        var store = new InMemoryInviteHistoryStore();
        var import = Import("t", 0);
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync("t", import.ImportId, Enumerable.Range(1, 10_000).Select(i => Entry(i)).ToList());

        await Parallel.ForEachAsync(Enumerable.Range(1, 10_000), async (i, ct) =>
            await store.UpdateEntriesAsync("t", import.ImportId, [new InviteEntryUpdate { Sequence = i, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }], ct));

        Assert.That((await store.ListEntriesAsync("t", import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited, Limit = 1 })).TotalCount, Is.EqualTo(10_000));
    }

    [Test]
    public void Store_methods_validate_their_arguments()
    {
        var store = new InMemoryInviteHistoryStore();
        Assert.Multiple(() =>
        {
            Assert.That(() => store.CreateImportAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => store.UpdateImportAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => store.AddEntriesAsync(null!, Guid.Empty, []), Throws.ArgumentNullException);
            Assert.That(() => store.AddEntriesAsync("t", Guid.Empty, null!), Throws.ArgumentNullException);
            Assert.That(() => store.UpdateEntriesAsync("t", Guid.Empty, null!), Throws.ArgumentNullException);
            Assert.That(() => store.ListImportsAsync("t", new ImportQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => store.ListEntriesAsync("t", Guid.Empty, new EntryQuery { AfterSequence = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
