using System.Diagnostics;

namespace BulkInvite.Testing;

/// <content>The state every instance reads, counts of what is left, waiting for work, and tenancy.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>A queued import's state has every field, and no owner, lease or progress before its first claim.</summary>
    [Test]
    public async Task A_queued_imports_state_reads_back_with_every_field()
    {
        var item = Copy(NewItem(mode: ImportMode.Preview), fileName: "Einladungen März.csv", queuedAt: T0.AddMinutes(3).ToOffset(TimeSpan.FromHours(2)));
        await EnqueueAsync(item);
        await ReopenAsync();

        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddMinutes(5));

        Assert.That(state, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state!.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(state.TenantId, Is.EqualTo(TenantA));
            Assert.That(state.FileName, Is.EqualTo("Einladungen März.csv"));
            Assert.That(state.IsPreview, Is.True);
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Queued));
            Assert.That(state.QueuedAt.EqualsExact(item.QueuedAt), Is.True, "same instant and offset");
            Assert.That(state.Owner, Is.Null);
            Assert.That(state.LeaseExpiresAt, Is.Null);
            Assert.That(state.Attempts, Is.Zero);
            Assert.That(state.Progress, Is.Null);
            Assert.That(state.Error, Is.Null);
            Assert.That(state.ErrorCode, Is.Null);
        }
    }

    /// <summary>A claimed import's state names its owner and lease; once the lease has expired it reads as having no owner.</summary>
    [Test]
    public async Task A_claimed_imports_state_names_its_owner_until_the_lease_expires()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 10);
        await ReopenAsync();

        var live = await Work.GetStateAsync(TenantA, item.ImportId, lease.ExpiresAt.AddTicks(-1));
        var expired = await Work.GetStateAsync(TenantA, item.ImportId, lease.ExpiresAt);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(live!.Status, Is.EqualTo(QueuedImportStatus.Running));
            Assert.That(live.IsPreview, Is.False);
            Assert.That(live.Owner, Is.EqualTo(OwnerA));
            Assert.That(live.LeaseExpiresAt, Is.EqualTo(T0.AddSeconds(10) + LeaseDuration));
            Assert.That(live.Attempts, Is.EqualTo(1));
            Assert.That(expired!.Status, Is.EqualTo(QueuedImportStatus.Running), "running until another claim takes it over");
            Assert.That(expired.Owner, Is.Null, "an expired lease reads as no owner");
            Assert.That(expired.LeaseExpiresAt, Is.EqualTo(lease.ExpiresAt), "when it expired");
        }
    }

    /// <summary>Another tenant reads an import's state as unknown, as it does an unknown import.</summary>
    [Test]
    public async Task Another_tenant_reads_an_imports_state_as_unknown()
    {
        var item = await EnqueueAsync(TenantA);
        await ClaimAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Work.GetStateAsync(TenantB, item.ImportId, T0), Is.Null);
            Assert.That(await Work.GetStateAsync(TenantA, Guid.NewGuid(), T0), Is.Null);
            Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Not.Null);
        }
    }

    /// <summary>The unfinished imports of every tenant are counted: queued ones, and claimed ones under a live or an expired lease.</summary>
    [Test]
    public async Task Unfinished_imports_of_every_tenant_are_counted_as_queued_or_claimed()
    {
        var empty = await Work.CountUnfinishedAsync();
        await EnqueueAsync(TenantA, minutes: 0);
        await EnqueueAsync(TenantB, minutes: 1);
        await EnqueueAsync(TenantA, minutes: 2);
        await EnqueueAsync(TenantB, minutes: 3);
        var queued = await Work.CountUnfinishedAsync();
        var first = await ClaimAsync(seconds: 0);
        var second = await ClaimAsync(seconds: 0);
        var third = await ClaimAsync(seconds: 0);
        var claimed = await Work.CountUnfinishedAsync();
        await Work.CompleteAsync(first, QueuedImportStatus.Completed, null, null, T0.AddSeconds(1));
        await Work.CompleteAsync(second, QueuedImportStatus.Failed, "failed", ImportErrorCode.ImportFailed, T0.AddSeconds(1));
        await Work.ReleaseAsync(third);
        await ReopenAsync();
        var afterEnds = await Work.CountUnfinishedAsync();
        var fourth = await ClaimAsync(seconds: 2);

        // Expired, not yet taken over: still claimed.
        var expired = await Work.CountUnfinishedAsync();
        await Work.CompleteAsync(fourth, QueuedImportStatus.Completed, null, null, T0.AddHours(1));
        var last = await ClaimAsync(seconds: 3);
        await Work.CompleteAsync(last, QueuedImportStatus.Completed, null, null, T0.AddSeconds(4));
        var done = await Work.CountUnfinishedAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((empty.Queued, empty.Claimed, empty.IsIdle), Is.EqualTo((0L, 0L, true)));
            Assert.That((queued.Queued, queued.Claimed, queued.IsIdle), Is.EqualTo((4L, 0L, false)));
            Assert.That((claimed.Queued, claimed.Claimed), Is.EqualTo((1L, 3L)));
            Assert.That((afterEnds.Queued, afterEnds.Claimed), Is.EqualTo((2L, 0L)), "ended imports are not counted; a released one is queued");
            Assert.That((expired.Queued, expired.Claimed), Is.EqualTo((1L, 1L)));
            Assert.That((done.Queued, done.Claimed, done.IsIdle), Is.EqualTo((0L, 0L, true)));
        }
    }

    /// <summary>A wait with nothing queued ends when its timeout has passed.</summary>
    [Test]
    public async Task A_wait_for_work_ends_after_its_timeout()
    {
        var clock = Stopwatch.StartNew();
        await Work.WaitForWorkAsync(TimeSpan.FromMilliseconds(300));

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)));
    }

    /// <summary>A wait ends early when the same store queues an import.</summary>
    [Test]
    public async Task A_wait_for_work_ends_early_when_the_store_queues_an_import()
    {
        var clock = Stopwatch.StartNew();
        var wait = Work.WaitForWorkAsync(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        await EnqueueAsync();

        var ended = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(ended, Is.SameAs(wait), "the wait ended before its timeout");
        await wait;
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A wait ends early when the same store has an import given back.</summary>
    [Test]
    public async Task A_wait_for_work_ends_early_when_an_import_is_released()
    {
        await EnqueueAsync();
        var lease = await ClaimAsync();
        var wait = Work.WaitForWorkAsync(TimeSpan.FromMinutes(5));
        await Task.Delay(50);

        Assert.That(await Work.ReleaseAsync(lease), Is.True);
        var ended = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(ended, Is.SameAs(wait), "the wait ended before its timeout");
    }

    /// <summary>A wait ends with <see cref="OperationCanceledException"/> when its token is cancelled.</summary>
    [Test]
    public async Task A_wait_for_work_ends_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var wait = Work.WaitForWorkAsync(TimeSpan.FromMinutes(5), cancel.Token);
        await Task.Delay(50);
        await cancel.CancelAsync();

        var ended = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(ended, Is.SameAs(wait), "the wait ended at the cancellation");
        Assert.That(() => wait, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => Work.WaitForWorkAsync(TimeSpan.FromMinutes(5), cancel.Token), Throws.InstanceOf<OperationCanceledException>(), "an already cancelled token");
    }
}
