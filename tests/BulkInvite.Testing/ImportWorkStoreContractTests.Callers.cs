namespace BulkInvite.Testing;

/// <content>Imports run by their caller under a lease (<see cref="IImportWorkStore.ClaimImportAsync"/>).</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>An import its caller runs gets a row, claimed at once, with no upload; no worker claims it while the lease holds.</summary>
    [Test]
    public async Task An_import_run_by_its_caller_is_claimed_at_once_without_an_upload_and_no_worker_takes_it_while_it_holds()
    {
        var item = NewItem();
        var lease = await Work.ClaimImportAsync(item, OwnerA, LeaseDuration, T0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((lease?.ImportId, lease?.Owner, lease?.Attempt, lease?.Part, lease?.Parts), Is.EqualTo(((Guid?)item.ImportId, OwnerA, (int?)1, (ImportWorkPart?)null, (int?)0)));
            Assert.That(lease!.ExpiresAt, Is.EqualTo(T0 + LeaseDuration));
            Assert.That(await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddSeconds(30)), Is.Null, "a live lease");
            Assert.That(await Work.ClaimImportAsync(item, OwnerB, LeaseDuration, T0.AddSeconds(30)), Is.Null, "a live lease, for a second caller too");
            Assert.ThrowsAsync<KeyNotFoundException>(() => Work.OpenUploadAsync(lease));
            var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(1));
            Assert.That((state?.Status, state?.Owner, state?.Attempts), Is.EqualTo(((QueuedImportStatus?)QueuedImportStatus.Running, OwnerA, (int?)1)));
            Assert.That((await Work.CountUnfinishedAsync()).Claimed, Is.EqualTo(1));
        }

        await Work.WithLease(lease).CreateImportAsync(ReportOf(lease));
        Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(50), null), Is.True);
        Assert.That(await Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0.AddSeconds(60)), Is.True);
        Assert.That((await Work.CountUnfinishedAsync()).IsIdle, Is.True);
    }

    /// <summary>Once the caller's lease expires (its process stopped), a resume takes it, and so would a worker.</summary>
    [Test]
    public async Task An_expired_callers_lease_is_taken_by_the_next_caller_or_by_a_worker_with_a_larger_fence()
    {
        var item = NewItem();
        var first = (await Work.ClaimImportAsync(item, OwnerA, LeaseDuration, T0))!;
        var resumed = await Work.ClaimImportAsync(item, OwnerB, LeaseDuration, T0.AddMinutes(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((resumed?.Attempt, resumed?.Fence > first.Fence), Is.EqualTo(((int?)2, (bool?)true)));
            Assert.ThrowsAsync<ImportLeaseLostException>(() => Work.WithLease(first).CreateImportAsync(ReportOf(first)), "the stopped caller's writes are refused");
        }

        var worker = await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddMinutes(4));
        Assert.That((worker?.ImportId, worker?.Attempt), Is.EqualTo(((Guid?)item.ImportId, (int?)3)), "a worker takes over an expired caller's lease as any other");
        Assert.That(await Work.ClaimImportAsync(item, OwnerB, LeaseDuration, T0.AddMinutes(4)), Is.Null);
    }

    /// <summary>A live lease is taken over only when the caller says so; an ended import is claimed again (a resume of it).</summary>
    [Test]
    public async Task A_live_lease_is_taken_over_only_when_asked_and_an_ended_import_is_claimed_again()
    {
        var item = NewItem();
        var first = (await Work.ClaimImportAsync(item, OwnerA, LeaseDuration, T0))!;
        var forced = await Work.ClaimImportAsync(item, OwnerB, LeaseDuration, T0.AddSeconds(1), takeOver: true);
        Assert.That((forced?.Attempt, forced?.Owner), Is.EqualTo(((int?)2, OwnerB)));
        Assert.That(await Work.RenewAsync(first, LeaseDuration, T0.AddSeconds(2), null), Is.False);

        Assert.That(await Work.CompleteAsync(forced!, QueuedImportStatus.Failed, "down", ImportErrorCode.ImportFailed, T0.AddSeconds(3)), Is.True);
        var again = await Work.ClaimImportAsync(item, OwnerA, LeaseDuration, T0.AddSeconds(4));
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(5));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again?.Attempt, Is.EqualTo(3));
            Assert.That((state?.Status, state?.Owner, state?.Error, state?.ErrorCode), Is.EqualTo(((QueuedImportStatus?)QueuedImportStatus.Running, OwnerA, (string?)null, (ImportErrorCode?)null)));
        }
    }

    /// <summary>A caller never takes an import queued for the workers, one whose parts are sent, or another tenant's.</summary>
    [Test]
    public async Task A_caller_never_takes_a_queued_import_a_split_one_or_another_tenants()
    {
        var queued = await EnqueueAsync();
        Assert.That(await Work.ClaimImportAsync(queued, OwnerB, LeaseDuration, T0, takeOver: true), Is.Null, "queued for a worker");

        var lease = await ClaimAsync(seconds: 0);
        await Work.SplitAsync(lease, ThreeParts, T0);
        Assert.That(await Work.ClaimImportAsync(queued, OwnerB, LeaseDuration, T0.AddHours(1), takeOver: true), Is.Null, "its parts are being sent");

        var mine = NewItem();
        await Work.ClaimImportAsync(mine, OwnerA, LeaseDuration, T0);
        Assert.That(await Work.ClaimImportAsync(Copy(mine, tenantId: TenantB), OwnerB, LeaseDuration, T0.AddHours(1), takeOver: true), Is.Null, "another tenant's id");
        Assert.That(await Work.GetStateAsync(TenantB, mine.ImportId, T0), Is.Null);
    }
}
