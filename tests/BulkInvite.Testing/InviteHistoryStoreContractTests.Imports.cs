namespace BulkInvite.Testing;

/// <content>Import summaries and the history list.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>A created import reads back with every field.</summary>
    [Test]
    public async Task A_created_import_reads_back_with_every_field()
    {
        var import = new BulkInviteReport
        {
            ImportId = Guid.NewGuid(),
            TenantId = TenantA,
            FileName = "Einladungen März.csv",
            InitiatedBy = "jane@example.com",
            IsPreview = true,
            Status = ImportStatus.Failed,
            Counts = new OutcomeCounts { Pending = 1, Invited = 2, Invalid = 3, Duplicate = 4, ExistingUser = 5, AlreadyInvited = 6, Failed = 7, Skipped = 8 },
            CreatedAt = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.FromHours(5.5)).AddTicks(1_234_567),
            CompletedAt = new DateTimeOffset(2026, 2, 3, 5, 0, 0, TimeSpan.FromHours(-8)).AddTicks(7),
            ParserName = "csv",
            Error = "The SMTP server is down.",
            RunBy = "instance-a",
        };

        await Store.CreateImportAsync(import);
        await ReopenAsync();
        var read = await Store.GetImportAsync(TenantA, import.ImportId);

        Assert.That(read, Is.EqualTo(import));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read!.CreatedAt.EqualsExact(import.CreatedAt), Is.True, "same instant and offset");
            Assert.That(read.CompletedAt!.Value.EqualsExact(import.CompletedAt.Value), Is.True, "same instant and offset");
        }
    }

    /// <summary>An updated import replaces every field.</summary>
    [Test]
    public async Task An_updated_import_replaces_every_field()
    {
        var import = await CreateImportAsync();
        var finished = import with
        {
            FileName = "renamed.txt",
            InitiatedBy = "someone-else",
            IsPreview = true,
            Status = ImportStatus.CompletedWithErrors,
            Counts = new OutcomeCounts { Invited = 10, Failed = 2, Skipped = 1 },
            CreatedAt = import.CreatedAt.AddSeconds(1),
            CompletedAt = T0.AddMinutes(5).ToOffset(TimeSpan.FromHours(2)),
            ParserName = "text",
            Error = "2 invitations failed.",
        };

        await Store.UpdateImportAsync(finished);
        await ReopenAsync();
        var afterUpdate = await Store.GetImportAsync(TenantA, import.ImportId);
        await Store.UpdateImportAsync(import);
        var afterRevert = await Store.GetImportAsync(TenantA, import.ImportId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterUpdate, Is.EqualTo(finished));
            Assert.That(afterUpdate!.CompletedAt!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(afterRevert, Is.EqualTo(import), "nulls replace values");
        }
    }

    /// <summary>An import id cannot be created twice even by another tenant.</summary>
    [Test]
    public async Task An_import_id_cannot_be_created_twice_even_by_another_tenant()
    {
        var import = await CreateImportAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.CreateImportAsync(import with { FileName = "again.txt" }), Throws.InvalidOperationException);
            Assert.That(() => Store.CreateImportAsync(import with { TenantId = TenantB }), Throws.InvalidOperationException);
            Assert.That(await Store.GetImportAsync(TenantA, import.ImportId), Is.EqualTo(import));
            Assert.That(await Store.GetImportAsync(TenantB, import.ImportId), Is.Null);
        }
    }

    /// <summary>An unknown import reads as null and cannot be updated.</summary>
    [Test]
    public async Task An_unknown_import_reads_as_null_and_cannot_be_updated()
    {
        await CreateImportAsync();
        var unknown = NewImport();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetImportAsync(TenantA, unknown.ImportId), Is.Null);
            Assert.That(() => Store.UpdateImportAsync(unknown), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(await Store.GetImportAsync(TenantA, unknown.ImportId), Is.Null, "an update creates nothing");
        }
    }

    /// <summary>History is newest first by instant and ties go by import id descending.</summary>
    [Test]
    public async Task History_is_newest_first_by_instant_and_ties_go_by_import_id_descending()
    {
        var imports = new List<BulkInviteReport>();
        Guid[] tied = [new("80000000-0000-0000-0000-000000000000"), new("7fffffff-ffff-ffff-ffff-ffffffffffff"), new("80000000-0000-0000-0000-000000000001"), new("00000000-0000-0000-ff00-000000000000")];
        foreach (var id in tied)
        {
            imports.Add(NewImport(minutes: 10) with { ImportId = id });
        }

        imports.Add(NewImport(minutes: 5));
        imports.Add(NewImport(minutes: 20));

        // 10:00 at UTC+2 is 08:00 UTC: older than everything else despite its larger local time.
        imports.Add(NewImport() with { CreatedAt = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(2)) });
        foreach (var import in imports.OrderBy(_ => Guid.NewGuid()))
        {
            await Store.CreateImportAsync(import);
        }

        await ReopenAsync();
        var page = await Store.ListImportsAsync(TenantA, new ImportQuery());

        var expected = imports.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.ImportId).Select(i => i.ImportId);
        Assert.That(page.Items.Select(i => i.ImportId), Is.EqualTo(expected));
        Assert.That(page.Items, Is.EquivalentTo(imports));
    }

    /// <summary>History pages by offset with total count and has more.</summary>
    [Test]
    public async Task History_pages_by_offset_with_total_count_and_has_more()
    {
        var imports = new List<BulkInviteReport>();
        for (var i = 0; i < 5; i++)
        {
            imports.Add(await CreateImportAsync(minutes: i));
        }

        var newestFirst = imports.AsEnumerable().Reverse().Select(i => i.ImportId).ToList();
        var first = await Store.ListImportsAsync(TenantA, new ImportQuery { Limit = 2 });
        var middle = await Store.ListImportsAsync(TenantA, new ImportQuery { Offset = 2, Limit = 2 });
        var last = await Store.ListImportsAsync(TenantA, new ImportQuery { Offset = 4, Limit = 2 });
        var exact = await Store.ListImportsAsync(TenantA, new ImportQuery { Offset = 3, Limit = 2 });
        var beyond = await Store.ListImportsAsync(TenantA, new ImportQuery { Offset = 7, Limit = 2 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Items.Select(i => i.ImportId), Is.EqualTo(newestFirst[..2]));
            Assert.That((first.TotalCount, first.HasMore), Is.EqualTo((5L, true)));
            Assert.That(middle.Items.Select(i => i.ImportId), Is.EqualTo(newestFirst[2..4]));
            Assert.That((middle.TotalCount, middle.HasMore), Is.EqualTo((5L, true)));
            Assert.That(last.Items.Select(i => i.ImportId), Is.EqualTo(newestFirst[4..]));
            Assert.That((last.TotalCount, last.HasMore), Is.EqualTo((5L, false)));
            Assert.That((exact.Items.Count, exact.HasMore), Is.EqualTo((2, false)), "a page that ends exactly at the last import");
            Assert.That((beyond.Items.Count, beyond.TotalCount, beyond.HasMore), Is.EqualTo((0, 5L, false)));
        }
    }

    /// <summary>History filters from inclusive and to exclusive by instant.</summary>
    [Test]
    public async Task History_filters_from_inclusive_and_to_exclusive_by_instant()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateImportAsync(minutes: i);
        }

        var between = await Store.ListImportsAsync(TenantA, new ImportQuery { From = T0.AddMinutes(1), To = T0.AddMinutes(3) });

        // The same instants written at another offset select the same imports.
        var otherOffset = await Store.ListImportsAsync(TenantA, new ImportQuery
        {
            From = T0.AddMinutes(1).ToOffset(TimeSpan.FromHours(-5)),
            To = T0.AddMinutes(3).ToOffset(TimeSpan.FromHours(9)),
        });
        var fromOnly = await Store.ListImportsAsync(TenantA, new ImportQuery { From = T0.AddMinutes(3) });
        var toOnly = await Store.ListImportsAsync(TenantA, new ImportQuery { To = T0.AddMinutes(1), Limit = 1 });
        var filteredPage = await Store.ListImportsAsync(TenantA, new ImportQuery { From = T0.AddMinutes(1), Limit = 2 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(between.Items.Select(i => i.FileName), Is.EqualTo(new[] { "invitees-2.txt", "invitees-1.txt" }));
            Assert.That(between.TotalCount, Is.EqualTo(2));
            Assert.That(otherOffset.Items.Select(i => i.FileName), Is.EqualTo(new[] { "invitees-2.txt", "invitees-1.txt" }));
            Assert.That(fromOnly.Items.Select(i => i.FileName), Is.EqualTo(new[] { "invitees-4.txt", "invitees-3.txt" }));
            Assert.That((toOnly.Items.Single().FileName, toOnly.TotalCount, toOnly.HasMore), Is.EqualTo(("invitees-0.txt", 1L, false)));
            Assert.That((filteredPage.TotalCount, filteredPage.HasMore), Is.EqualTo((4L, true)));
        }
    }

    /// <summary>History leaves out previews unless asked.</summary>
    [Test]
    public async Task History_leaves_out_previews_unless_asked()
    {
        var real = await CreateImportAsync(minutes: 0);
        var preview = await CreateImportAsync(minutes: 1, preview: true);
        var later = await CreateImportAsync(minutes: 2);

        var without = await Store.ListImportsAsync(TenantA, new ImportQuery());
        var with = await Store.ListImportsAsync(TenantA, new ImportQuery { IncludePreviews = true });
        var withPaged = await Store.ListImportsAsync(TenantA, new ImportQuery { IncludePreviews = true, Offset = 1, Limit = 1 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(without.Items.Select(i => i.ImportId), Is.EqualTo(new[] { later.ImportId, real.ImportId }));
            Assert.That(without.TotalCount, Is.EqualTo(2));
            Assert.That(with.Items.Select(i => i.ImportId), Is.EqualTo(new[] { later.ImportId, preview.ImportId, real.ImportId }));
            Assert.That(with.TotalCount, Is.EqualTo(3));
            Assert.That((withPaged.Items.Single().ImportId, withPaged.HasMore), Is.EqualTo((preview.ImportId, true)));
        }
    }
}
