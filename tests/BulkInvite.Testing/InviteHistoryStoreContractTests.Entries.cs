namespace BulkInvite.Testing;

/// <content>Entries: adding, keyset paging, outcome filters, counts and updates.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>Entries read back in sequence order a page at a time.</summary>
    [Test]
    public async Task Entries_read_back_in_sequence_order_a_page_at_a_time()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, Enumerable.Range(1, 25).Select(i => NewEntry(i)).ToList());
        await ReopenAsync();

        var first = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Limit = 10 });
        var second = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Limit = 10, AfterSequence = 10 });
        var last = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Limit = 10, AfterSequence = 20 });
        var exact = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Limit = 5, AfterSequence = 20 });
        var beyond = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { AfterSequence = 25 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Items.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 10).Select(i => (long)i)));
            Assert.That((first.TotalCount, first.HasMore), Is.EqualTo((25L, true)));
            Assert.That(second.Items.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(11, 10).Select(i => (long)i)));
            Assert.That((second.TotalCount, second.HasMore), Is.EqualTo((25L, true)));
            Assert.That(last.Items.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(21, 5).Select(i => (long)i)));
            Assert.That((last.TotalCount, last.HasMore), Is.EqualTo((25L, false)));
            Assert.That((exact.Items.Count, exact.HasMore), Is.EqualTo((5, false)), "a page that ends exactly at the last entry");
            Assert.That((beyond.Items.Count, beyond.TotalCount, beyond.HasMore), Is.EqualTo((0, 25L, false)));
            Assert.That(first.Items[0], Is.EqualTo(NewEntry(1)).UsingPropertiesComparer());
        }
    }

    /// <summary>Pages end at <see cref="EntryQuery.LastSequence"/>, for all entries, pending ones and one other outcome.</summary>
    [Test]
    public async Task Pages_end_at_the_last_sequence_of_their_range_for_every_outcome_filter()
    {
        var import = await CreateImportAsync();
        var entries = Enumerable.Range(1, 40).Select(i => NewEntry(i, i % 4 == 0 ? InviteOutcome.Failed : i % 4 == 1 ? InviteOutcome.Invited : InviteOutcome.Pending)).ToList();
        await Store.AddEntriesAsync(TenantA, import.ImportId, entries);
        await ReopenAsync();

        async Task<(long[] Sequences, bool HasMore, long Total)> ReadAsync(InviteOutcome? outcome, long after, long last, int limit)
        {
            var page = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Outcome = outcome, AfterSequence = after, LastSequence = last, Limit = limit });
            return (page.Items.Select(e => e.Sequence).ToArray(), page.HasMore, page.TotalCount);
        }

        long[] Expected(InviteOutcome? outcome, long after, long last, int limit)
            => entries.Where(e => (outcome is null || e.Outcome == outcome) && e.Sequence > after && e.Sequence <= last).Select(e => e.Sequence).Take(limit).ToArray();

        using (Assert.EnterMultipleScope())
        {
            foreach (var outcome in new InviteOutcome?[] { null, InviteOutcome.Pending, InviteOutcome.Failed })
            {
                var total = entries.LongCount(e => outcome is null || e.Outcome == outcome);
                Assert.That(await ReadAsync(outcome, 10, 20, 100), Is.EqualTo((Expected(outcome, 10, 20, 100), false, total)), $"{outcome}: the whole range in one page");
                Assert.That(await ReadAsync(outcome, 10, 30, 2), Is.EqualTo((Expected(outcome, 10, 30, 2), true, total)), $"{outcome}: a page within the range");
                var upToEnd = Expected(outcome, 10, 30, 100);
                Assert.That(await ReadAsync(outcome, 10, 30, upToEnd.Length), Is.EqualTo((upToEnd, false, total)), $"{outcome}: a page that ends with the range has no more");
                Assert.That((await ReadAsync(outcome, 20, 20, 10)).Sequences, Is.Empty, $"{outcome}: an empty range");
                Assert.That((await ReadAsync(outcome, 38, long.MaxValue, 10)).Sequences, Is.EqualTo(Expected(outcome, 38, long.MaxValue, 10)), $"{outcome}: to the end");
            }
        }

        Assert.That(
            () => Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { LastSequence = -1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>An import without entries has an empty first page.</summary>
    [Test]
    public async Task An_import_without_entries_has_an_empty_first_page()
    {
        var import = await CreateImportAsync();

        var page = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery());
        var filtered = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited });

        Assert.That((page.Items.Count, page.TotalCount, page.HasMore, filtered.Items.Count, filtered.TotalCount), Is.EqualTo((0, 0L, false, 0, 0L)));
    }

    /// <summary>Entries of one outcome are paged by keyset and counted per outcome.</summary>
    [Test]
    public async Task Entries_of_one_outcome_are_paged_by_keyset_and_counted_per_outcome()
    {
        var import = await CreateImportAsync();
        var outcomes = Enum.GetValues<InviteOutcome>().Where(o => o != InviteOutcome.Skipped).ToArray();
        var entries = Enumerable.Range(1, outcomes.Length * 10).Select(i => NewEntry(i, outcomes[i % outcomes.Length])).ToList();
        await Store.AddEntriesAsync(TenantA, import.ImportId, entries);
        await ReopenAsync();

        var invitedAfter = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited, AfterSequence = 30, Limit = 3 });
        var skipped = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Skipped });

        var expectedInvited = entries.Where(e => e.Outcome == InviteOutcome.Invited).Select(e => e.Sequence).ToList();
        using (Assert.EnterMultipleScope())
        {
            foreach (var outcome in outcomes)
            {
                Assert.That(await CountAsync(TenantA, import.ImportId, outcome), Is.EqualTo(10), outcome.ToString());
                Assert.That(
                    (await ReadAllEntriesAsync(TenantA, import.ImportId, outcome)).Select(e => e.Sequence),
                    Is.EqualTo(entries.Where(e => e.Outcome == outcome).Select(e => e.Sequence)),
                    outcome.ToString());
            }

            Assert.That(await CountAsync(TenantA, import.ImportId, null), Is.EqualTo(outcomes.Length * 10));
            Assert.That(invitedAfter.Items.Select(e => e.Sequence), Is.EqualTo(expectedInvited.Where(s => s > 30).Take(3)));
            Assert.That(invitedAfter.Items.Select(e => e.Outcome), Is.All.EqualTo(InviteOutcome.Invited));
            Assert.That((invitedAfter.TotalCount, invitedAfter.HasMore), Is.EqualTo((10L, true)));
            Assert.That((skipped.Items.Count, skipped.TotalCount, skipped.HasMore), Is.EqualTo((0, 0L, false)));
        }
    }

    /// <summary>Every field of an entry round trips.</summary>
    [Test]
    public async Task Every_field_of_an_entry_round_trips()
    {
        var import = await CreateImportAsync();
        var entry = new InviteEntryResult
        {
            Sequence = 3,
            Line = 2,
            Address = "dup@example.com",
            Outcome = InviteOutcome.Duplicate,
            Reason = "DuplicateOfLine",
            Detail = "The same address is on line 1.",
            DuplicateOfLine = 1,
            StatusCode = 550,
            DisplayName = "Dup Licate",
            Fields = new Dictionary<string, string> { ["team"] = "sales" },
            UpdatedAt = new DateTimeOffset(2026, 4, 5, 6, 7, 8, TimeSpan.FromMinutes(-150)).AddTicks(9_876_543),
        };

        await Store.AddEntriesAsync(TenantA, import.ImportId, [entry]);
        await ReopenAsync();
        var read = (await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery())).Items.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.EqualTo(entry).UsingPropertiesComparer());
            Assert.That(read.Fields, Is.EquivalentTo(entry.Fields));
            Assert.That(read.UpdatedAt.EqualsExact(entry.UpdatedAt), Is.True, "same instant and offset");
        }
    }

    /// <summary>
    /// In one batch, every entry keeps its own values and its own nulls, whatever the entry before it had: all six
    /// optional fields, none, some; addresses in ASCII, in other scripts, and one of over 3,000 bytes (an invalid
    /// entry's text is stored as read); times shared by a few rows, and one instant in two offsets.
    /// </summary>
    [Test]
    public async Task Entries_of_one_batch_keep_each_its_own_values_and_nulls()
    {
        var import = await CreateImportAsync();
        var longText = string.Concat(Enumerable.Repeat("ünïcödé-", 300)) + "@example.com";
        InviteEntryResult Entry(long sequence, string address, InviteOutcome outcome, string? reason = null, string? detail = null, long? duplicateOf = null, int? status = null, string? name = null, Dictionary<string, string>? fields = null)
            => new()
            {
                Sequence = sequence, Line = sequence * 2, Address = address, Outcome = outcome, Reason = reason, Detail = detail,
                DuplicateOfLine = duplicateOf, StatusCode = status, DisplayName = name, Fields = fields,
                // Runs of rows with one time, and in them the same instant in another offset.
                UpdatedAt = sequence % 4 == 0 ? T0.AddSeconds(sequence / 3).ToOffset(TimeSpan.FromMinutes(150)) : T0.AddSeconds(sequence / 3),
            };

        // Nine shapes, repeated five times: 45 entries, in which each optional field goes from a value to null and back.
        var entries = Enumerable.Range(0, 5).SelectMany(round =>
        {
            var s = round * 9;
            return new[]
            {
                Entry(s + 1, $"first{round}@example.com", InviteOutcome.Failed, "Rejected", "550 no such user", null, 550, "First", new() { ["team"] = "a" }),
                Entry(s + 2, $"second{round}@example.com", InviteOutcome.Pending),
                Entry(s + 3, $"Third{round}@Example.com", InviteOutcome.Duplicate, "DuplicateOfLine", null, 2),
                Entry(s + 4, $"fourth{round}@example.com", InviteOutcome.Pending, name: "Fourth"),
                Entry(s + 5, $"пользователь{round}@пример.рф", InviteOutcome.Pending, fields: new() { ["city"] = "Zürich" }),
                Entry(s + 6, longText + round, InviteOutcome.Invalid, "LocalPartTooLong"),
                Entry(s + 7, $"seventh{round}@example.com", InviteOutcome.Pending),
                Entry(s + 8, $"eighth{round}@example.com", InviteOutcome.Failed, detail: "421 try later", status: 421),
                Entry(s + 9, $"ninth{round}@example.com", InviteOutcome.Pending),
            };
        }).ToArray();

        await Store.AddEntriesAsync(TenantA, import.ImportId, entries);
        await ReopenAsync();
        var read = await ReadAllEntriesAsync(TenantA, import.ImportId);

        Assert.That(read, Has.Count.EqualTo(entries.Length));
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < entries.Length; i++)
            {
                Assert.That(read[i], Is.EqualTo(entries[i]).UsingPropertiesComparer(), $"entry {entries[i].Sequence}");
                Assert.That(read[i].UpdatedAt.EqualsExact(entries[i].UpdatedAt), Is.True, $"entry {entries[i].Sequence}: same instant and offset");
            }
        }
    }

    /// <summary>Fields and display names round trip including non ascii and null.</summary>
    [Test]
    public async Task Fields_and_display_names_round_trip_including_non_ascii_and_null()
    {
        var import = await CreateImportAsync();
        var unusual = new Dictionary<string, string>
        {
            ["名前"] = "山田 太郎",
            ["city"] = "Zürich",
            ["emoji"] = "🎉 party",
            ["quoted"] = "\"a, b\"; c\td\r\ne",
            ["empty"] = string.Empty,
            ["Case"] = "upper",
            ["case"] = "lower",
        };
        InviteEntryResult[] entries =
        [
            new() { Sequence = 1, Line = 1, Address = "user1@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0, DisplayName = "Zoë Ångström-Øster 山田", Fields = unusual },
            new() { Sequence = 2, Line = 2, Address = "user2@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0, DisplayName = null, Fields = null },
            new() { Sequence = 3, Line = 3, Address = "user3@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0, DisplayName = string.Empty, Fields = new Dictionary<string, string>() },
        ];

        await Store.AddEntriesAsync(TenantA, import.ImportId, entries);
        await ReopenAsync();
        var read = (await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery())).Items;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read[0].DisplayName, Is.EqualTo("Zoë Ångström-Øster 山田"));
            Assert.That(read[0].Fields, Is.EquivalentTo(unusual));
            Assert.That(read[1].DisplayName, Is.Null);
            Assert.That(read[1].Fields, Is.Null);
            Assert.That(read[2].DisplayName, Is.Empty);
            Assert.That(read[2].Fields, Is.Not.Null.And.Empty);
        }
    }

    /// <summary>Updates change outcome reason detail status code and time and keep the rest.</summary>
    [Test]
    public async Task Updates_change_outcome_reason_detail_status_code_and_time_and_keep_the_rest()
    {
        var import = await CreateImportAsync();
        var staged = new InviteEntryResult
        {
            Sequence = 1, Line = 1, Address = "user1@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0,
            DisplayName = "Ann", Fields = new Dictionary<string, string> { ["a"] = "1" }, Reason = "Staged", Detail = "d", StatusCode = 1,
        };
        await Store.AddEntriesAsync(TenantA, import.ImportId, [staged, NewEntry(2)]);
        var failedAt = T0.AddMinutes(3).ToOffset(TimeSpan.FromHours(1)).AddTicks(5);

        await Store.UpdateEntriesAsync(TenantA, import.ImportId, [new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Failed, Reason = "Rejected", Detail = "550 5.1.1 no such user", StatusCode = 550, UpdatedAt = failedAt }]);
        await Store.UpdateEntriesAsync(TenantA, import.ImportId, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0.AddMinutes(4) }]);
        await ReopenAsync();
        var read = (await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery())).Items;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read[0], Is.EqualTo(new InviteEntryResult
            {
                Sequence = 1, Line = 1, Address = "user1@example.com", Outcome = InviteOutcome.Invited, UpdatedAt = T0.AddMinutes(4),
                DisplayName = "Ann", Fields = new Dictionary<string, string> { ["a"] = "1" },
            }).UsingPropertiesComparer(), "the reason, detail and status code are cleared; display name and fields kept");
            Assert.That(read[1], Is.EqualTo(new InviteEntryResult
            {
                Sequence = 2, Line = 2, Address = "user2@example.com", Outcome = InviteOutcome.Failed, UpdatedAt = failedAt,
                Reason = "Rejected", Detail = "550 5.1.1 no such user", StatusCode = 550,
            }).UsingPropertiesComparer());
            Assert.That(read[1].UpdatedAt.EqualsExact(failedAt), Is.True, "same instant and offset");
        }
    }

    /// <summary>Updates move counts between outcomes.</summary>
    [Test]
    public async Task Updates_move_counts_between_outcomes()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, Enumerable.Range(1, 10).Select(i => NewEntry(i)).ToList());

        await Store.UpdateEntriesAsync(TenantA, import.ImportId,
        [
            new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 },
            new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 },
            new InviteEntryUpdate { Sequence = 3, Outcome = InviteOutcome.Failed, Reason = "Rejected", StatusCode = 550, UpdatedAt = T0 },
            new InviteEntryUpdate { Sequence = 3, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0.AddSeconds(1) },
            new InviteEntryUpdate { Sequence = 4, Outcome = InviteOutcome.Skipped, Reason = "Cancelled", UpdatedAt = T0 },
        ]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Pending), Is.EqualTo(6));
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invited), Is.EqualTo(3), "the last update of an entry in a batch wins");
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Failed), Is.Zero);
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Skipped), Is.EqualTo(1));
            Assert.That(await CountAsync(TenantA, import.ImportId, null), Is.EqualTo(10));
            Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId, InviteOutcome.Invited)).Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
        }
    }

    /// <summary>Entries added out of order read back in sequence order.</summary>
    [Test]
    public async Task Entries_added_out_of_order_read_back_in_sequence_order()
    {
        var import = await CreateImportAsync();

        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(10), NewEntry(20)]);
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(15), NewEntry(5)]);
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1, InviteOutcome.Invalid)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 5, 10, 15, 20 }));
            Assert.That((await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { AfterSequence = 5, Limit = 2 })).Items.Select(e => e.Sequence), Is.EqualTo(new long[] { 10, 15 }));
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invalid), Is.EqualTo(1));
        }
    }

    /// <summary>Adding a sequence that exists throws and keeps the stored entry.</summary>
    [Test]
    public async Task Adding_a_sequence_that_exists_throws_and_keeps_the_stored_entry()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1), NewEntry(3)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1, InviteOutcome.Invalid, "other@example.com")]), Throws.InvalidOperationException);
            Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(7), NewEntry(7)]), Throws.InvalidOperationException, "twice in one batch");
        }

        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(2)]);
        var entries = await ReadAllEntriesAsync(TenantA, import.ImportId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries.Where(e => e.Sequence <= 3), Is.EqualTo(new[] { NewEntry(1), NewEntry(2), NewEntry(3) }).UsingPropertiesComparer());
            Assert.That(entries.Count(e => e.Sequence == 7), Is.Zero, "a batch is added whole or not at all");
            Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invalid), Is.Zero);
        }
    }

    /// <summary>A sequence that exists, in the middle of a batch of 40, fails the whole batch: nothing of it is stored.</summary>
    [Test]
    public async Task A_sequence_that_exists_in_the_middle_of_a_large_batch_fails_it_and_nothing_of_the_batch_is_stored()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(23)]);

        var batch = Enumerable.Range(1, 40).Select(i => NewEntry(i, InviteOutcome.Invalid, $"batch{i}@example.com")).ToList();
        Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, batch), Throws.InvalidOperationException);

        var entries = await ReadAllEntriesAsync(TenantA, import.ImportId);
        Assert.That(entries.Select(e => e.Sequence), Is.EqualTo(new[] { 23L }));
    }

    /// <summary>An entry without an address, in the middle of a batch, fails the batch before anything of it is stored.</summary>
    [Test]
    public async Task An_entry_without_an_address_fails_its_batch_before_anything_is_stored()
    {
        var import = await CreateImportAsync();
        var batch = Enumerable.Range(1, 20).Select(i => NewEntry(i)).ToList();
        batch[10] = new InviteEntryResult { Sequence = 11, Line = 11, Address = null!, Outcome = InviteOutcome.Pending };

        Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, batch), Throws.ArgumentException.With.Property("ParamName").EqualTo("entries"));
        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.Empty);
    }

    /// <summary>An entry of an outcome <see cref="InviteOutcome"/> does not define fails its batch before anything of it is stored.</summary>
    [Test]
    public async Task An_entry_of_an_undefined_outcome_fails_its_batch_before_anything_is_stored()
    {
        var import = await CreateImportAsync();
        var batch = Enumerable.Range(1, 20).Select(i => NewEntry(i)).ToList();
        batch[10] = new InviteEntryResult { Sequence = 11, Line = 11, Address = "x@example.com", Outcome = (InviteOutcome)99 };

        Assert.That(() => Store.AddEntriesAsync(TenantA, import.ImportId, batch), Throws.ArgumentException.With.Property("ParamName").EqualTo("entries"));
        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.Empty);
    }

    /// <summary>Updating an entry that does not exist throws KeyNotFoundException.</summary>
    [Test]
    public async Task Updating_an_entry_that_does_not_exist_throws_KeyNotFoundException()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)]);

        Assert.That(
            () => Store.UpdateEntriesAsync(TenantA, import.ImportId, [new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]),
            Throws.InstanceOf<KeyNotFoundException>());
        Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invited), Is.Zero);
    }

    /// <summary>Entries of an unknown import cannot be added or updated and read as empty.</summary>
    [Test]
    public async Task Entries_of_an_unknown_import_cannot_be_added_or_updated_and_read_as_empty()
    {
        await CreateImportAsync();
        var unknown = Guid.NewGuid();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.AddEntriesAsync(TenantA, unknown, [NewEntry(1)]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => Store.UpdateEntriesAsync(TenantA, unknown, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]), Throws.InstanceOf<KeyNotFoundException>());
            var page = await Store.ListEntriesAsync(TenantA, unknown, new EntryQuery());
            Assert.That((page.Items.Count, page.TotalCount, page.HasMore), Is.EqualTo((0, 0L, false)));
        }
    }

    /// <summary>Empty batches change nothing.</summary>
    [Test]
    public async Task Empty_batches_change_nothing()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)]);

        await Store.AddEntriesAsync(TenantA, import.ImportId, []);
        await Store.UpdateEntriesAsync(TenantA, import.ImportId, []);

        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.EqualTo(new[] { NewEntry(1) }).UsingPropertiesComparer());
    }

    /// <summary>Deleting an imports entries keeps its summary and every other imports entries.</summary>
    [Test]
    public async Task Deleting_an_imports_entries_keeps_its_summary_and_every_other_imports_entries()
    {
        var refused = await CreateImportAsync(minutes: 0);
        var other = await CreateImportAsync(minutes: 1);
        var theirs = await CreateImportAsync(TenantB, minutes: 2);
        var summary = refused with { Status = ImportStatus.Failed, Error = "The file holds more than 3 entries." };
        await Store.UpdateImportAsync(summary);
        await Store.AddEntriesAsync(TenantA, refused.ImportId, Enumerable.Range(1, 30).Select(i => NewEntry(i, i % 2 == 0 ? InviteOutcome.Invalid : InviteOutcome.Pending)).ToList());
        await Store.AddEntriesAsync(TenantA, other.ImportId, [NewEntry(1), NewEntry(2)]);
        await Store.AddEntriesAsync(TenantB, theirs.ImportId, [NewEntry(1)]);

        var deleted = await Store.DeleteEntriesAsync(TenantA, refused.ImportId);
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(30));
            Assert.That(await ReadAllEntriesAsync(TenantA, refused.ImportId), Is.Empty);
            Assert.That(await CountAsync(TenantA, refused.ImportId, null), Is.Zero);
            Assert.That(await CountAsync(TenantA, refused.ImportId, InviteOutcome.Invalid), Is.Zero);
            Assert.That(await Store.GetImportAsync(TenantA, refused.ImportId), Is.EqualTo(summary), "the summary and its reason stay");
            Assert.That(await CountAsync(TenantA, other.ImportId, null), Is.EqualTo(2));
            Assert.That(await CountAsync(TenantB, theirs.ImportId, null), Is.EqualTo(1));
            Assert.That(await Store.DeleteEntriesAsync(TenantA, refused.ImportId), Is.Zero, "nothing left to delete");
        }
    }

    /// <summary>Entries of another tenants or an unknown import are not deleted.</summary>
    [Test]
    public async Task Entries_of_another_tenants_or_an_unknown_import_are_not_deleted()
    {
        var theirs = await CreateImportAsync(TenantB);
        await Store.AddEntriesAsync(TenantB, theirs.ImportId, [NewEntry(1), NewEntry(2)]);

        var byOtherTenant = await Store.DeleteEntriesAsync(TenantA, theirs.ImportId);
        var unknown = await Store.DeleteEntriesAsync(TenantB, Guid.NewGuid());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((byOtherTenant, unknown), Is.EqualTo((0L, 0L)));
            Assert.That(await ReadAllEntriesAsync(TenantB, theirs.ImportId), Is.EqualTo(new[] { NewEntry(1), NewEntry(2) }).UsingPropertiesComparer());
        }
    }

    /// <summary>Entries added after an imports entries were deleted are kept.</summary>
    [Test]
    public async Task Entries_added_after_an_imports_entries_were_deleted_are_kept()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1), NewEntry(2)]);
        await Store.DeleteEntriesAsync(TenantA, import.ImportId);

        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1, InviteOutcome.Invalid)]);

        Assert.That(await ReadAllEntriesAsync(TenantA, import.ImportId), Is.EqualTo(new[] { NewEntry(1, InviteOutcome.Invalid) }).UsingPropertiesComparer());
        Assert.That(await CountAsync(TenantA, import.ImportId, InviteOutcome.Invalid), Is.EqualTo(1));
    }

    /// <summary>Deleting an imports entries rejects a null tenant and honours cancellation.</summary>
    [Test]
    public void Deleting_an_imports_entries_rejects_a_null_tenant_and_honours_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.DeleteEntriesAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => Store.DeleteEntriesAsync(TenantA, Guid.NewGuid(), cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
        }
    }
}
