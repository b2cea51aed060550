namespace BulkInvite.Testing;

/// <content>Claims: the oldest first, one claimer per import, takeovers of expired leases.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>A queued import is claimed with its item whole, fencing token 1 and attempt 1.</summary>
    [Test]
    public async Task A_queued_import_is_claimed_with_its_item_whole_and_the_first_fence_and_attempt()
    {
        var item = new ImportWorkItem
        {
            ImportId = Guid.NewGuid(),
            TenantId = TenantA,
            InitiatedBy = "jane@example.com",
            FileName = "Einladungen März.csv",
            Mode = ImportMode.Preview,
            ParserName = "csv",
            SenderName = "marketing",
            AllowRepeatUpload = true,
            ResendPendingInvitations = true,
            QueuedAt = new DateTimeOffset(2026, 1, 1, 14, 30, 0, TimeSpan.FromHours(5.5)).AddTicks(1_234_567),
        };
        await EnqueueAsync(item);
        await ReopenAsync();

        var now = T0.AddHours(1);
        var lease = await Work.ClaimAsync(OwnerA, LeaseDuration, now);

        Assert.That(lease, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lease!.Item.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(lease.Item.TenantId, Is.EqualTo(item.TenantId));
            Assert.That(lease.Item.InitiatedBy, Is.EqualTo(item.InitiatedBy));
            Assert.That(lease.Item.FileName, Is.EqualTo(item.FileName));
            Assert.That(lease.Item.Mode, Is.EqualTo(ImportMode.Preview));
            Assert.That(lease.Item.ParserName, Is.EqualTo("csv"));
            Assert.That(lease.Item.SenderName, Is.EqualTo("marketing"));
            Assert.That(lease.Item.AllowRepeatUpload, Is.True);
            Assert.That(lease.Item.ResendPendingInvitations, Is.True);
            Assert.That(lease.Item.QueuedAt.EqualsExact(item.QueuedAt), Is.True, "same instant and offset");
            Assert.That(lease.Owner, Is.EqualTo(OwnerA));
            Assert.That(lease.Fence, Is.EqualTo(1));
            Assert.That(lease.Attempt, Is.EqualTo(1));
            Assert.That(lease.ExpiresAt, Is.EqualTo(now + LeaseDuration));
            Assert.That((lease.ImportId, lease.TenantId), Is.EqualTo((item.ImportId, TenantA)));
        }
    }

    /// <summary>Nulls in an item's optional fields round trip as nulls.</summary>
    [Test]
    public async Task An_items_optional_fields_read_back_as_null_and_false()
    {
        var item = NewItem();
        await EnqueueAsync(item);
        await ReopenAsync();

        var lease = await ClaimAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lease.Item.Mode, Is.EqualTo(ImportMode.Send));
            Assert.That(lease.Item.ParserName, Is.Null);
            Assert.That(lease.Item.SenderName, Is.Null);
            Assert.That(lease.Item.AllowRepeatUpload, Is.False);
            Assert.That(lease.Item.ResendPendingInvitations, Is.False);
        }
    }

    /// <summary>An empty store has nothing to claim.</summary>
    [Test]
    public async Task An_empty_store_has_nothing_to_claim()
        => Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);

    /// <summary>Claims take the import queued first, ties by import id, whatever the order they were queued in.</summary>
    [Test]
    public async Task Claims_take_the_oldest_import_first_and_ties_by_import_id()
    {
        var items = new List<ImportWorkItem>
        {
            NewItem(minutes: 5),
            Copy(NewItem(minutes: 1), importId: new Guid("80000000-0000-0000-0000-000000000000")),
            Copy(NewItem(minutes: 1), importId: new Guid("7fffffff-ffff-ffff-ffff-ffffffffffff")),
            NewItem(TenantB, minutes: 3),

            // 11:00 at UTC+3 is 08:00 UTC: the oldest, despite its larger local time.
            Copy(NewItem(minutes: 0), queuedAt: new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.FromHours(3))),
        };
        foreach (var item in items.AsEnumerable().Reverse())
        {
            await EnqueueAsync(item);
        }

        var claimed = new List<Guid>();
        for (var i = 0; i < items.Count; i++)
        {
            claimed.Add((await ClaimAsync(seconds: i)).ImportId);
        }

        var expected = items.OrderBy(i => i.QueuedAt).ThenBy(i => i.ImportId).Select(i => i.ImportId);
        Assert.That(claimed, Is.EqualTo(expected));
        Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddSeconds(10)), Is.Null, "every one is held");
    }

    /// <summary>Two claims never get the same import.</summary>
    [Test]
    public async Task Two_claims_never_get_the_same_import()
    {
        var first = await EnqueueAsync(minutes: 0);
        var second = await EnqueueAsync(minutes: 1);

        var a = await ClaimAsync(owner: OwnerA);
        var b = await ClaimAsync(owner: OwnerB);
        var c = await Work.ClaimAsync("instance-c", LeaseDuration, T0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { a.ImportId, b.ImportId }, Is.EqualTo(new[] { first.ImportId, second.ImportId }));
            Assert.That(c, Is.Null, "both are held by live leases");
        }
    }

    /// <summary>Of twenty concurrent claimers on five imports, each import is claimed exactly once.</summary>
    [Test]
    public async Task Twenty_concurrent_claimers_on_five_imports_claim_each_exactly_once()
    {
        var items = new List<ImportWorkItem>();
        for (var i = 0; i < 5; i++)
        {
            items.Add(await EnqueueAsync(minutes: i));
        }

        var stores = await OpenConcurrentStoresAsync(20);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = stores.Select((store, i) => Task.Run(async () =>
        {
            await start.Task.ConfigureAwait(false);
            return await store.Work.ClaimAsync($"instance-{i}", LeaseDuration, T0).ConfigureAwait(false);
        })).ToArray();
        start.SetResult();
        var leases = await Task.WhenAll(claims);

        var won = leases.Where(l => l is not null).Select(l => l!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(won.Select(l => l.ImportId), Is.EquivalentTo(items.Select(i => i.ImportId)), "each import once");
            Assert.That(won.Select(l => (l.Fence, l.Attempt)), Is.All.EqualTo((1L, 1)));
            Assert.That(leases.Count(l => l is null), Is.EqualTo(15));
            Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);
        }

        foreach (var lease in won)
        {
            var state = await Work.GetStateAsync(TenantA, lease.ImportId, T0);
            Assert.That((state!.Owner, state.Attempts), Is.EqualTo((lease.Owner, 1)), "the store agrees on the winner");
        }
    }

    /// <summary>A lease that expired is taken over by the next claim, with a larger fencing token and attempt 2.</summary>
    [Test]
    public async Task An_expired_lease_is_taken_over_by_the_next_claim_with_a_larger_fence_and_attempt_2()
    {
        var item = await EnqueueAsync();
        var first = await ClaimAsync(seconds: 0, owner: OwnerA);

        var whileLive = await Work.ClaimAsync(OwnerB, LeaseDuration, first.ExpiresAt.AddTicks(-1));
        var takeover = await Work.ClaimAsync(OwnerB, LeaseDuration, first.ExpiresAt);

        Assert.That(takeover, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(whileLive, Is.Null, "a live lease is not taken");
            Assert.That(takeover!.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(takeover.Owner, Is.EqualTo(OwnerB));
            Assert.That(takeover.Fence, Is.GreaterThan(first.Fence));
            Assert.That(takeover.Attempt, Is.EqualTo(2));
            Assert.That(takeover.ExpiresAt, Is.EqualTo(first.ExpiresAt + LeaseDuration));
        }

        var state = await Work.GetStateAsync(TenantA, item.ImportId, first.ExpiresAt);
        Assert.That((state!.Status, state.Owner, state.Attempts), Is.EqualTo((QueuedImportStatus.Running, OwnerB, 2)));
    }

    /// <summary>A cancelled claim claims nothing.</summary>
    [Test]
    public async Task A_cancelled_claim_claims_nothing()
    {
        var item = await EnqueueAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(() => Work.ClaimAsync(OwnerA, LeaseDuration, T0, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0);
        Assert.That((state!.Status, state.Attempts), Is.EqualTo((QueuedImportStatus.Queued, 0)));
    }
}
