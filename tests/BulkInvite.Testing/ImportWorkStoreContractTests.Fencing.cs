using System.Security.Cryptography;

namespace BulkInvite.Testing;

/// <content>The fenced view of the history store (<see cref="IImportWorkStore.WithLease"/>).</content>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>After a takeover, every write of the old lease to its import is refused and changes nothing; the new lease's succeed.</summary>
    [Test]
    public async Task After_a_takeover_writes_under_the_old_lease_are_refused_and_change_nothing()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0, owner: OwnerA);
        var oldView = Work.WithLease(old);
        var report = ReportOf(old);
        await oldView.CreateImportAsync(report);
        await oldView.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(1), NewEntry(2), NewEntry(3)]);
        var current = await ClaimAsync(seconds: 60, owner: OwnerB);
        var newView = Work.WithLease(current);

        var refused = new Dictionary<string, Func<Task>>
        {
            ["CreateImportAsync"] = () => oldView.CreateImportAsync(report with { FileName = "again.txt" }),
            ["UpdateImportAsync"] = () => oldView.UpdateImportAsync(report with { Status = ImportStatus.Completed, RunBy = OwnerA }),
            ["AddEntriesAsync"] = () => oldView.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(4)]),
            ["UpdateEntriesAsync"] = () => oldView.UpdateEntriesAsync(TenantA, item.ImportId, [Invited(1)]),
            ["DeleteEntriesAsync"] = () => oldView.DeleteEntriesAsync(TenantA, item.ImportId),
            ["RecordInvitationSendsAsync"] = () => oldView.RecordInvitationSendsAsync(TenantA, item.ImportId, [Invited(2)], [NewSend(item.ImportId, 3)]),
        };
        foreach (var (name, write) in refused)
        {
            var thrown = Assert.ThrowsAsync<ImportLeaseLostException>(() => write(), name);
            Assert.That((thrown!.ImportId, thrown.Fence), Is.EqualTo((item.ImportId, old.Fence)), name);
        }

        await ReopenAsync();
        var entries = await History.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery { Limit = 10 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await History.GetImportAsync(TenantA, item.ImportId), Is.EqualTo(report), "the summary is as the old lease left it");
            Assert.That(entries.Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (1L, InviteOutcome.Pending), (2L, InviteOutcome.Pending), (3L, InviteOutcome.Pending) }));
            Assert.That((await History.CountInvitationsAsync(TenantA, item.ImportId, T0)).Pending, Is.Zero, "no invitation was recorded");
        }

        newView = Work.WithLease(current);
        await newView.UpdateImportAsync(report with { RunBy = OwnerB, Status = ImportStatus.Completed });
        await newView.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(4)]);
        await newView.UpdateEntriesAsync(TenantA, item.ImportId, [Invited(1)]);
        var statuses = await newView.RecordInvitationSendsAsync(TenantA, item.ImportId, [Invited(2)], [NewSend(item.ImportId, 3)]);

        var after = await History.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery { Limit = 10 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await History.GetImportAsync(TenantA, item.ImportId))!.RunBy, Is.EqualTo(OwnerB));
            Assert.That(after.Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (1L, InviteOutcome.Invited), (2L, InviteOutcome.Invited), (3L, InviteOutcome.Pending), (4L, InviteOutcome.Pending) }));
            Assert.That(statuses, Is.EqualTo(new[] { InvitationSendStatus.Recorded }));
            Assert.That(await newView.DeleteEntriesAsync(TenantA, item.ImportId), Is.EqualTo(4), "the new lease deletes");
        }
    }

    /// <summary>The old lease cannot create the report of its import once a later claim holds it.</summary>
    [Test]
    public async Task After_a_takeover_the_old_lease_cannot_create_the_imports_report()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0, owner: OwnerA);
        var current = await ClaimAsync(seconds: 60, owner: OwnerB);

        Assert.That(() => Work.WithLease(old).CreateImportAsync(ReportOf(old)), Throws.TypeOf<ImportLeaseLostException>());
        Assert.That(await History.GetImportAsync(TenantA, item.ImportId), Is.Null, "nothing was written");
        await Work.WithLease(current).CreateImportAsync(ReportOf(current));
        Assert.That(await History.GetImportAsync(TenantA, item.ImportId), Is.EqualTo(ReportOf(current)));
    }

    /// <summary>A lease's view reads as the store does, and writes to other imports and to the ledger alone as the store does, even once the lease is lost.</summary>
    [Test]
    public async Task A_leases_view_reads_and_writes_everything_else_as_the_store_even_once_the_lease_is_lost()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0, owner: OwnerA);
        var view = Work.WithLease(old);
        await view.CreateImportAsync(ReportOf(old));
        await view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(1), NewEntry(2)]);
        var hash = RandomNumberGenerator.GetBytes(32);
        await view.RecordInvitationSendsAsync(TenantA, item.ImportId, [], [NewSend(item.ImportId, 1, hash)]);
        await ClaimAsync(seconds: 60, owner: OwnerB);

        // Another import, of this tenant and of another, without a lease of its own.
        var other = ReportOf(old) with { ImportId = Guid.NewGuid(), FileName = "other.txt" };
        var theirs = ReportOf(old) with { ImportId = Guid.NewGuid(), TenantId = TenantB };
        await view.CreateImportAsync(other);
        await view.UpdateImportAsync(other with { Status = ImportStatus.Completed });
        await view.AddEntriesAsync(TenantA, other.ImportId, [NewEntry(1)]);
        await view.UpdateEntriesAsync(TenantA, other.ImportId, [Invited(1)]);
        await view.CreateImportAsync(theirs);
        await view.AddEntriesAsync(TenantB, theirs.ImportId, [NewEntry(1)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await view.GetImportAsync(TenantA, item.ImportId))?.ImportId, Is.EqualTo(item.ImportId), "reads are the store's");
            Assert.That((await view.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery())).TotalCount, Is.EqualTo(2));
            Assert.That((await view.ListImportsAsync(TenantA, new ImportQuery())).TotalCount, Is.EqualTo(2));
            Assert.That((await view.FindInvitationByTokenHashAsync(hash, T0))?.Sequence, Is.EqualTo(1));
            Assert.That((await History.GetImportAsync(TenantA, other.ImportId))?.Status, Is.EqualTo(ImportStatus.Completed), "other imports are written");
            Assert.That((await History.ListEntriesAsync(TenantA, other.ImportId, new EntryQuery())).Items.Single().Outcome, Is.EqualTo(InviteOutcome.Invited));
            Assert.That((await History.ListEntriesAsync(TenantB, theirs.ImportId, new EntryQuery())).TotalCount, Is.EqualTo(1), "another tenant's import is written");
            Assert.That(await view.DeleteEntriesAsync(TenantA, other.ImportId), Is.EqualTo(1));
            Assert.That(await view.AcceptInvitationAsync(hash, T0.AddMinutes(1)), Is.Not.Null, "ledger-only writes are the store's");
            Assert.That(await view.ExpireInvitationsAsync(TenantA, T0.AddMinutes(2)), Is.Zero);
            Assert.That(await view.RevokeInvitationsOfImportAsync(TenantA, item.ImportId, T0.AddMinutes(2)), Is.Zero);
            Assert.That(await view.DeleteAddressAsync(TenantA, "user2@example.com"), Is.EqualTo(1), "a privacy delete is the store's");
            Assert.That(await view.DeleteImportsCreatedBeforeAsync(TenantB, T0.AddDays(1)), Is.EqualTo(1), "retention is the store's");
        }
    }

    /// <summary>
    /// A lease's view checks the lease only for its own import of its own tenant: the same import id named with another
    /// tenant is that tenant's business, refused as the store refuses it.
    /// </summary>
    [Test]
    public async Task A_leases_view_scopes_writes_that_name_another_tenant_as_the_store_does()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0);
        var view = Work.WithLease(old);
        await view.CreateImportAsync(ReportOf(old));
        await view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(1)]);
        await ClaimAsync(seconds: 60, owner: OwnerB);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => view.AddEntriesAsync(TenantB, item.ImportId, [NewEntry(2)]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => view.UpdateEntriesAsync(TenantB, item.ImportId, [Invited(1)]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => view.UpdateImportAsync(ReportOf(old) with { TenantId = TenantB }), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => view.RecordInvitationSendsAsync(TenantB, item.ImportId, [], [NewSend(item.ImportId, 1)]), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(await view.DeleteEntriesAsync(TenantB, item.ImportId), Is.Zero);
            Assert.That(() => view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(2)]), Throws.TypeOf<ImportLeaseLostException>(), "its own import is fenced");
        }

        Assert.That((await History.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery())).Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (1L, InviteOutcome.Pending) }));
    }

    /// <summary>Concurrent writes under a lease while another instance takes the import over: once the takeover is in, no write of the old lease lands.</summary>
    [Test]
    public async Task No_write_of_the_old_lease_lands_after_the_takeover_that_races_it()
    {
        var item = await EnqueueAsync();
        var old = await ClaimAsync(seconds: 0);
        var view = Work.WithLease(old);
        await view.CreateImportAsync(ReportOf(old));
        var stores = await OpenConcurrentStoresAsync(1);

        var takenOver = 0;
        var writes = Task.Run(async () =>
        {
            var landed = new List<long>();
            var landedAfterTakeover = 0;
            for (var sequence = 1L; sequence <= 200; sequence++)
            {
                var startedAfterTakeover = Volatile.Read(ref takenOver) == 1;
                try
                {
                    await view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(sequence)]).ConfigureAwait(false);
                    landed.Add(sequence);
                    landedAfterTakeover += startedAfterTakeover ? 1 : 0;
                }
                catch (ImportLeaseLostException)
                {
                    break;
                }
            }

            return (landed, landedAfterTakeover);
        });
        var takeover = await stores[0].Work.ClaimAsync(OwnerB, LeaseDuration, old.ExpiresAt);
        Volatile.Write(ref takenOver, 1);
        var (landed, landedAfterTakeover) = await writes;
        var stored = await History.ListEntriesAsync(TenantA, item.ImportId, new EntryQuery { Limit = 500 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(takeover?.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(stored.Items.Select(e => e.Sequence), Is.EqualTo(landed), "exactly the writes that returned are stored");
            Assert.That(landedAfterTakeover, Is.Zero, "no write begun after the takeover landed");
            Assert.That(() => view.AddEntriesAsync(TenantA, item.ImportId, [NewEntry(1_000)]), Throws.TypeOf<ImportLeaseLostException>());
        }
    }

    /// <summary>An entry marked invited.</summary>
    /// <param name="sequence">The entry.</param>
    /// <returns>The change.</returns>
    protected static InviteEntryUpdate Invited(long sequence) => new() { Sequence = sequence, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0.AddMinutes(1) };

    /// <summary>A send of the invitation of one entry of <see cref="NewEntry"/>.</summary>
    /// <param name="importId">The import.</param>
    /// <param name="sequence">The entry.</param>
    /// <param name="hash">The token hash; a random one when not given.</param>
    /// <returns>The send.</returns>
    protected static InvitationSend NewSend(Guid importId, long sequence, byte[]? hash = null) => new()
    {
        InvitationId = Guid.CreateVersion7(T0),
        ImportId = importId,
        Sequence = sequence,
        Line = sequence,
        Address = $"user{sequence}@example.com",
        AddressKey = $"user{sequence}@example.com",
        InitiatedBy = "admin@example.com",
        TokenHash = hash ?? RandomNumberGenerator.GetBytes(32),
        TokenKeyId = "k1",
        SentAt = T0,
        ExpiresAt = T0.AddDays(7),
    };
}
