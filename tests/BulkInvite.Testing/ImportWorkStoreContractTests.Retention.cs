namespace BulkInvite.Testing;

/// <content>Retention of the queue: ended work goes with its import, or alone when it never had a report; unfinished work stays.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>
    /// Retention deletes the ended work of the imports it deletes, and ended work queued before the cutoff that has no
    /// report; it never deletes queued or running work, nor another tenant's.
    /// </summary>
    [Test]
    public async Task Retention_deletes_ended_work_with_its_import_or_without_a_report_and_never_unfinished_work()
    {
        // Ended, with a report created before the cutoff: goes with its import.
        var endedWithReport = await EnqueueAsync(minutes: 0);
        var lease = await ClaimAsync(seconds: 0);
        await Work.WithLease(lease).CreateImportAsync(ReportOf(lease));
        await Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0.AddMinutes(1));

        // Ended without a report (refused before it was recorded), queued before the cutoff: goes.
        var failedEarly = await EnqueueAsync(minutes: 1);
        var failedLease = await ClaimAsync(seconds: 1);
        await Work.CompleteAsync(failedLease, QueuedImportStatus.Failed, "The file is not text.", ImportErrorCode.InvalidFileFormat, T0.AddMinutes(2));

        // Running, with a report created before the cutoff: the work stays (its worker still holds it).
        var running = await EnqueueAsync(minutes: 2);
        var runningLease = await ClaimAsync(seconds: 2);
        await Work.WithLease(runningLease).CreateImportAsync(ReportOf(runningLease));

        // Ended without a report, but queued after the cutoff: stays.
        var recentFailure = await EnqueueAsync(minutes: 30);
        var recentLease = await ClaimAsync(seconds: 3);
        await Work.CompleteAsync(recentLease, QueuedImportStatus.Failed, "Over the limit.", ImportErrorCode.LimitExceeded, T0.AddMinutes(31));

        // Another tenant's ended work without a report, queued before the cutoff: stays.
        var theirs = await EnqueueAsync(TenantB, minutes: 4);
        var theirLease = await Work.ClaimAsync(OwnerA, LeaseDuration, T0.AddSeconds(4));
        Assert.That(theirLease?.ImportId, Is.EqualTo(theirs.ImportId));
        await Work.CompleteAsync(theirLease!, QueuedImportStatus.Failed, "failed", ImportErrorCode.ImportFailed, T0.AddMinutes(41));

        // Queued before the cutoff: stays, and can still be claimed.
        var queued = await EnqueueAsync(minutes: 3);

        var deleted = await History.DeleteImportsCreatedBeforeAsync(TenantA, T0.AddMinutes(10));
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(2), "the two reports created before the cutoff");
            Assert.That(await Work.GetStateAsync(TenantA, endedWithReport.ImportId, T0.AddMinutes(50)), Is.Null, "ended work of a deleted import");
            Assert.That(await Work.GetStateAsync(TenantA, failedEarly.ImportId, T0.AddMinutes(50)), Is.Null, "ended work without a report");
            Assert.That((await Work.GetStateAsync(TenantA, running.ImportId, T0.AddMinutes(50)))?.Status, Is.EqualTo(QueuedImportStatus.Running), "running work stays");
            Assert.That((await Work.GetStateAsync(TenantA, queued.ImportId, T0.AddMinutes(50)))?.Status, Is.EqualTo(QueuedImportStatus.Queued), "queued work stays");
            Assert.That((await Work.GetStateAsync(TenantA, recentFailure.ImportId, T0.AddMinutes(50)))?.Status, Is.EqualTo(QueuedImportStatus.Failed), "queued after the cutoff");
            Assert.That((await Work.GetStateAsync(TenantB, theirs.ImportId, T0.AddMinutes(50)))?.Status, Is.EqualTo(QueuedImportStatus.Failed), "another tenant's");
            Assert.That(await Work.RenewAsync(runningLease, LeaseDuration, T0.AddMinutes(50), progress: null), Is.True, "the running lease still holds");
        }

        var next = await Work.ClaimAsync(OwnerB, LeaseDuration, T0.AddMinutes(50));
        Assert.That(next?.ImportId, Is.EqualTo(queued.ImportId), "the queued import is claimed next, not the deleted ones");
    }
}
