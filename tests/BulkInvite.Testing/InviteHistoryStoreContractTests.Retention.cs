namespace BulkInvite.Testing;

/// <content>Retention: deleting old imports, and deleting one address on a privacy request.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>Imports created before the cutoff are deleted with their entries and later ones kept.</summary>
    [Test]
    public async Task Imports_created_before_the_cutoff_are_deleted_with_their_entries_and_later_ones_kept()
    {
        var old = await CreateImportAsync(minutes: 0);
        var oldPreview = await CreateImportAsync(minutes: 5, preview: true);
        var atCutoff = await CreateImportAsync(minutes: 10);
        var recent = await CreateImportAsync(minutes: 20);
        foreach (var import in new[] { old, oldPreview, atCutoff, recent })
        {
            await Store.AddEntriesAsync(TenantA, import.ImportId, Enumerable.Range(1, 5).Select(i => NewEntry(i)).ToList());
        }

        var deleted = await Store.DeleteImportsCreatedBeforeAsync(TenantA, T0.AddMinutes(10));
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(2), "the old import and the old preview");
            Assert.That(await Store.GetImportAsync(TenantA, old.ImportId), Is.Null);
            Assert.That(await Store.GetImportAsync(TenantA, oldPreview.ImportId), Is.Null);
            Assert.That(await CountAsync(TenantA, old.ImportId, null), Is.Zero, "its entries went with it");
            Assert.That(await Store.GetImportAsync(TenantA, atCutoff.ImportId), Is.EqualTo(atCutoff), "created at the cutoff, not before it");
            Assert.That(await CountAsync(TenantA, recent.ImportId, null), Is.EqualTo(5));
            Assert.That(
                (await Store.ListImportsAsync(TenantA, new ImportQuery { IncludePreviews = true })).Items.Select(i => i.ImportId),
                Is.EqualTo(new[] { recent.ImportId, atCutoff.ImportId }));
        }
    }

    /// <summary>The cutoff compares instants whatever the offsets.</summary>
    [Test]
    public async Task The_cutoff_compares_instants_whatever_the_offsets()
    {
        var import = await CreateImportAsync(minutes: 0);

        var sameInstantElsewhere = T0.ToOffset(TimeSpan.FromHours(-5));
        var notYet = await Store.DeleteImportsCreatedBeforeAsync(TenantA, sameInstantElsewhere);
        var justAfter = await Store.DeleteImportsCreatedBeforeAsync(TenantA, sameInstantElsewhere.AddTicks(1));

        Assert.That((notYet, justAfter), Is.EqualTo((0, 1)));
        Assert.That(await Store.GetImportAsync(TenantA, import.ImportId), Is.Null);
    }

    /// <summary>Deleting old imports of one tenant leaves other tenants untouched.</summary>
    [Test]
    public async Task Deleting_old_imports_of_one_tenant_leaves_other_tenants_untouched()
    {
        var mine = await CreateImportAsync(TenantA, minutes: 0);
        var theirs = await CreateImportAsync(TenantB, minutes: 0);
        await Store.AddEntriesAsync(TenantB, theirs.ImportId, [NewEntry(1), NewEntry(2)]);

        var deleted = await Store.DeleteImportsCreatedBeforeAsync(TenantA, T0.AddDays(1));
        var nothingForNobody = await Store.DeleteImportsCreatedBeforeAsync("tenant-c", T0.AddDays(1));
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((deleted, nothingForNobody), Is.EqualTo((1, 0)));
            Assert.That(await Store.GetImportAsync(TenantA, mine.ImportId), Is.Null);
            Assert.That(await Store.GetImportAsync(TenantB, theirs.ImportId), Is.EqualTo(theirs));
            Assert.That(await CountAsync(TenantB, theirs.ImportId, null), Is.EqualTo(2));
        }
    }

    /// <summary>Deleting an address removes its entries ignoring case in every import of the tenant.</summary>
    [Test]
    public async Task Deleting_an_address_removes_its_entries_ignoring_case_in_every_import_of_the_tenant()
    {
        var first = await CreateImportAsync(minutes: 0);
        var second = await CreateImportAsync(minutes: 1);
        await Store.AddEntriesAsync(TenantA, first.ImportId,
        [
            NewEntry(1, InviteOutcome.Invited, "Jane.Doe@Example.com"),
            NewEntry(2),
            new() { Sequence = 3, Line = 3, Address = "JANE.DOE@EXAMPLE.COM", Outcome = InviteOutcome.Duplicate, DuplicateOfLine = 1, UpdatedAt = T0 },
        ]);
        await Store.AddEntriesAsync(TenantA, second.ImportId,
        [
            NewEntry(1, InviteOutcome.AlreadyInvited, "jane.doe@example.com"),
            NewEntry(2, address: "jane.doe@example.org"),
            NewEntry(3, address: "xjane.doe@example.com"),
        ]);

        var deleted = await Store.DeleteAddressAsync(TenantA, "jane.DOE@example.COM");
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(3));
            Assert.That((await ReadAllEntriesAsync(TenantA, first.ImportId)).Select(e => e.Sequence), Is.EqualTo(new long[] { 2 }));
            Assert.That((await ReadAllEntriesAsync(TenantA, second.ImportId)).Select(e => e.Address), Is.EqualTo(new[] { "jane.doe@example.org", "xjane.doe@example.com" }));
            Assert.That(await CountAsync(TenantA, first.ImportId, null), Is.EqualTo(1), "page counts count what is left");
            Assert.That(await CountAsync(TenantA, first.ImportId, InviteOutcome.Invited), Is.Zero);
            Assert.That(await CountAsync(TenantA, second.ImportId, InviteOutcome.Pending), Is.EqualTo(2));
            Assert.That(await Store.DeleteAddressAsync(TenantA, "jane.doe@example.com"), Is.Zero, "nothing left to delete");
        }
    }

    /// <summary>Deleting an address matches non ascii addresses ignoring case.</summary>
    [Test]
    public async Task Deleting_an_address_matches_non_ascii_addresses_ignoring_case()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1, address: "ZOË@bücher.example"), NewEntry(2, address: "zoe@bucher.example")]);

        var deleted = await Store.DeleteAddressAsync(TenantA, "zoë@BÜCHER.example");

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Select(e => e.Address), Is.EqualTo(new[] { "zoe@bucher.example" }));
    }

    /// <summary>Deleting an address keeps the import summaries and other tenants entries.</summary>
    [Test]
    public async Task Deleting_an_address_keeps_the_import_summaries_and_other_tenants_entries()
    {
        var mine = await CreateImportAsync(TenantA);
        var theirs = await CreateImportAsync(TenantB);
        var summary = mine with { Counts = new OutcomeCounts { Invited = 2 } };
        await Store.UpdateImportAsync(summary);
        await Store.AddEntriesAsync(TenantA, mine.ImportId, [NewEntry(1, InviteOutcome.Invited), NewEntry(2, InviteOutcome.Invited)]);
        await Store.AddEntriesAsync(TenantB, theirs.ImportId, [NewEntry(1, InviteOutcome.Invited)]);

        var deleted = await Store.DeleteAddressAsync(TenantA, "user1@example.com");
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That(await Store.GetImportAsync(TenantA, mine.ImportId), Is.EqualTo(summary), "counts record what the import did");
            Assert.That((await ReadAllEntriesAsync(TenantB, theirs.ImportId)).Select(e => e.Address), Is.EqualTo(new[] { "user1@example.com" }));
            Assert.That(await Store.DeleteAddressAsync("tenant-c", "user1@example.com"), Is.Zero);
        }
    }

    /// <summary>Entries added after an address was deleted are kept and found again.</summary>
    [Test]
    public async Task Entries_added_after_an_address_was_deleted_are_kept_and_found_again()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1), NewEntry(2)]);
        await Store.DeleteAddressAsync(TenantA, "user1@example.com");

        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(3, address: "USER1@example.com")]);

        Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Select(e => e.Sequence), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(await Store.DeleteAddressAsync(TenantA, "user1@EXAMPLE.com"), Is.EqualTo(1));
    }

    /// <summary>Retention methods reject null arguments and honour cancellation.</summary>
    [Test]
    public void Retention_methods_reject_null_arguments_and_honour_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.DeleteImportsCreatedBeforeAsync(null!, T0), Throws.ArgumentNullException);
            Assert.That(() => Store.DeleteAddressAsync(null!, "a@example.com"), Throws.ArgumentNullException);
            Assert.That(() => Store.DeleteAddressAsync(TenantA, null!), Throws.ArgumentNullException);
            Assert.That(() => Store.DeleteImportsCreatedBeforeAsync(TenantA, T0, cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Store.DeleteAddressAsync(TenantA, "a@example.com", cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
        }
    }
}
