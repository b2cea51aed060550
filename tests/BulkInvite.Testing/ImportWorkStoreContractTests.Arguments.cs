namespace BulkInvite.Testing;

/// <content>Argument validation.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>Every method rejects missing and out-of-range arguments.</summary>
    [Test]
    public async Task Every_method_rejects_missing_and_out_of_range_arguments()
    {
        await EnqueueAsync();
        var lease = await ClaimAsync();
        var item = NewItem();
        using var upload = new MemoryStream([1, 2, 3]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Work.EnqueueAsync(null!, upload, MaxBytes), Throws.ArgumentNullException);
            Assert.That(() => Work.EnqueueAsync(item, null!, MaxBytes), Throws.ArgumentNullException);
            Assert.That(() => Work.EnqueueAsync(item, upload, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Work.EnqueueAsync(new ImportWorkItem { ImportId = item.ImportId, TenantId = null!, InitiatedBy = "a", FileName = "f", QueuedAt = T0 }, upload, MaxBytes), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Work.EnqueueAsync(new ImportWorkItem { ImportId = item.ImportId, TenantId = TenantA, InitiatedBy = null!, FileName = "f", QueuedAt = T0 }, upload, MaxBytes), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Work.EnqueueAsync(new ImportWorkItem { ImportId = item.ImportId, TenantId = TenantA, InitiatedBy = "a", FileName = null!, QueuedAt = T0 }, upload, MaxBytes), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Work.EnqueueAsync(Copy(item, mode: ImportMode.CountOnly), upload, MaxBytes), Throws.InstanceOf<ArgumentException>(), "a count keeps nothing to report");
            Assert.That(() => Work.EnqueueAsync(Copy(item, mode: (ImportMode)42), upload, MaxBytes), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Work.ClaimAsync(null!, LeaseDuration, T0), Throws.ArgumentNullException);
            Assert.That(() => Work.ClaimAsync(" ", LeaseDuration, T0), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Work.ClaimAsync(OwnerA, TimeSpan.Zero, T0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Work.ClaimAsync(OwnerA, TimeSpan.FromSeconds(-1), T0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Work.RenewAsync(null!, LeaseDuration, T0, null), Throws.ArgumentNullException);
            Assert.That(() => Work.RenewAsync(lease, TimeSpan.Zero, T0, null), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Work.ReleaseAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Work.CompleteAsync(null!, QueuedImportStatus.Completed, null, null, T0), Throws.ArgumentNullException);
            Assert.That(() => Work.OpenUploadAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Work.GetStateAsync(null!, lease.ImportId, T0), Throws.ArgumentNullException);
            Assert.That(() => Work.WaitForWorkAsync(TimeSpan.FromSeconds(-2)), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Work.WithLease(null!), Throws.ArgumentNullException);
        }

        Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Null, "nothing refused was queued");
        Assert.That(await Work.RenewAsync(lease, LeaseDuration, T0, null), Is.True, "nothing refused changed the lease");
    }

    /// <summary>A cancelled token cancels every method that does I/O.</summary>
    [Test]
    public async Task A_cancelled_token_cancels_every_method()
    {
        await EnqueueAsync();
        var lease = await ClaimAsync();
        var item = NewItem();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var ct = cancelled.Token;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Work.EnqueueAsync(item, new MemoryStream([1]), MaxBytes, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.RenewAsync(lease, LeaseDuration, T0, null, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.ReleaseAsync(lease, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.OpenUploadAsync(lease, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.GetStateAsync(TenantA, lease.ImportId, T0, ct), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => Work.CountUnfinishedAsync(ct), Throws.InstanceOf<OperationCanceledException>());
        }

        Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Null, "the cancelled enqueue queued nothing");
        var state = await Work.GetStateAsync(TenantA, lease.ImportId, T0);
        Assert.That(state!.Status, Is.EqualTo(QueuedImportStatus.Running), "the cancelled release and completion changed nothing");
    }
}
