namespace BulkInvite.Testing;

/// <content>The ledger in the report: each entry's invitation, an import's invitations counted, live invitations looked up in batches.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>
    /// Entries 1 to 6 of a new import, with invitations sent for 1 to 5 at <see cref="T0"/>: 1 accepted, 2 revoked,
    /// 3 sent twice, 4 and 5 left pending (5's expiry a day earlier), 6 never sent.
    /// </summary>
    private async Task<(BulkInviteReport Import, InvitationSend[] Sends)> ImportWithInvitationsAsync(string tenant = TenantA)
    {
        var import = await CreateImportAsync(tenant);
        await Store.AddEntriesAsync(tenant, import.ImportId, Enumerable.Range(1, 6).Select(i => NewEntry(i)).ToList());
        var sends = Enumerable.Range(1, 5).Select(i => NewSend(import.ImportId, i, NewTokenHash(), address: $"{tenant}-{import.ImportId:N}-user{i}@example.com")).ToArray();
        sends[4] = new InvitationSend
        {
            InvitationId = sends[4].InvitationId, ImportId = sends[4].ImportId, Sequence = 5, Line = 6, Address = sends[4].Address, AddressKey = sends[4].AddressKey,
            InitiatedBy = sends[4].InitiatedBy, TokenHash = sends[4].TokenHash, TokenKeyId = "k1", SentAt = T0, ExpiresAt = T0 + Lifetime - TimeSpan.FromDays(1),
        };
        await Store.RecordInvitationSendsAsync(tenant, import.ImportId, [], sends);
        await Store.AcceptInvitationAsync(sends[0].TokenHash, T0.AddHours(1));
        await Store.RevokeInvitationAsync(tenant, sends[1].InvitationId, T0.AddHours(2));
        var again = NewSend(import.ImportId, 3, NewTokenHash(), T0.AddHours(3), sends[2].Address);
        await Store.RecordInvitationSendsAsync(tenant, import.ImportId, [], [again]);
        return (import, sends);
    }

    /// <summary>Entries read with their invitations carry each one's state as of the read, and no invitation when not asked for.</summary>
    [Test]
    public async Task Entries_read_with_their_invitations_carry_each_ones_state_as_of_the_read()
    {
        var (import, sends) = await ImportWithInvitationsAsync();
        await ReopenAsync();
        var asOf = T0 + Lifetime - TimeSpan.FromHours(12);

        var page = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { InvitationsAsOf = asOf });
        var plain = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery());
        var paged = new List<InviteEntryResult>();
        long after = 0;
        while (true)
        {
            var part = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { InvitationsAsOf = asOf, AfterSequence = after, Limit = 2 });
            paged.AddRange(part.Items);
            if (!part.HasMore)
            {
                break;
            }

            after = part.Items[^1].Sequence;
        }

        var ofOtherTenant = await Store.ListEntriesAsync(TenantB, import.ImportId, new EntryQuery { InvitationsAsOf = asOf });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Items.Select(e => e.Invitation?.State), Is.EqualTo(new InvitationState?[]
            {
                InvitationState.Accepted, InvitationState.Revoked, InvitationState.Pending, InvitationState.Pending, InvitationState.Expired, null,
            }));
            Assert.That(page.Items.Take(5).Select(e => e.Invitation!.InvitationId), Is.EqualTo(sends.Select(s => s.InvitationId)));
            Assert.That(page.Items[0].Invitation!.AcceptedAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(page.Items[1].Invitation!.RevokedAt, Is.EqualTo(T0.AddHours(2)));
            Assert.That((page.Items[2].Invitation!.SendCount, page.Items[2].Invitation!.ExpiresAt), Is.EqualTo((2, T0.AddHours(3) + Lifetime)), "a resend counts and moves the expiry");
            Assert.That(page.Items[3].Invitation!.ExpiresAt, Is.EqualTo(T0 + Lifetime));
            Assert.That(plain.Items.Select(e => e.Invitation), Is.All.Null, "read without InvitationsAsOf");
            Assert.That(paged.Select(e => e.Invitation?.State), Is.EqualTo(page.Items.Select(e => e.Invitation?.State)), "pages of two");
            Assert.That(ofOtherTenant.Items, Is.Empty);
        }
    }

    /// <summary>Entries of one outcome read with their invitations get their own invitations, not their neighbours'.</summary>
    [Test]
    public async Task Entries_of_one_outcome_read_with_their_invitations_get_their_own()
    {
        var (import, sends) = await ImportWithInvitationsAsync();
        await Store.UpdateEntriesAsync(TenantA, import.ImportId, new[] { 2L, 4L }.Select(s => new InviteEntryUpdate { Sequence = s, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }).ToList());

        var invited = await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited, InvitationsAsOf = T0.AddDays(1) });

        Assert.That(invited.Items.Select(e => (e.Sequence, e.Invitation?.InvitationId)), Is.EqualTo(new[] { (2L, (Guid?)sends[1].InvitationId), (4L, (Guid?)sends[3].InvitationId) }));
    }

    /// <summary>An import's invitations are counted by their state as of the read; other imports and tenants are not counted.</summary>
    [Test]
    public async Task An_imports_invitations_are_counted_by_their_state_as_of_the_read()
    {
        var (import, _) = await ImportWithInvitationsAsync();
        var (otherImport, _) = await ImportWithInvitationsAsync();
        await ImportWithInvitationsAsync(TenantB);
        await Store.RevokeInvitationsOfImportAsync(TenantA, otherImport.ImportId, T0.AddHours(4));

        var early = await Store.CountInvitationsAsync(TenantA, import.ImportId, T0.AddDays(1));
        var late = await Store.CountInvitationsAsync(TenantA, import.ImportId, T0.AddDays(30));
        var other = await Store.CountInvitationsAsync(TenantA, otherImport.ImportId, T0.AddDays(1));
        var ofOtherTenant = await Store.CountInvitationsAsync(TenantB, import.ImportId, T0.AddDays(1));
        var unknown = await Store.CountInvitationsAsync(TenantA, Guid.NewGuid(), T0.AddDays(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.EqualTo(new InvitationCounts { Pending = 3, Accepted = 1, Revoked = 1 }));
            Assert.That(late, Is.EqualTo(new InvitationCounts { Expired = 3, Accepted = 1, Revoked = 1 }), "pending invitations past their expiry count as expired");
            Assert.That(other, Is.EqualTo(new InvitationCounts { Accepted = 1, Revoked = 4 }));
            Assert.That(ofOtherTenant, Is.EqualTo(InvitationCounts.Empty));
            Assert.That(unknown, Is.EqualTo(InvitationCounts.Empty));
        }
    }

    /// <summary>Live invitations are looked up for many addresses at once, one answer per address in the order asked.</summary>
    [Test]
    public async Task Live_invitations_are_looked_up_for_many_addresses_in_the_order_asked()
    {
        var (_, sends) = await ImportWithInvitationsAsync();
        string[] keys = [sends[3].AddressKey, "nobody@example.com", sends[0].AddressKey, sends[1].AddressKey, sends[3].AddressKey];

        var found = await Store.FindLiveInvitationsAsync(TenantA, keys, T0.AddDays(1));
        var ofOtherTenant = await Store.FindLiveInvitationsAsync(TenantB, keys, T0.AddDays(1));
        var none = await Store.FindLiveInvitationsAsync(TenantA, [], T0.AddDays(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(r => r?.InvitationId), Is.EqualTo(new Guid?[] { sends[3].InvitationId, null, sends[0].InvitationId, null, sends[3].InvitationId }), "a revoked invitation is not live");
            Assert.That(found[2]!.State, Is.EqualTo(InvitationState.Accepted));
            Assert.That(ofOtherTenant, Has.Count.EqualTo(5).And.All.Null);
            Assert.That(none, Is.Empty);
        }
    }
}
