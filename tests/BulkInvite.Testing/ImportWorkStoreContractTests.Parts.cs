namespace BulkInvite.Testing;

/// <content>Imports whose sending is shared: parts, each under a lease of its own (<see cref="IImportWorkStore.SplitAsync"/>).</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>Three parts of sequence numbers 1–100, 101–200 and 201 on.</summary>
    protected static readonly IReadOnlyList<ImportWorkPart> ThreeParts =
    [
        new ImportWorkPart { Number = 1, FirstSequence = 1, LastSequence = 100 },
        new ImportWorkPart { Number = 2, FirstSequence = 101, LastSequence = 200 },
        new ImportWorkPart { Number = 3, FirstSequence = 201, LastSequence = long.MaxValue },
    ];

    /// <summary>A split ends the import's lease and queues its parts, which are claimed in order, each once, with the import's item.</summary>
    [Test]
    public async Task A_split_import_is_sent_in_parts_each_claimed_once_and_the_import_itself_waits()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0, owner: OwnerA);
        Assert.That(await Work.SplitAsync(lease, ThreeParts, T0.AddSeconds(1)), Is.True);

        var claims = new List<ImportLease>();
        for (var i = 0; i < 4; i++)
        {
            if (await Work.ClaimAsync(i % 2 == 0 ? OwnerA : OwnerB, LeaseDuration, T0.AddSeconds(2)) is { } claim)
            {
                claims.Add(claim);
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claims.Select(c => c.Part?.Number), Is.EqualTo(new int?[] { 1, 2, 3 }), "the parts, in order, and not the import");
            Assert.That(claims.Select(c => (c.Part!.FirstSequence, c.Part.LastSequence)), Is.EqualTo(ThreeParts.Select(p => (p.FirstSequence, p.LastSequence))));
            Assert.That(claims.Select(c => (c.ImportId, c.TenantId, c.Item.FileName, c.Parts, c.Attempt)), Is.All.EqualTo((item.ImportId, TenantA, item.FileName, 3, 1)));
            Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(2), null), Is.False, "the split ended the import's lease");
        }

        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(3));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Running));
            Assert.That(state.Parts, Is.EqualTo(3));
            Assert.That(state.Owner, Is.EqualTo($"{OwnerA}, {OwnerB}"), "the instances holding the parts' leases");
            Assert.That(state.LeaseExpiresAt, Is.EqualTo(T0.AddSeconds(2) + LeaseDuration));
            Assert.That((await Work.CountUnfinishedAsync()).Claimed, Is.EqualTo(1), "one import is unfinished, however many parts");
            Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddHours(1)), Is.Not.Null.And.Property(nameof(ImportLease.Part)).Not.Null, "an expired part is claimed again; the import never, while its parts run");
            Assert.That((await Work.GetStateAsync(TenantA, item.ImportId, T0.AddHours(1)))!.Owner, Is.EqualTo(OwnerA), "only live leases name their instance");
        }
    }

    /// <summary>When the last part ends, the import can be claimed, once, to be ended; it says it was split.</summary>
    [Test]
    public async Task When_the_last_part_ends_the_import_is_claimed_to_be_ended_and_its_end_deletes_its_upload()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0);
        await Work.SplitAsync(lease, ThreeParts, T0);
        var parts = new List<ImportLease>();
        for (var i = 0; i < 3; i++)
        {
            parts.Add(await ClaimAsync(seconds: 1, owner: OwnerB));
        }

        Assert.That(await Work.CompleteAsync(parts[0], QueuedImportStatus.Completed, null, null, T0.AddSeconds(2)), Is.True);
        Assert.That(await Work.CompleteAsync(parts[2], QueuedImportStatus.Failed, "gave up", ImportErrorCode.AttemptsExhausted, T0.AddSeconds(2)), Is.True);
        Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddSeconds(3)), Is.Null, "a part still runs");
        Assert.That(await Work.CompleteAsync(parts[1], QueuedImportStatus.Completed, null, null, T0.AddSeconds(4)), Is.True);
        Assert.That(await Work.CompleteAsync(parts[1], QueuedImportStatus.Completed, null, null, T0.AddSeconds(4)), Is.False, "a part ends once");

        var end = await ClaimAsync(seconds: 5, owner: OwnerA);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(end.Part, Is.Null);
            Assert.That((end.ImportId, end.Parts, end.Attempt), Is.EqualTo((item.ImportId, 3, 1)), "its end is claimed as a first attempt: the parts counted their own");
            Assert.That(end.Fence, Is.GreaterThan(lease.Fence));
            Assert.That(await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddSeconds(5)), Is.Null, "claimed once");
            Assert.ThrowsAsync<ArgumentException>(() => Work.SplitAsync(end, ThreeParts, T0), "an import is split once");
        }

        using (var upload = await Work.OpenUploadAsync(end))
        {
            Assert.That(upload.ReadByte(), Is.Not.EqualTo(-1), "the upload is kept until the import ends");
        }

        Assert.That(await Work.CompleteAsync(end, QueuedImportStatus.Completed, null, null, T0.AddSeconds(6)), Is.True);
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(7));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(state.Parts, Is.EqualTo(3));
            Assert.That((await Work.CountUnfinishedAsync()).IsIdle, Is.True);
            Assert.ThrowsAsync<KeyNotFoundException>(() => Work.OpenUploadAsync(end));
        }
    }

    /// <summary>A part's lease renews, releases and expires on its own; the fence of a part's writes is the part's.</summary>
    [Test]
    public async Task A_parts_lease_is_its_own_and_fences_its_writes_after_a_takeover_of_the_part()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0);
        var view = Work.WithLease(lease);
        var report = ReportOf(lease);
        await view.CreateImportAsync(report);
        await view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(1), NewEntry(101), NewEntry(201)]);
        await Work.SplitAsync(lease, ThreeParts, T0);
        Assert.ThrowsAsync<ImportLeaseLostException>(() => view.UpdateEntriesAsync(TenantA, item.ImportId, [Invited(1)]), "the split ended the import's lease");

        var first = await ClaimAsync(seconds: 1, owner: OwnerA);
        var second = await ClaimAsync(seconds: 1, owner: OwnerB);
        Assert.That(await Work.RenewAsync(first, LeaseDuration, T0.AddSeconds(30), null), Is.True);
        Assert.That(await Work.ReleaseAsync(second), Is.True);
        var secondAgain = await ClaimAsync(seconds: 31, owner: OwnerB);
        var third = await ClaimAsync(seconds: 31, owner: OwnerB);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((secondAgain.Part!.Number, third.Part!.Number), Is.EqualTo((2, 3)), "the released part is claimed again at once, in its place");
            Assert.That((secondAgain.Attempt, third.Attempt), Is.EqualTo((2, 1)));
        }

        // Part 1's lease expires (renewed at 30 s, for a minute); another instance takes it over.
        var firstAgain = await ClaimAsync(seconds: 91, owner: OwnerB);
        Assert.That((firstAgain.Part!.Number, firstAgain.Fence > first.Fence), Is.EqualTo((1, true)));
        var stale = Work.WithLease(first);
        var thrown = Assert.ThrowsAsync<ImportLeaseLostException>(() => stale.UpdateEntriesAsync(TenantA, item.ImportId, [Invited(1)]));
        Assert.That(thrown!.ImportId, Is.EqualTo(item.ImportId));
        Assert.ThrowsAsync<ImportLeaseLostException>(() => stale.UpdateImportAsync(report with { Status = ImportStatus.Completed }));
        Assert.That(await Work.CompleteAsync(first, QueuedImportStatus.Completed, null, null, T0.AddSeconds(92)), Is.False);

        await Work.WithLease(firstAgain).UpdateEntriesAsync(TenantA, item.ImportId, [Invited(1)]);
        await Work.WithLease(third).RecordInvitationSendsAsync(TenantA, item.ImportId, [Invited(201)], [NewSend(item.ImportId, 201)]);
        var entries = await History.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery { Limit = 10 });
        Assert.That(entries.Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (1L, InviteOutcome.Invited), (101L, InviteOutcome.Pending), (201L, InviteOutcome.Invited) }));
    }

    /// <summary>A split under a lost lease changes nothing; parts out of order, or a part's lease, are refused.</summary>
    [Test]
    public async Task A_split_under_a_lost_lease_or_of_parts_out_of_order_is_refused()
    {
        await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0);
        var current = await ClaimAsync(seconds: 61, owner: OwnerB);
        Assert.That(await Work.SplitAsync(old, ThreeParts, T0.AddSeconds(62)), Is.False);
        Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddSeconds(62)), Is.Null, "no part was queued");

        var overlapping = new[] { ThreeParts[0], new ImportWorkPart { Number = 2, FirstSequence = 100, LastSequence = 150 } };
        var misnumbered = new[] { ThreeParts[1] };
        Assert.ThrowsAsync<ArgumentException>(() => Work.SplitAsync(current, overlapping, T0));
        Assert.ThrowsAsync<ArgumentException>(() => Work.SplitAsync(current, misnumbered, T0));
        Assert.ThrowsAsync<ArgumentException>(() => Work.SplitAsync(current, [], T0));
        Assert.That(await Work.SplitAsync(current, ThreeParts, T0.AddSeconds(62)), Is.True);
        var part = await ClaimAsync(seconds: 63);
        Assert.ThrowsAsync<ArgumentException>(() => Work.SplitAsync(part, ThreeParts, T0), "a part is not split");
    }

    /// <summary>Of many claimers racing over the parts of a split import, one gets each part.</summary>
    [Test]
    public async Task Concurrent_claimers_over_a_split_import_claim_each_part_exactly_once()
    {
        await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0);
        var parts = Enumerable.Range(1, 12).Select(n => new ImportWorkPart { Number = n, FirstSequence = (n * 10) - 9, LastSequence = n * 10 }).ToArray();
        await Work.SplitAsync(lease, parts, T0);
        var stores = await OpenConcurrentStoresAsync(4).ConfigureAwait(false);
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var mine = new List<int>();
            while (await stores[i % stores.Count].Work.ClaimAsync($"claimer-{i}", LeaseDuration, T0.AddSeconds(1)) is { } claim)
            {
                mine.Add(claim.Part!.Number);
            }

            return mine;
        })));
        Assert.That(claims.SelectMany(c => c).Order(), Is.EqualTo(Enumerable.Range(1, 12)));
    }
}
