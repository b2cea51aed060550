namespace BulkInvite.Testing;

/// <content>Queuing: the upload kept with the import, all or nothing.</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>An upload of several MiB, given a few KiB at a time, reads back byte for byte.</summary>
    [Test]
    public async Task An_upload_of_several_MiB_reads_back_byte_for_byte()
    {
        var content = RandomBytes((3 * 1024 * 1024) + 12_345, seed: 7);
        var item = NewItem();
        await Work.EnqueueAsync(item, new TrickleStream(content, maxRead: 5_000), MaxBytes);
        await ReopenAsync();
        var lease = await ClaimAsync();

        var upload = await Work.OpenUploadAsync(lease);
        byte[] read;
        await using (upload.ConfigureAwait(false))
        {
            Assert.That(upload.CanRead, Is.True);
            read = await ReadAllAsync(upload);
        }

        Assert.That(read.Length, Is.EqualTo(content.Length));
        Assert.That(read.AsSpan().SequenceEqual(content), Is.True, "byte for byte, in order");
        var again = await Work.OpenUploadAsync(lease);
        await using (again.ConfigureAwait(false))
        {
            Assert.That((await ReadAllAsync(again)).AsSpan().SequenceEqual(content), Is.True, "opened again from its first byte");
        }
    }

    /// <summary>An empty upload reads back empty.</summary>
    [Test]
    public async Task An_empty_upload_reads_back_empty()
    {
        await Work.EnqueueAsync(NewItem(), new MemoryStream(), MaxBytes);
        var lease = await ClaimAsync();

        var upload = await Work.OpenUploadAsync(lease);
        await using (upload.ConfigureAwait(false))
        {
            Assert.That(await ReadAllAsync(upload), Is.Empty);
        }
    }

    /// <summary>An upload of exactly the limit is kept; one byte more is refused and leaves nothing queued.</summary>
    [Test]
    public async Task An_upload_over_the_limit_is_refused_and_leaves_nothing()
    {
        const int Limit = 100_000;
        var atLimit = NewItem(minutes: 1);
        var over = NewItem(minutes: 0);

        await Work.EnqueueAsync(atLimit, new TrickleStream(RandomBytes(Limit, 1), maxRead: 4_096), Limit);
        var thrown = Assert.ThrowsAsync<InviteLimitExceededException>(() => Work.EnqueueAsync(over, new TrickleStream(RandomBytes(Limit + 1, 2), maxRead: 4_096), Limit));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.LimitName, Is.EqualTo("MaxFileBytes"));
            Assert.That(thrown.Limit, Is.EqualTo(Limit));
            Assert.That(await Work.GetStateAsync(TenantA, over.ImportId, T0), Is.Null, "nothing of it is kept");
            Assert.That((await Work.CountUnfinishedAsync()).Queued, Is.EqualTo(1), "only the upload at the limit is queued");
            Assert.That((await ClaimAsync()).ImportId, Is.EqualTo(atLimit.ImportId), "the refused one, queued earlier, is not claimable");
            Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);
        }

        // Nothing of it is left to get in the way: the same import can be queued again with a smaller upload.
        await Work.EnqueueAsync(over, new MemoryStream(RandomBytes(10, 3)), Limit);
        Assert.That((await Work.GetStateAsync(TenantA, over.ImportId, T0))?.Status, Is.EqualTo(QueuedImportStatus.Queued));
    }

    /// <summary>A seekable upload over the limit is refused as well.</summary>
    [Test]
    public async Task A_seekable_upload_over_the_limit_is_refused()
    {
        var item = NewItem();

        Assert.That(() => Work.EnqueueAsync(item, new MemoryStream(RandomBytes(2_000, 4)), 1_999), Throws.TypeOf<InviteLimitExceededException>());
        Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Null);
    }

    /// <summary>An upload whose stream fails part way leaves nothing queued.</summary>
    [Test]
    public async Task An_upload_that_fails_part_way_leaves_nothing()
    {
        var item = NewItem();

        Assert.That(
            () => Work.EnqueueAsync(item, new TrickleStream(RandomBytes(3 * 1024 * 1024, 5), maxRead: 64 * 1024, failAfter: (2 * 1024 * 1024) + 7), MaxBytes),
            Throws.InstanceOf<IOException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Null);
            Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);
            Assert.That((await Work.CountUnfinishedAsync()).IsIdle, Is.True);
        }
    }

    /// <summary>A copy cancelled part way leaves nothing queued.</summary>
    [Test]
    public async Task An_upload_cancelled_part_way_leaves_nothing()
    {
        var item = NewItem();
        using var cancel = new CancellationTokenSource();
        var upload = new TrickleStream(RandomBytes(3 * 1024 * 1024, 6), maxRead: 64 * 1024, failAfter: (1024 * 1024) + 3, cancelAfter: cancel);

        Assert.That(() => Work.EnqueueAsync(item, upload, MaxBytes, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Work.GetStateAsync(TenantA, item.ImportId, T0), Is.Null);
            Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);
        }

        // Nothing is left: the same import can be queued again.
        await Work.EnqueueAsync(item, new MemoryStream(RandomBytes(10, 7)), MaxBytes);
        Assert.That((await ClaimAsync()).ImportId, Is.EqualTo(item.ImportId));
    }

    /// <summary>An import id can be queued once: again while queued, and again after it ended, is refused, and the first upload is kept.</summary>
    [Test]
    public async Task An_import_id_is_queued_once()
    {
        var item = NewItem();
        var content = RandomBytes(1_000, 8);
        await Work.EnqueueAsync(item, new MemoryStream(content), MaxBytes);

        Assert.That(() => Work.EnqueueAsync(Copy(item, fileName: "again.txt"), new MemoryStream(RandomBytes(1_000, 9)), MaxBytes), Throws.InvalidOperationException);
        Assert.That(() => Work.EnqueueAsync(Copy(item, tenantId: TenantB), new MemoryStream(RandomBytes(1_000, 9)), MaxBytes), Throws.InvalidOperationException, "even by another tenant");
        var lease = await ClaimAsync();
        var upload = await Work.OpenUploadAsync(lease);
        await using (upload.ConfigureAwait(false))
        {
            Assert.That((await ReadAllAsync(upload)).AsSpan().SequenceEqual(content), Is.True, "the first upload is kept");
        }

        Assert.That(lease.Item.FileName, Is.EqualTo(item.FileName));
        Assert.That(await Work.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0), Is.True);
        Assert.That(() => Work.EnqueueAsync(item, new MemoryStream(content), MaxBytes), Throws.InvalidOperationException, "after it ended too");
        Assert.That(await Work.ClaimAsync(OwnerA, LeaseDuration, T0), Is.Null);
    }

    /// <summary>The upload of a running import can be read by a later lease after a takeover.</summary>
    [Test]
    public async Task The_upload_is_read_whole_by_the_lease_that_took_the_import_over()
    {
        var content = RandomBytes(1024 * 1024 + 1, 10);
        await Work.EnqueueAsync(NewItem(), new MemoryStream(content), MaxBytes);
        await ClaimAsync(seconds: 0);
        var current = await ClaimAsync(seconds: 60, owner: OwnerB);

        var upload = await Work.OpenUploadAsync(current);
        await using (upload.ConfigureAwait(false))
        {
            Assert.That((await ReadAllAsync(upload)).AsSpan().SequenceEqual(content), Is.True);
        }
    }
}
