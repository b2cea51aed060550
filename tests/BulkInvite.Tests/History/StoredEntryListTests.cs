using BulkInvite.History;
using BulkInvite.Pipeline;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.History;

/// <summary>The in-memory store's entry list: chunks of entries, addresses in blocks of text.</summary>
[TestFixture]
public sealed class StoredEntryListTests
{
    private static InviteEntryResult Entry(long sequence, string? address = null) => new()
    {
        Sequence = sequence,
        Line = sequence + 1,
        Address = address ?? $"user{sequence}@example.com",
        Outcome = InviteOutcome.Pending,
        DisplayName = sequence % 7 == 0 ? "Name" : null,
        DuplicateOfLine = sequence % 5 == 0 ? 3 : null,
        UpdatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)),
    };

    [Test]
    public void Entries_across_many_chunks_and_text_blocks_come_back_as_they_were_given()
    {
        var list = new StoredEntryList();
        var given = Enumerable.Range(1, 20_000).Select(i => Entry(i, i % 1000 == 0 ? new string('x', 5000) + "@example.com" : null)).ToList();
        foreach (var entry in given)
        {
            list.Add(entry);
        }

        Assert.That(list.Count, Is.EqualTo(given.Count));
        for (var i = 0; i < given.Count; i++)
        {
            Assert.That(list.ToResult(i), Is.EqualTo(given[i]).UsingPropertiesComparer());
        }
    }

    [Test]
    public void An_entry_is_changed_in_place_and_handed_out_as_a_new_object()
    {
        var list = new StoredEntryList();
        var entry = Entry(1);
        list.Add(entry);

        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromMinutes(-210));
        var before = list.Update(0, new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, Detail = "250 2.0.0 queued", StatusCode = 250, UpdatedAt = at });

        var result = list.ToResult(0);
        Assert.That(before, Is.EqualTo(InviteOutcome.Pending));
        Assert.That(result, Is.Not.SameAs(entry));
        Assert.That(result, Is.EqualTo(entry.With(d => { d.Outcome = InviteOutcome.Invited; d.Detail = "250 2.0.0 queued"; d.StatusCode = 250; d.UpdatedAt = at; })).UsingPropertiesComparer());
        Assert.That(result.UpdatedAt.Offset, Is.EqualTo(TimeSpan.FromMinutes(-210)));
        Assert.That(entry.Outcome, Is.EqualTo(InviteOutcome.Pending), "what was handed in is not changed");
    }

    [Test]
    public void Optional_values_keep_the_difference_between_none_and_zero()
    {
        var list = new StoredEntryList();
        var zero = Entry(1).With(d => { d.DuplicateOfLine = 0; d.StatusCode = 0; d.Reason = ""; d.Detail = ""; });
        var none = Entry(2).With(d => { d.DuplicateOfLine = null; d.StatusCode = null; d.Reason = null; d.Detail = null; d.DisplayName = null; });
        list.Add(zero);
        list.Add(none);

        Assert.That(list.ToResult(0), Is.EqualTo(zero).UsingPropertiesComparer());
        Assert.That(list.ToResult(1), Is.EqualTo(none).UsingPropertiesComparer());
    }

    [Test]
    public void An_update_replaces_the_detail_and_status_it_had()
    {
        var list = new StoredEntryList();
        list.Add(Entry(1).With(d => { d.Detail = "first"; d.StatusCode = 451; d.Reason = InviteReasonCodes.Rejected; }));
        var at = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

        list.Update(0, new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Failed, Reason = InviteReasonCodes.SenderError, Detail = "second", UpdatedAt = at });
        Assert.That(list.ToResult(0).Detail, Is.EqualTo("second"));
        Assert.That(list.ToResult(0).StatusCode, Is.Null);
        Assert.That(list.ToResult(0).Reason, Is.EqualTo(InviteReasonCodes.SenderError));

        list.Update(0, new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = at });
        Assert.That(list.ToResult(0), Is.EqualTo(Entry(1).With(d => { d.Outcome = InviteOutcome.Invited; d.StatusCode = 250; d.UpdatedAt = at; })).UsingPropertiesComparer());
        Assert.That(SideTable(list).Count(o => o is not null), Is.Zero, "the detail dropped leaves nothing behind");
    }

    [Test]
    public void A_stored_entry_is_64_bytes_of_plain_values()
    {
        Assert.That(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<StoredEntry>(), Is.False);
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<StoredEntry>(), Is.EqualTo(64));
    }

    [Test]
    public void Entries_inserted_out_of_order_keep_their_places()
    {
        var list = new StoredEntryList();
        list.Add(Entry(1));
        list.Add(Entry(3));
        list.Insert(1, Entry(2));

        Assert.That(Enumerable.Range(0, list.Count).Select(i => list.ToResult(i).Address), Is.EqualTo(new[] { "user1@example.com", "user2@example.com", "user3@example.com" }));
    }

    [Test]
    public void Removed_entries_leave_no_trace_of_their_address()
    {
        var list = new StoredEntryList();
        for (var i = 1; i <= 10; i++)
        {
            list.Add(Entry(i, i % 2 == 0 ? "forget.me@example.com" : null));
        }

        var removed = list.RemoveAll((_, address) => address.Equals("FORGET.ME@example.com", StringComparison.OrdinalIgnoreCase));

        Assert.That(removed, Is.EqualTo(5));
        Assert.That(Enumerable.Range(0, list.Count).Select(i => list.ToResult(i).Sequence), Is.EqualTo(new long[] { 1, 3, 5, 7, 9 }));
        var blocks = (List<char[]>)typeof(StoredEntryList).GetField("_text", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(list)!;
        Assert.That(new string(blocks[0]), Does.Not.Contain("forget.me"));
        Assert.That(new string(blocks[0]), Does.Contain("user9@example.com"));
    }

    [Test]
    public void Removed_entries_leave_nothing_in_the_side_table()
    {
        var list = new StoredEntryList();
        var longAddress = new string('f', 2000) + "@example.com";
        list.Add(Entry(1).With(d => { d.Detail = "550 <forget.me@example.com> rejected"; d.DisplayName = "Forget Me"; d.Fields = new Dictionary<string, string> { ["team"] = "x" }; }));
        list.Add(Entry(2, longAddress).With(d => { d.Detail = "kept"; }));
        list.Add(Entry(3).With(d => { d.Detail = "also kept"; }));

        Assert.That(list.RemoveAll((entry, _) => entry.Sequence <= 2), Is.EqualTo(2));

        Assert.That(SideTable(list).OfType<string>(), Is.EqualTo(new[] { "also kept" }));
        Assert.That(SideTable(list).Count(o => o is not null), Is.EqualTo(1));
        Assert.That(list.ToResult(0), Is.EqualTo(Entry(3).With(d => { d.Detail = "also kept"; })).UsingPropertiesComparer());
    }

    [Test]
    public void Clearing_wipes_every_address_and_leaves_a_list_that_takes_new_entries()
    {
        var list = new StoredEntryList();
        for (var i = 1; i <= 5_000; i++)
        {
            list.Add(Entry(i).With(d => { d.Detail = "detail"; }));
        }

        var blocks = ((List<char[]>)typeof(StoredEntryList).GetField("_text", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(list)!).ToArray();

        list.Clear();
        list.Add(Entry(1, "new@example.com"));

        Assert.That(blocks.Select(b => b.AsSpan().IndexOfAnyExcept('\0')), Is.All.EqualTo(-1), "the blocks let go hold no address");
        Assert.That(SideTable(list).Count(o => o is not null), Is.Zero);
        Assert.That((list.Count, list.ToResult(0).Address), Is.EqualTo((1, "new@example.com")));
    }

    [Test]
    public void Repeated_updates_take_the_side_table_rows_let_go_instead_of_adding_new_ones()
    {
        const int Entries = 1_000;
        const int Rounds = 100;
        var list = new StoredEntryList();
        for (var i = 0; i < Entries; i++)
        {
            list.Add(Entry(i).With(d => d.DisplayName = null));
        }

        var at = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            // A send that fails with a detail, then a retry that succeeds without one: a row taken and let go each time.
            for (var i = 0; i < Entries; i++)
            {
                list.Update(i, Update(i, InviteOutcome.Failed, $"451 try later ({round})", at));
            }

            for (var i = 0; i < Entries; i++)
            {
                list.Update(i, Update(i, InviteOutcome.Invited, null, at));
            }

            rows.Add(SideTable(list).Count);
        }

        // Without reuse the table would have 1 + Entries * Rounds = 100,001 rows by now, one for every detail ever stored.
        Assert.That(rows, Is.All.EqualTo(1 + Entries), "row 0 and one row for each entry's detail, whatever the round");
        Assert.That(SideTable(list).Count(o => o is not null), Is.Zero);

        list.Update(7, Update(7, InviteOutcome.Failed, "550 no such user", at));
        Assert.That(list.ToResult(7).Detail, Is.EqualTo("550 no such user"));
        Assert.That(SideTable(list), Has.Count.EqualTo(1 + Entries));
    }

    [Test]
    public void Rows_of_removed_entries_are_taken_by_the_entries_added_after_them()
    {
        var list = new StoredEntryList();
        var longAddress = new string('l', 2000) + "@example.com";
        for (var round = 0; round < 50; round++)
        {
            list.Add(Entry(1).With(d => { d.Detail = "detail"; d.DisplayName = "Name"; }));
            list.Add(Entry(2, longAddress));
            list.RemoveAll((_, _) => true);
        }

        list.Add(Entry(3).With(d => d.Detail = "kept"));

        Assert.That(SideTable(list), Has.Count.EqualTo(4), "row 0 and the three rows of the first round, taken again in every round");
        Assert.That(list.ToResult(0), Is.EqualTo(Entry(3).With(d => d.Detail = "kept")).UsingPropertiesComparer());
    }

    private static InviteEntryUpdate Update(long sequence, InviteOutcome outcome, string? detail, DateTimeOffset at)
        => new() { Sequence = sequence, Outcome = outcome, Detail = detail, UpdatedAt = at };

    private static List<object?> SideTable(StoredEntryList list)
        => (List<object?>)typeof(StoredEntryList).GetField("_side", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(list)!;

    [Test]
    public void Reading_outside_the_list_is_refused()
    {
        var list = new StoredEntryList();
        list.Add(Entry(1));
        Assert.That(() => list[1], Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => list.Insert(3, Entry(2)), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
