namespace BulkInvite.Testing;

/// <content>Leases: renewals with progress, releases, ends, and what an old lease can no longer do.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>A renewal extends the lease from its time, so no claim takes the import until the new expiry.</summary>
    [Test]
    public async Task A_renewal_extends_the_lease_so_that_no_claim_takes_the_import_before_it_expires()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0);

        var renewed = await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(50), progress: null);
        var beforeNewExpiry = await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddSeconds(109));
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(60));
        var afterNewExpiry = await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddSeconds(110));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.True);
            Assert.That(beforeNewExpiry, Is.Null, "the renewed lease is live past its first expiry");
            Assert.That(state!.LeaseExpiresAt, Is.EqualTo(T0.AddSeconds(110)));
            Assert.That(state.Owner, Is.EqualTo(OwnerA));
            Assert.That(afterNewExpiry?.ImportId, Is.EqualTo(item.ImportId));
        }
    }

    /// <summary>Progress given at a renewal reads back in the state; a renewal without progress keeps it.</summary>
    [Test]
    public async Task Progress_recorded_at_a_renewal_reads_back_whole_and_a_renewal_without_progress_keeps_it()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync();
        var before = await Work.GetStateAsync(TenantA, item.ImportId, T0);
        var progress = new BulkInviteProgress
        {
            ImportId = item.ImportId,
            Stage = ImportStage.Sending,
            EntriesRead = 123_456_789_012,
            EntriesToSend = 98_765,
            Counts = new OutcomeCounts
            {
                Pending = 1, Invited = 2, Invalid = 3, Duplicate = 4, ExistingUser = 5, AlreadyInvited = 6, Failed = 7, Skipped = 8, Sending = 9, Unknown = 10,
            },
        };

        Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(10), progress), Is.True);
        await ReopenAsync();
        var recorded = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(10));
        Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(20), progress: null), Is.True);
        var kept = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(20));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before!.Progress, Is.Null, "no progress before a renewal recorded one");
            Assert.That(recorded!.Progress, Is.Not.Null);
            Assert.That(recorded.Progress!.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(recorded.Progress.Stage, Is.EqualTo(ImportStage.Sending));
            Assert.That(recorded.Progress.EntriesRead, Is.EqualTo(123_456_789_012));
            Assert.That(recorded.Progress.EntriesToSend, Is.EqualTo(98_765));
            Assert.That(recorded.Progress.Counts, Is.EqualTo(progress.Counts));
            Assert.That(kept!.Progress?.Counts, Is.EqualTo(progress.Counts));
            Assert.That(kept.Progress?.Stage, Is.EqualTo(ImportStage.Sending));
        }
    }

    /// <summary>A lease that expired but that nobody took over is still renewable, with its fencing token unchanged.</summary>
    [Test]
    public async Task An_expired_lease_that_nobody_took_over_can_still_be_renewed_and_written_under()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync();
        var late = lease.ExpiresAt.AddMinutes(10);

        var renewed = await Work.RenewAsync(lease, LeaseDuration, late, progress: null);
        await Work.WithLease(lease).CreateImportAsync(ReportOf(lease));
        var claim = await Work.ClaimAsync(OwnerB, LeaseDuration, late.AddSeconds(1));
        var state = await Work.GetStateAsync(TenantA, item.ImportId, late);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.True);
            Assert.That(claim, Is.Null, "the renewed lease holds again");
            Assert.That((state!.Owner, state.Attempts, state.LeaseExpiresAt), Is.EqualTo((OwnerA, 1, (DateTimeOffset?)(late + LeaseDuration))));
            Assert.That(await History.GetImportAsync(TenantA, item.ImportId), Is.EqualTo(ReportOf(lease)));
        }
    }

    /// <summary>After a takeover, the old lease can neither renew, release nor complete, and the new one can.</summary>
    [Test]
    public async Task After_a_takeover_the_old_lease_can_neither_renew_release_nor_complete()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0, owner: OwnerA);
        var current = await ClaimAsync(seconds: 60, owner: OwnerB);
        var progress = new BulkInviteProgress { ImportId = item.ImportId, Stage = ImportStage.Staging, EntriesRead = 5 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Work.RenewAsync(old, LeaseDuration, T0.AddSeconds(61), progress), Is.False, "renew");
            Assert.That(await Work.ReleaseAsync(old), Is.False, "release");
            Assert.That(await Work.CompleteAsync(old, QueuedImportStatus.Failed, "late", ImportErrorCode.ImportFailed, T0.AddSeconds(62)), Is.False, "complete");
        }

        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(62));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((state!.Status, state.Owner, state.Attempts), Is.EqualTo((QueuedImportStatus.Running, OwnerB, 2)), "nothing changed");
            Assert.That(state.LeaseExpiresAt, Is.EqualTo(current.ExpiresAt));
            Assert.That(state.Progress, Is.Null, "the old lease's progress was not recorded");
            Assert.That(state.Error, Is.Null);
            Assert.That(await Work.RenewAsync(current, LeaseDuration, T0.AddSeconds(63), progress), Is.True, "the new lease renews");
            Assert.That(await Work.CompleteAsync(current, QueuedImportStatus.Completed, null, null, T0.AddSeconds(64)), Is.True, "and completes");
        }
    }

    /// <summary>A released import is claimable at once, with the next attempt; the released lease is lost.</summary>
    [Test]
    public async Task A_released_import_is_claimable_at_once_with_the_next_attempt_and_keeps_its_owner_for_display()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync(seconds: 0, owner: OwnerA);

        var released = await Work.ReleaseAsync(lease);
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(1));
        var releasedAgain = await Work.ReleaseAsync(lease);
        var renewed = await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(1), progress: null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(released, Is.True);
            Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Queued));
            Assert.That(state.LeaseExpiresAt, Is.Null);
            Assert.That(state.Owner, Is.EqualTo(OwnerA), "the last owner is kept for display");
            Assert.That(state.Attempts, Is.EqualTo(1));
            Assert.That(releasedAgain, Is.False, "a released lease is not held");
            Assert.That(renewed, Is.False, "a released lease cannot be renewed");
            Assert.That(() => Work.WithLease(lease).CreateImportAsync(ReportOf(lease)), Throws.TypeOf<ImportLeaseLostException>(), "nor written under");
        }

        var next = await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddSeconds(1));
        Assert.That(next, Is.Not.Null, "claimable at once, long before the released lease would have expired");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(next!.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(next.Attempt, Is.EqualTo(2));
            Assert.That(next.Fence, Is.GreaterThan(lease.Fence));
            Assert.That(next.Owner, Is.EqualTo(OwnerB));
        }
    }

    /// <summary>A completed import is never claimed again, its upload is gone and its lease is lost.</summary>
    [Test]
    public async Task A_completed_import_is_never_claimed_again_and_its_upload_is_gone()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync();
        await Work.WithLease(lease).CreateImportAsync(ReportOf(lease));

        var completed = await Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0.AddSeconds(30));
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.True);
            Assert.That(await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddDays(30)), Is.Null, "never claimed again, however late");
            Assert.That(() => Work.OpenUploadAsync(lease), Throws.InstanceOf<KeyNotFoundException>(), "the upload is gone");
            Assert.That(await Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0.AddSeconds(31)), Is.False, "it has ended");
            Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0.AddSeconds(31), progress: null), Is.False);
            Assert.That(await Work.ReleaseAsync(lease), Is.False);
            Assert.That(() => Work.WithLease(lease).UpdateImportAsync(ReportOf(lease) with { Status = ImportStatus.Failed }), Throws.TypeOf<ImportLeaseLostException>());
        }

        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(40));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(state.LeaseExpiresAt, Is.Null);
            Assert.That(state.Error, Is.Null);
            Assert.That(state.ErrorCode, Is.Null);
            Assert.That(state.Attempts, Is.EqualTo(1));
            Assert.That((await History.GetImportAsync(TenantA, item.ImportId))?.Status, Is.EqualTo(ImportStatus.Running), "the report is the worker's");
        }
    }

    /// <summary>A failed import keeps its error and code, and is never claimed again.</summary>
    [Test]
    public async Task A_failed_import_keeps_its_error_and_code_and_is_never_claimed_again()
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync();

        var failed = await Work.CompleteAsync(lease, QueuedImportStatus.Failed, "The file is not text.", ImportErrorCode.InvalidFileFormat, T0.AddSeconds(5));
        await ReopenAsync();
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0.AddSeconds(5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed, Is.True);
            Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Failed));
            Assert.That(state.Error, Is.EqualTo("The file is not text."));
            Assert.That(state.ErrorCode, Is.EqualTo(ImportErrorCode.InvalidFileFormat));
            Assert.That(await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddDays(1)), Is.Null);
            Assert.That(() => Work.OpenUploadAsync(lease), Throws.InstanceOf<KeyNotFoundException>());
        }
    }

    /// <summary>An import can be ended only as completed or failed; any other status changes nothing.</summary>
    [TestCase(QueuedImportStatus.Queued)]
    [TestCase(QueuedImportStatus.Running)]
    [TestCase((QueuedImportStatus)42)]
    public async Task Ending_an_import_with_a_status_other_than_completed_or_failed_is_refused(QueuedImportStatus status)
    {
        var item = await EnqueueAsync();
        var lease = await ClaimAsync();

        Assert.That(() => Work.CompleteAsync(lease, status, null, null, T0), Throws.InstanceOf<ArgumentException>());
        var state = await Work.GetStateAsync(TenantA, item.ImportId, T0);
        Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Running));
        Assert.That(await ReadAllAsync(await Work.OpenUploadAsync(lease)), Is.Not.Empty, "the upload is kept");
    }

    /// <summary>A lease on an import the store does not have renews, releases and completes nothing.</summary>
    [Test]
    public async Task A_lease_on_an_unknown_import_holds_nothing()
    {
        await EnqueueAsync();
        var real = await ClaimAsync();
        var forged = new ImportLease { Item = NewItem(), Owner = OwnerA, Fence = real.Fence, Attempt = 1, ExpiresAt = real.ExpiresAt };
        var otherTenant = new ImportLease { Item = Copy(real.Item, tenantId: TenantB), Owner = OwnerA, Fence = real.Fence, Attempt = 1, ExpiresAt = real.ExpiresAt };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Work.RenewAsync(forged, LeaseDuration, T0, progress: null), Is.False);
            Assert.That(await Work.ReleaseAsync(forged), Is.False);
            Assert.That(await Work.CompleteAsync(forged, QueuedImportStatus.Completed, null, null, T0), Is.False);
            Assert.That(() => Work.OpenUploadAsync(forged), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(await Work.RenewAsync(otherTenant, LeaseDuration, T0, progress: null), Is.False, "another tenant's lease on the import");
            Assert.That(await Work.ReleaseAsync(otherTenant), Is.False);
            Assert.That(await Work.CompleteAsync(otherTenant, QueuedImportStatus.Completed, null, null, T0), Is.False);
            Assert.That(() => Work.OpenUploadAsync(otherTenant), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That((await Work.GetStateAsync(TenantA, real.ImportId, T0))!.Status, Is.EqualTo(QueuedImportStatus.Running));
        }
    }
}
