namespace BulkInvite.Testing;

/// <content>Tenant isolation, concurrency and argument validation.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>Another tenant cannot read an import by id.</summary>
    [Test]
    public async Task Another_tenant_cannot_read_an_import_by_id()
    {
        var import = await CreateImportAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetImportAsync(TenantB, import.ImportId), Is.Null);
            Assert.That(await Store.GetImportAsync("Tenant-A", import.ImportId), Is.Null, "tenant ids compare exactly");
            Assert.That(await Store.GetImportAsync(string.Empty, import.ImportId), Is.Null);
        }
    }

    /// <summary>Another tenant sees none of the imports in history.</summary>
    [Test]
    public async Task Another_tenant_sees_none_of_the_imports_in_history()
    {
        var mine = await CreateImportAsync(TenantA, minutes: 1);
        await CreateImportAsync(TenantA, minutes: 2, preview: true);
        var theirs = await CreateImportAsync(TenantB, minutes: 3);

        var forB = await Store.ListImportsAsync(TenantB, new ImportQuery { IncludePreviews = true });
        var forA = await Store.ListImportsAsync(TenantA, new ImportQuery());
        var forNobody = await Store.ListImportsAsync("tenant-c", new ImportQuery { IncludePreviews = true });

        using (Assert.EnterMultipleScope())
        {
            Assert.That((forB.Items.Single().ImportId, forB.TotalCount), Is.EqualTo((theirs.ImportId, 1L)));
            Assert.That((forA.Items.Single().ImportId, forA.TotalCount), Is.EqualTo((mine.ImportId, 1L)));
            Assert.That((forNobody.Items.Count, forNobody.TotalCount, forNobody.HasMore), Is.EqualTo((0, 0L, false)));
        }
    }

    /// <summary>Another tenant reads no entries of an import by id.</summary>
    [Test]
    public async Task Another_tenant_reads_no_entries_of_an_import_by_id()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1), NewEntry(2, InviteOutcome.Invalid)]);

        var all = await Store.ListEntriesAsync(TenantB, import.ImportId, new EntryQuery());
        var invalid = await Store.ListEntriesAsync(TenantB, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invalid });

        using (Assert.EnterMultipleScope())
        {
            Assert.That((all.Items.Count, all.TotalCount, all.HasMore), Is.EqualTo((0, 0L, false)));
            Assert.That((invalid.Items.Count, invalid.TotalCount, invalid.HasMore), Is.EqualTo((0, 0L, false)));
        }
    }

    /// <summary>Another tenant cannot add entries to an import.</summary>
    [Test]
    public async Task Another_tenant_cannot_add_entries_to_an_import()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)]);

        Assert.That(() => Store.AddEntriesAsync(TenantB, import.ImportId, [NewEntry(2)]), Throws.InstanceOf<KeyNotFoundException>());
        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.EqualTo(new[] { NewEntry(1) }).UsingPropertiesComparer());
    }

    /// <summary>Another tenant cannot update entries of an import.</summary>
    [Test]
    public async Task Another_tenant_cannot_update_entries_of_an_import()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)]);

        Assert.That(
            () => Store.UpdateEntriesAsync(TenantB, import.ImportId, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0.AddHours(1) }]),
            Throws.InstanceOf<KeyNotFoundException>());
        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.EqualTo(new[] { NewEntry(1) }).UsingPropertiesComparer());
    }

    /// <summary>Another tenant cannot update an import.</summary>
    [Test]
    public async Task Another_tenant_cannot_update_an_import()
    {
        var import = await CreateImportAsync();

        Assert.That(
            () => Store.UpdateImportAsync(import with { TenantId = TenantB, Status = ImportStatus.Cancelled, FileName = "taken.txt" }),
            Throws.InstanceOf<KeyNotFoundException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetImportAsync(TenantA, import.ImportId), Is.EqualTo(import));
            Assert.That(await Store.GetImportAsync(TenantB, import.ImportId), Is.Null);
        }
    }

    /// <summary>Concurrent updates from many tasks lose nothing.</summary>
    [Test]
    public async Task Concurrent_updates_from_many_tasks_lose_nothing()
    {
        const int Count = 1_000;
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, Enumerable.Range(1, Count).Select(i => NewEntry(i)).ToList());

        var progress = Task.Run(async () =>
        {
            for (var i = 1; i <= 20; i++)
            {
                await Store.UpdateImportAsync(import with { Counts = new OutcomeCounts { Invited = i } });
            }
        });
        await Parallel.ForEachAsync(
            Enumerable.Range(1, Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await Store.UpdateEntriesAsync(TenantA, import.ImportId, [new InviteEntryUpdate { Sequence = i, Outcome = i % 10 == 0 ? InviteOutcome.Failed : InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0.AddSeconds(i) }], ct));
        await progress;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invited), Is.EqualTo(Count * 9 / 10));
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Failed), Is.EqualTo(Count / 10));
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Pending), Is.Zero);
            Assert.That((await Store.GetImportAsync(TenantA, import.ImportId))!.Counts.Invited, Is.EqualTo(20));
        }
    }

    /// <summary>Concurrent batches from many tasks lose nothing.</summary>
    [Test]
    public async Task Concurrent_batches_from_many_tasks_lose_nothing()
    {
        var imports = new List<BulkInviteReport>();
        for (var i = 0; i < 4; i++)
        {
            imports.Add(await CreateImportAsync(minutes: i));
        }

        // 4 imports x 10 batches of 50 entries, written from 40 tasks at once.
        await Task.WhenAll(
            from import in imports
            from batch in Enumerable.Range(0, 10)
            select Task.Run(() => Store.AddEntriesAsync(TenantA, import.ImportId, Enumerable.Range((batch * 50) + 1, 50).Select(i => NewEntry(i)).ToList())));
        var extra = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => CreateImportAsync(TenantB, minutes: 100 + i))));

        using (Assert.EnterMultipleScope())
        {
            foreach (var import in imports)
            {
                Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 500).Select(i => (long)i)));
            }

            Assert.That((await Store.ListImportsAsync(TenantB, new ImportQuery())).TotalCount, Is.EqualTo(extra.Length));
        }
    }

    /// <summary>Every method rejects null arguments.</summary>
    [Test]
    public void Every_method_rejects_null_arguments()
    {
        var id = Guid.NewGuid();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.CreateImportAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.UpdateImportAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.AddEntriesAsync(null!, id, []), Throws.ArgumentNullException);
            Assert.That(() => Store.AddEntriesAsync(TenantA, id, null!), Throws.ArgumentNullException);
            Assert.That(() => Store.UpdateEntriesAsync(null!, id, []), Throws.ArgumentNullException);
            Assert.That(() => Store.UpdateEntriesAsync(TenantA, id, null!), Throws.ArgumentNullException);
            Assert.That(() => Store.GetImportAsync(null!, id), Throws.ArgumentNullException);
            Assert.That(() => Store.ListImportsAsync(null!, new ImportQuery()), Throws.ArgumentNullException);
            Assert.That(() => Store.ListImportsAsync(TenantA, null!), Throws.ArgumentNullException);
            Assert.That(() => Store.ListEntriesAsync(null!, id, new EntryQuery()), Throws.ArgumentNullException);
            Assert.That(() => Store.ListEntriesAsync(TenantA, id, null!), Throws.ArgumentNullException);
        }
    }

    /// <summary>Paging arguments out of range are rejected.</summary>
    [Test]
    public void Paging_arguments_out_of_range_are_rejected()
    {
        var id = Guid.NewGuid();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.ListImportsAsync(TenantA, new ImportQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.ListImportsAsync(TenantA, new ImportQuery { Limit = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.ListImportsAsync(TenantA, new ImportQuery { Offset = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.ListEntriesAsync(TenantA, id, new EntryQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.ListEntriesAsync(TenantA, id, new EntryQuery { Limit = -5 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.ListEntriesAsync(TenantA, id, new EntryQuery { AfterSequence = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    /// <summary>A cancelled token cancels every method.</summary>
    [Test]
    public async Task A_cancelled_token_cancels_every_method()
    {
        var import = await CreateImportAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var ct = cancellation.Token;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.CreateImportAsync(NewImport(), ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.UpdateImportAsync(import, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)], ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.UpdateEntriesAsync(TenantA, import.ImportId, [], ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.GetImportAsync(TenantA, import.ImportId, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.ListImportsAsync(TenantA, new ImportQuery(), ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery(), ct), Throws.InstanceOf<OperationCanceledException>());
        }

        Assert.That((await Store.ListImportsAsync(TenantA, new ImportQuery())).TotalCount, Is.EqualTo(1), "nothing was written");
        Assert.That(await CountAsync(TenantA, import.ImportId, null), Is.Zero);
    }
}
