using System.Security.Cryptography;

namespace BulkInvite.Testing;

/// <content>The invitation ledger: sends, token hashes, the single-use accept, revoke, expiry, lists and retention.</content>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>How long the invitations of these tests live.</summary>
    protected static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// Stores on the same storage as <see cref="Store"/> that concurrent calls spread over: for a durable store, other
    /// instances (other connections, as other processes would have); by default <see cref="Store"/> itself.
    /// </summary>
    /// <param name="count">How many stores are wanted.</param>
    /// <returns>The stores; the caller disposes none of them (the fixture disposes what it opened at tear-down).</returns>
    protected virtual Task<IReadOnlyList<IInviteHistoryStore>> OpenConcurrentStoresAsync(int count)
        => Task.FromResult<IReadOnlyList<IInviteHistoryStore>>(Enumerable.Repeat(Store, count).ToArray());

    /// <summary>A new random token hash (32 bytes).</summary>
    /// <returns>The hash.</returns>
    protected static byte[] NewTokenHash() => RandomNumberGenerator.GetBytes(32);

    /// <summary>A send of the invitation of one entry.</summary>
    /// <param name="importId">The import.</param>
    /// <param name="sequence">The entry.</param>
    /// <param name="hash">The token hash.</param>
    /// <param name="sentAt">When it is sent; <see cref="T0"/> when not given.</param>
    /// <param name="address">The address; <c>user{sequence}@example.com</c> when not given.</param>
    /// <param name="replacePending">Whether it replaces a pending invitation of the address from another entry.</param>
    /// <returns>The send.</returns>
    protected static InvitationSend NewSend(Guid importId, long sequence, byte[] hash, DateTimeOffset? sentAt = null, string? address = null, bool replacePending = false)
    {
        var at = sentAt ?? T0;
        var to = address ?? $"user{sequence}@example.com";
        return new InvitationSend
        {
            InvitationId = Guid.CreateVersion7(at),
            ImportId = importId,
            Sequence = sequence,
            Line = sequence + 1,
            Address = to,
            AddressKey = to.ToLowerInvariant(),
            DisplayName = $"User {sequence}",
            Fields = new Dictionary<string, string> { ["role"] = "editor", ["groups"] = "a;b" },
            InitiatedBy = "admin@example.com",
            TokenHash = hash,
            TokenKeyId = "k1",
            SentAt = at,
            ExpiresAt = at + Lifetime,
            MessageKey = $"{importId:N}.{sequence}",
            ReplacePending = replacePending,
        };
    }

    /// <summary>Records one send and returns what the store did.</summary>
    /// <param name="send">The send.</param>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The status.</returns>
    protected async Task<InvitationSendStatus> RecordAsync(InvitationSend send, string tenant = TenantA)
        => (await Store.RecordInvitationSendsAsync(tenant, send.ImportId, [], [send]).ConfigureAwait(false)).Single();

    /// <summary>The live invitation of one address, through the batch read.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="addressKey">The address's key.</param>
    /// <param name="asOf">The time of the read.</param>
    /// <returns>The live invitation, if any.</returns>
    protected async Task<InvitationRecord?> FindLiveAsync(string tenant, string addressKey, DateTimeOffset asOf)
        => (await Store.FindLiveInvitationsAsync(tenant, [addressKey], asOf).ConfigureAwait(false)).Single();

    /// <summary>A recorded send creates a pending invitation that reads back whole, by token hash, by id and after a reopen.</summary>
    [Test]
    public async Task A_recorded_send_creates_a_pending_invitation_that_reads_back_whole()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        var send = NewSend(import.ImportId, 3, hash);

        Assert.That(await RecordAsync(send), Is.EqualTo(InvitationSendStatus.Recorded));
        await ReopenAsync();
        var byHash = await Store.FindInvitationByTokenHashAsync(hash, T0);
        var byId = await Store.GetInvitationAsync(TenantA, send.InvitationId, T0);

        Assert.That(byHash, Is.Not.Null);
        Assert.That(byId, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            foreach (var invitation in new[] { byHash!, byId! })
            {
                Assert.That(invitation.InvitationId, Is.EqualTo(send.InvitationId));
                Assert.That(invitation.TenantId, Is.EqualTo(TenantA));
                Assert.That((invitation.ImportId, invitation.Sequence, invitation.Line), Is.EqualTo((import.ImportId, 3L, 4L)));
                Assert.That((invitation.Address, invitation.AddressKey, invitation.DisplayName), Is.EqualTo(("user3@example.com", "user3@example.com", "User 3")));
                Assert.That(invitation.Fields, Is.EquivalentTo(send.Fields!));
                Assert.That(invitation.InitiatedBy, Is.EqualTo("admin@example.com"));
                Assert.That(invitation.State, Is.EqualTo(InvitationState.Pending));
                Assert.That((invitation.CreatedAt, invitation.ExpiresAt, invitation.LastSentAt), Is.EqualTo((T0, T0 + Lifetime, T0)));
                Assert.That((invitation.AcceptedAt, invitation.RevokedAt), Is.EqualTo(((DateTimeOffset?)null, (DateTimeOffset?)null)));
                Assert.That((invitation.SendCount, invitation.LastMessageKey, invitation.TokenKeyId), Is.EqualTo((1, send.MessageKey, "k1")));
            }
        }
    }

    /// <summary>A second send of an invitation replaces its token hash: the old hash finds and accepts nothing at once.</summary>
    [Test]
    public async Task A_second_send_replaces_the_token_hash_and_the_old_hash_finds_and_accepts_nothing()
    {
        var import = await CreateImportAsync();
        var first = NewTokenHash();
        var second = NewTokenHash();
        var send = NewSend(import.ImportId, 1, first);
        await RecordAsync(send);
        var later = T0.AddDays(2);

        var status = await RecordAsync(NewSend(import.ImportId, 1, second, later));
        await ReopenAsync();

        var old = await Store.FindInvitationByTokenHashAsync(first, later);
        var current = await Store.FindInvitationByTokenHashAsync(second, later);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(InvitationSendStatus.Recorded));
            Assert.That(old, Is.Null);
            Assert.That(await Store.AcceptInvitationAsync(first, later), Is.Null);
            Assert.That(current!.InvitationId, Is.EqualTo(send.InvitationId), "the same invitation, not a new one");
            Assert.That((current.SendCount, current.CreatedAt, current.LastSentAt, current.ExpiresAt), Is.EqualTo((2, T0, later, later + Lifetime)));
        }
    }

    /// <summary>
    /// An update that withdraws the invitation (<see cref="InviteEntryUpdate.WithdrawsInvitation"/>: the email certainly
    /// did not leave) deletes the entry's pending invitation in the same write: the address is free for another import
    /// and the link finds nothing. Without it the invitation stays, whatever the outcome (a hand-back after a transport
    /// error); an accepted or revoked invitation stays either way.
    /// </summary>
    [Test]
    public async Task An_entry_recorded_as_not_sent_loses_its_pending_invitation_and_frees_its_address()
    {
        var import = NewImport();
        await Store.CreateImportAsync(import);
        await Store.AddEntriesAsync(TenantA, import.ImportId, [.. Enumerable.Range(1, 7).Select(i => NewEntry(i))]);
        var hashes = Enumerable.Range(0, 8).Select(_ => NewTokenHash()).ToArray();
        var marks = Enumerable.Range(1, 7).Select(i => new InviteEntryUpdate { Sequence = i, Outcome = InviteOutcome.Sending, UpdatedAt = T0 }).ToArray();
        var sends = Enumerable.Range(1, 7).Select(i => NewSend(import.ImportId, i, hashes[i])).ToArray();
        Assert.That(await Store.RecordInvitationSendsAsync(TenantA, import.ImportId, marks, sends), Has.All.EqualTo(InvitationSendStatus.Recorded));
        var later = T0.AddMinutes(5);
        Assert.That(await Store.AcceptInvitationAsync(hashes[6], later), Is.Not.Null);
        Assert.That(await Store.RevokeInvitationAsync(TenantA, sends[6].InvitationId, later), Is.True);

        // Through both writes that change entries: a round of sends with no new send, and a plain update.
        await Store.RecordInvitationSendsAsync(TenantA, import.ImportId, [Outcome(1, InviteOutcome.Invited, false), Outcome(2, InviteOutcome.Failed, true)], []);
        await Store.UpdateEntriesAsync(TenantA, import.ImportId, [
            Outcome(3, InviteOutcome.Pending, true), Outcome(4, InviteOutcome.Skipped, true), Outcome(5, InviteOutcome.Pending, false), Outcome(6, InviteOutcome.Failed, true), Outcome(7, InviteOutcome.Failed, true)]);
        await ReopenAsync();

        var live = await Store.FindLiveInvitationsAsync(TenantA, [.. Enumerable.Range(1, 7).Select(i => $"user{i}@example.com")], later);
        var entries = (await Store.ListEntriesAsync(TenantA, import.ImportId, new EntryQuery { Limit = 10, InvitationsAsOf = later })).Items;
        var other = await CreateImportAsync(minutes: 1);
        var again = await Store.RecordInvitationSendsAsync(TenantA, other.ImportId, [], [.. new[] { 2, 3, 4, 5 }.Select(i => NewSend(other.ImportId, i, NewTokenHash(), later, $"user{i}@example.com"))]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(live.Select(i => i?.Sequence), Is.EqualTo(new long?[] { 1, null, null, null, 5, 6, null }), "without the flag an entry keeps its own; the accepted one stays live");
            Assert.That(await Store.FindInvitationByTokenHashAsync(hashes[2], later), Is.Null, "the refused send's link finds nothing");
            Assert.That(await Store.AcceptInvitationAsync(hashes[3], later), Is.Null, "the link of a send handed back accepts nothing");
            Assert.That((await Store.GetInvitationAsync(TenantA, sends[6].InvitationId, later))!.State, Is.EqualTo(InvitationState.Revoked));
            Assert.That(entries.Select(e => e.Invitation?.State), Is.EqualTo(new InvitationState?[] { InvitationState.Pending, null, null, null, InvitationState.Pending, InvitationState.Accepted, InvitationState.Revoked }));
            Assert.That(entries.Select(e => e.Outcome), Is.EqualTo(new[] { InviteOutcome.Invited, InviteOutcome.Failed, InviteOutcome.Pending, InviteOutcome.Skipped, InviteOutcome.Pending, InviteOutcome.Failed, InviteOutcome.Failed }));
            Assert.That(again, Is.EqualTo(new[] { InvitationSendStatus.Recorded, InvitationSendStatus.Recorded, InvitationSendStatus.Recorded, InvitationSendStatus.AddressInvited }), "another import may invite the freed addresses");
            Assert.That(await Store.CountInvitationsAsync(TenantA, import.ImportId, later), Is.EqualTo(new InvitationCounts { Pending = 2, Accepted = 1, Revoked = 1 }));
        }

        static InviteEntryUpdate Outcome(long sequence, InviteOutcome outcome, bool withdraws)
            => new() { Sequence = sequence, Outcome = outcome, UpdatedAt = T0.AddMinutes(6), WithdrawsInvitation = withdraws };
    }

    /// <summary>A token hash is accepted once; every later accept of it gets nothing, and the invitation reads as accepted.</summary>
    [Test]
    public async Task A_token_hash_is_accepted_once_and_a_replay_gets_nothing()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        await RecordAsync(NewSend(import.ImportId, 1, hash));
        var now = T0.AddHours(1);

        var accepted = await Store.AcceptInvitationAsync(hash, now);
        var replay = await Store.AcceptInvitationAsync(hash, now.AddMinutes(1));
        await ReopenAsync();
        var read = await Store.FindInvitationByTokenHashAsync(hash, now.AddDays(30));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Is.Not.Null);
            Assert.That((accepted!.State, accepted.AcceptedAt, accepted.Address), Is.EqualTo((InvitationState.Accepted, (DateTimeOffset?)now, "user1@example.com")));
            Assert.That(accepted.Fields, Contains.Key("role"));
            Assert.That(replay, Is.Null);
            Assert.That((read!.State, read.AcceptedAt), Is.EqualTo((InvitationState.Accepted, (DateTimeOffset?)now)), "accepted stays accepted after the expiry");
        }
    }

    /// <summary>Of twenty concurrent accepts of one token hash, on several stores of the same storage, exactly one wins.</summary>
    [Test]
    public async Task Of_twenty_concurrent_accepts_of_one_token_hash_exactly_one_wins()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        await RecordAsync(NewSend(import.ImportId, 1, hash));
        var stores = await OpenConcurrentStoresAsync(4).ConfigureAwait(false);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var now = T0.AddHours(1);

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.Task.ConfigureAwait(false);
            return await stores[i % stores.Count].AcceptInvitationAsync(hash, now).ConfigureAwait(false);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        Assert.That(results.Count(r => r is not null), Is.EqualTo(1));
    }

    /// <summary>An expired invitation cannot be accepted, and reads as expired before any sweep.</summary>
    [Test]
    public async Task An_expired_invitation_cannot_be_accepted_and_reads_as_expired_before_the_sweep()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        await RecordAsync(NewSend(import.ImportId, 1, hash));
        var atExpiry = T0 + Lifetime;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Store.FindInvitationByTokenHashAsync(hash, atExpiry.AddTicks(-1)))!.State, Is.EqualTo(InvitationState.Pending));
            Assert.That(await Store.AcceptInvitationAsync(hash, atExpiry), Is.Null, "the expiry instant is already too late");
            Assert.That((await Store.FindInvitationByTokenHashAsync(hash, atExpiry))!.State, Is.EqualTo(InvitationState.Expired));
            Assert.That((await Store.FindInvitationByTokenHashAsync(hash, atExpiry))!.AcceptedAt, Is.Null);
        }
    }

    /// <summary>A revoked invitation cannot be accepted, and cannot be revoked or sent again.</summary>
    [Test]
    public async Task A_revoked_invitation_cannot_be_accepted_revoked_again_or_sent_again()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        var send = NewSend(import.ImportId, 1, hash);
        await RecordAsync(send);
        var now = T0.AddHours(1);

        var revoked = await Store.RevokeInvitationAsync(TenantA, send.InvitationId, now);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked, Is.True);
            Assert.That(await Store.AcceptInvitationAsync(hash, now), Is.Null);
            Assert.That(await Store.RevokeInvitationAsync(TenantA, send.InvitationId, now), Is.False);
            Assert.That(await RecordAsync(NewSend(import.ImportId, 1, NewTokenHash(), now)), Is.EqualTo(InvitationSendStatus.Closed));
        }

        var read = await Store.FindInvitationByTokenHashAsync(hash, now);
        Assert.That((read!.State, read.RevokedAt, read.SendCount), Is.EqualTo((InvitationState.Revoked, (DateTimeOffset?)now, 1)), "the refused send changed nothing");
    }

    /// <summary>An accepted invitation is not sent again: the send is refused as closed and changes nothing.</summary>
    [Test]
    public async Task An_accepted_invitation_is_not_sent_again()
    {
        var import = await CreateImportAsync();
        var hash = NewTokenHash();
        await RecordAsync(NewSend(import.ImportId, 1, hash));
        await Store.AcceptInvitationAsync(hash, T0.AddHours(1));

        var status = await RecordAsync(NewSend(import.ImportId, 1, NewTokenHash(), T0.AddHours(2)));

        Assert.That(status, Is.EqualTo(InvitationSendStatus.Closed));
        Assert.That((await Store.FindInvitationByTokenHashAsync(hash, T0.AddHours(2)))!.State, Is.EqualTo(InvitationState.Accepted), "the old hash still names it");
    }

    /// <summary>The sweep records expired invitations, which stay expired at any later read; a new send opens one again.</summary>
    [Test]
    public async Task The_sweep_records_expiry_and_a_new_send_opens_the_invitation_again()
    {
        var import = await CreateImportAsync();
        var ofB = await CreateImportAsync(TenantB);
        var old = NewSend(import.ImportId, 1, NewTokenHash());
        await RecordAsync(old);
        await RecordAsync(NewSend(import.ImportId, 2, NewTokenHash(), T0.AddDays(3)));
        await RecordAsync(NewSend(ofB.ImportId, 3, NewTokenHash()), TenantB);
        var sweep = T0 + Lifetime;

        var expired = await Store.ExpireInvitationsAsync(TenantA, sweep);
        var again = await Store.ExpireInvitationsAsync(TenantA, sweep);
        var read = await Store.GetInvitationAsync(TenantA, old.InvitationId, T0);
        var hash = NewTokenHash();
        var reopened = await RecordAsync(NewSend(import.ImportId, 1, hash, sweep.AddDays(1)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((expired, again), Is.EqualTo((1, 0)), "only tenant A's one that had expired");
            Assert.That(read!.State, Is.EqualTo(InvitationState.Expired), "recorded: expired even read as of an earlier time");
            Assert.That(reopened, Is.EqualTo(InvitationSendStatus.Recorded));
            Assert.That((await Store.FindInvitationByTokenHashAsync(hash, sweep.AddDays(1)))!.State, Is.EqualTo(InvitationState.Pending));
            Assert.That(await Store.AcceptInvitationAsync(hash, sweep.AddDays(2)), Is.Not.Null);
        }
    }

    /// <summary>A list filters by the state at the time of the read and by import, and pages by id without gaps or repeats.</summary>
    [Test]
    public async Task A_list_filters_by_state_as_of_its_time_and_by_import_and_pages_by_id()
    {
        var import = await CreateImportAsync();
        var other = await CreateImportAsync(minutes: 1);
        var sends = new List<InvitationSend>();
        for (var i = 1; i <= 9; i++)
        {
            var send = NewSend(i % 3 == 0 ? other.ImportId : import.ImportId, i, NewTokenHash(), T0.AddMinutes(i));
            sends.Add(send);
            await RecordAsync(send);
        }

        var asOf = T0.AddMinutes(4) + Lifetime;
        await Store.AcceptInvitationAsync(sends[5].TokenHash, T0.AddHours(1));
        await Store.RevokeInvitationAsync(TenantA, sends[6].InvitationId, T0.AddHours(1));

        async Task<List<Guid>> ListAllAsync(InvitationQuery query)
        {
            var ids = new List<Guid>();
            Guid? after = null;
            while (true)
            {
                var page = await Store.ListInvitationsAsync(TenantA, query with { AfterInvitationId = after, Limit = 2 }, asOf);
                Assert.That(page.TotalCount, Is.EqualTo(-1));
                ids.AddRange(page.Items.Select(i => i.InvitationId));
                if (!page.HasMore)
                {
                    return ids;
                }

                after = page.Items[^1].InvitationId;
            }
        }

        var all = await ListAllAsync(new InvitationQuery());
        var expired = await ListAllAsync(new InvitationQuery { State = InvitationState.Expired });
        var pending = await ListAllAsync(new InvitationQuery { State = InvitationState.Pending });
        var accepted = await ListAllAsync(new InvitationQuery { State = InvitationState.Accepted });
        var revokedOfImport = await ListAllAsync(new InvitationQuery { State = InvitationState.Revoked, ImportId = import.ImportId });
        var ofOther = await ListAllAsync(new InvitationQuery { ImportId = other.ImportId });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(all, Is.EqualTo(sends.Select(s => s.InvitationId)), "every one once, in the order of their ids");
            Assert.That(expired, Is.EqualTo(sends.Take(4).Select(s => s.InvitationId)), "sent at minutes 1 to 4: expired at the time of the read");
            Assert.That(pending, Is.EqualTo(new[] { sends[4], sends[7], sends[8] }.Select(s => s.InvitationId)));
            Assert.That(accepted, Is.EqualTo(new[] { sends[5].InvitationId }));
            Assert.That(revokedOfImport, Is.EqualTo(new[] { sends[6].InvitationId }));
            Assert.That(ofOther, Is.EqualTo(new[] { sends[2], sends[5], sends[8] }.Select(s => s.InvitationId)));
        }
    }

    /// <summary>
    /// An address has one live invitation: a pending one holds it against other imports until it expires or is replaced,
    /// an accepted one for good; the live one is what <see cref="IInviteHistoryStore.FindLiveInvitationsAsync"/> names.
    /// </summary>
    [Test]
    public async Task An_address_has_one_live_invitation_which_holds_it_until_it_expires_or_is_replaced()
    {
        var first = await CreateImportAsync();
        var second = await CreateImportAsync(minutes: 1);
        var third = await CreateImportAsync(minutes: 2);
        var ofB = await CreateImportAsync(TenantB);
        var early = NewSend(first.ImportId, 1, NewTokenHash(), T0, "Jane@Example.com");
        await RecordAsync(early);

        var held = await RecordAsync(NewSend(second.ImportId, 5, NewTokenHash(), T0.AddDays(1), "jane@example.com"));
        var pendingLive = await FindLiveAsync(TenantA, "jane@example.com", T0.AddDays(1));
        var expiredLive = await FindLiveAsync(TenantA, "jane@example.com", T0 + Lifetime);
        var afterExpiry = NewSend(second.ImportId, 5, NewTokenHash(), T0 + Lifetime, "jane@example.com");
        var takenOver = await RecordAsync(afterExpiry);
        var replacing = NewSend(third.ImportId, 2, NewTokenHash(), T0.AddDays(8), "jane@example.com", replacePending: true);
        var replaced = await RecordAsync(replacing);
        var replacedOne = await Store.GetInvitationAsync(TenantA, afterExpiry.InvitationId, T0.AddDays(8));
        await Store.AcceptInvitationAsync(replacing.TokenHash, T0.AddDays(9));
        var acceptedHolds = await RecordAsync(NewSend(first.ImportId, 9, NewTokenHash(), T0.AddDays(9), "jane@example.com", replacePending: true));
        var acceptedLive = await FindLiveAsync(TenantA, "jane@example.com", T0.AddDays(300));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(held, Is.EqualTo(InvitationSendStatus.AddressInvited), "a pending invitation of another import holds the address");
            Assert.That((pendingLive!.InvitationId, pendingLive.ImportId, pendingLive.Line), Is.EqualTo((early.InvitationId, first.ImportId, 2L)));
            Assert.That(expiredLive, Is.Null);
            Assert.That(takenOver, Is.EqualTo(InvitationSendStatus.Recorded), "an expired invitation holds nothing");
            Assert.That((await Store.GetInvitationAsync(TenantA, early.InvitationId, T0))!.State, Is.EqualTo(InvitationState.Expired), "and is recorded expired");
            Assert.That(replaced, Is.EqualTo(InvitationSendStatus.Recorded));
            Assert.That((replacedOne!.State, replacedOne.RevokedAt), Is.EqualTo((InvitationState.Revoked, (DateTimeOffset?)T0.AddDays(8))), "the replaced one's link is dead");
            Assert.That(acceptedHolds, Is.EqualTo(InvitationSendStatus.AddressInvited), "an accepted invitation holds the address for good");
            Assert.That(acceptedLive!.InvitationId, Is.EqualTo(replacing.InvitationId));
            Assert.That(await FindLiveAsync(TenantB, "jane@example.com", T0.AddDays(9)), Is.Null);
            Assert.That(await RecordAsync(NewSend(ofB.ImportId, 1, NewTokenHash(), T0.AddDays(9), "jane@example.com"), TenantB), Is.EqualTo(InvitationSendStatus.Recorded), "another tenant's address is another address");
        }
    }

    /// <summary>Of ten imports that send one address at the same time, on several stores of the same storage, exactly one records it.</summary>
    [Test]
    public async Task Of_ten_concurrent_sends_of_one_address_from_ten_imports_exactly_one_is_recorded()
    {
        var imports = new List<BulkInviteReport>();
        for (var i = 0; i < 10; i++)
        {
            imports.Add(await CreateImportAsync(minutes: i));
        }

        var stores = await OpenConcurrentStoresAsync(4).ConfigureAwait(false);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = imports.Select((import, i) => Task.Run(async () =>
        {
            await start.Task.ConfigureAwait(false);
            return (await stores[i % stores.Count].RecordInvitationSendsAsync(TenantA, import.ImportId, [], [NewSend(import.ImportId, 1, NewTokenHash(), T0.AddHours(1), "jane@example.com")]).ConfigureAwait(false)).Single();
        })).ToArray();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses.Count(s => s == InvitationSendStatus.Recorded), Is.EqualTo(1));
            Assert.That(statuses.Count(s => s == InvitationSendStatus.AddressInvited), Is.EqualTo(9));
            Assert.That((await Store.ListInvitationsAsync(TenantA, new InvitationQuery(), T0.AddHours(1))).Items, Has.Count.EqualTo(1));
        }
    }

    /// <summary>Revoking an import's invitations revokes its pending ones only, in that import only.</summary>
    [Test]
    public async Task Revoking_an_import_revokes_its_pending_invitations_only()
    {
        var import = await CreateImportAsync();
        var other = await CreateImportAsync(minutes: 1);
        var accepted = NewSend(import.ImportId, 1, NewTokenHash());
        var pending = NewSend(import.ImportId, 2, NewTokenHash());
        var expiredOne = NewSend(import.ImportId, 3, NewTokenHash(), T0.AddDays(-8));
        var elsewhere = NewSend(other.ImportId, 1, NewTokenHash(), address: "other@example.com");
        await Store.RecordInvitationSendsAsync(TenantA, import.ImportId, [], [accepted, pending, expiredOne]);
        await RecordAsync(elsewhere);
        await Store.AcceptInvitationAsync(accepted.TokenHash, T0.AddHours(1));

        var revoked = await Store.RevokeInvitationsOfImportAsync(TenantA, import.ImportId, T0.AddHours(2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked, Is.EqualTo(1));
            Assert.That((await Store.GetInvitationAsync(TenantA, pending.InvitationId, T0.AddHours(2)))!.State, Is.EqualTo(InvitationState.Revoked));
            Assert.That((await Store.GetInvitationAsync(TenantA, accepted.InvitationId, T0.AddHours(2)))!.State, Is.EqualTo(InvitationState.Accepted));
            Assert.That((await Store.GetInvitationAsync(TenantA, expiredOne.InvitationId, T0.AddHours(2)))!.State, Is.EqualTo(InvitationState.Expired));
            Assert.That((await Store.GetInvitationAsync(TenantA, elsewhere.InvitationId, T0.AddHours(2)))!.State, Is.EqualTo(InvitationState.Pending));
        }
    }

    /// <summary>Another tenant can neither read nor change an invitation, even given its id or its import's id.</summary>
    [Test]
    public async Task Another_tenant_can_neither_read_nor_change_an_invitation()
    {
        var import = await CreateImportAsync();
        var send = NewSend(import.ImportId, 1, NewTokenHash());
        await RecordAsync(send);
        var now = T0.AddHours(1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetInvitationAsync(TenantB, send.InvitationId, now), Is.Null);
            Assert.That((await Store.ListInvitationsAsync(TenantB, new InvitationQuery(), now)).Items, Is.Empty);
            Assert.That((await Store.ListInvitationsAsync(TenantB, new InvitationQuery { ImportId = import.ImportId }, now)).Items, Is.Empty);
            Assert.That(await Store.RevokeInvitationAsync(TenantB, send.InvitationId, now), Is.False);
            Assert.That(await Store.RevokeInvitationsOfImportAsync(TenantB, import.ImportId, now), Is.Zero);
            Assert.That(await Store.ExpireInvitationsAsync(TenantB, now.AddDays(30)), Is.Zero);
            Assert.That(await FindLiveAsync(TenantB, "user1@example.com", now), Is.Null);
        }

        var read = await Store.GetInvitationAsync(TenantA, send.InvitationId, now);
        Assert.That((read!.TenantId, read.State), Is.EqualTo((TenantA, InvitationState.Pending)));
    }

    /// <summary>Another tenant cannot record sends, nor change entries, for an import: the store refuses and keeps nothing.</summary>
    [Test]
    public async Task Another_tenant_cannot_record_sends_for_an_import()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1)]);
        var mine = NewSend(import.ImportId, 1, NewTokenHash());
        await RecordAsync(mine);
        var theirs = NewSend(import.ImportId, 1, NewTokenHash());
        var mark = new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Sending, UpdatedAt = T0 };

        Assert.That(() => Store.RecordInvitationSendsAsync(TenantB, import.ImportId, [mark], [theirs]), Throws.InstanceOf<KeyNotFoundException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.FindInvitationByTokenHashAsync(theirs.TokenHash, T0), Is.Null);
            Assert.That((await Store.FindInvitationByTokenHashAsync(mine.TokenHash, T0))!.TenantId, Is.EqualTo(TenantA), "the tenant comes from the row");
            Assert.That((await Store.GetInvitationAsync(TenantA, mine.InvitationId, T0))!.SendCount, Is.EqualTo(1));
            Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Single().Outcome, Is.EqualTo(InviteOutcome.Pending));
        }
    }

    /// <summary>The entries' changes given with sends are made in the same write.</summary>
    [Test]
    public async Task Entry_changes_given_with_sends_are_made_in_the_same_write()
    {
        var import = await CreateImportAsync();
        await Store.AddEntriesAsync(TenantA, import.ImportId, [NewEntry(1), NewEntry(2), NewEntry(3)]);
        var marks = new[] { 1L, 2L }.Select(s => new InviteEntryUpdate { Sequence = s, Outcome = InviteOutcome.Sending, UpdatedAt = T0 }).ToList();

        var statuses = await Store.RecordInvitationSendsAsync(TenantA, import.ImportId, marks, [NewSend(import.ImportId, 1, NewTokenHash()), NewSend(import.ImportId, 2, NewTokenHash())]);
        await ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.EqualTo(new[] { InvitationSendStatus.Recorded, InvitationSendStatus.Recorded }));
            Assert.That((await ReadAllEntriesAsync(TenantA, import.ImportId)).Select(e => e.Outcome), Is.EqualTo(new[] { InviteOutcome.Sending, InviteOutcome.Sending, InviteOutcome.Pending }));
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, import.ImportId, [new InviteEntryUpdate { Sequence = 9, Outcome = InviteOutcome.Sending, UpdatedAt = T0 }], []), Throws.InstanceOf<KeyNotFoundException>());
        }
    }

    /// <summary>Retention deletes invitations with their entries: of a refused import, of imports past the cutoff, and of a forgotten address.</summary>
    [Test]
    public async Task Retention_deletes_invitations_with_their_imports_and_addresses()
    {
        var old = await CreateImportAsync(minutes: 0);
        var refused = await CreateImportAsync(minutes: 10);
        var recent = await CreateImportAsync(minutes: 20);
        var inOld = NewSend(old.ImportId, 1, NewTokenHash(), address: "old@example.com");
        var inRefused = NewSend(refused.ImportId, 1, NewTokenHash(), address: "refused@example.com");
        var forgotten = NewSend(recent.ImportId, 1, NewTokenHash(), address: "Forget.Me@example.com");
        var kept = NewSend(recent.ImportId, 2, NewTokenHash(), address: "kept@example.com");
        var ofB = await CreateImportAsync(TenantB);
        var otherTenant = NewSend(ofB.ImportId, 3, NewTokenHash(), address: "forget.me@example.com");
        foreach (var send in new[] { inOld, inRefused, forgotten, kept })
        {
            await RecordAsync(send);
        }

        await RecordAsync(otherTenant, TenantB);

        await Store.DeleteEntriesAsync(TenantA, refused.ImportId);
        await Store.DeleteImportsCreatedBeforeAsync(TenantA, T0.AddMinutes(5));
        await Store.DeleteAddressAsync(TenantA, "FORGET.ME@example.com");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.FindInvitationByTokenHashAsync(inOld.TokenHash, T0), Is.Null);
            Assert.That(await Store.FindInvitationByTokenHashAsync(inRefused.TokenHash, T0), Is.Null);
            Assert.That(await Store.FindInvitationByTokenHashAsync(forgotten.TokenHash, T0), Is.Null);
            Assert.That(await Store.FindInvitationByTokenHashAsync(kept.TokenHash, T0), Is.Not.Null);
            Assert.That(await Store.FindInvitationByTokenHashAsync(otherTenant.TokenHash, T0), Is.Not.Null, "another tenant's invitation of the address stays");
        }
    }

    /// <summary>The ledger's calls reject missing arguments.</summary>
    [Test]
    public void The_ledger_calls_reject_missing_arguments()
    {
        var send = NewSend(Guid.NewGuid(), 1, NewTokenHash());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.RecordInvitationSendsAsync(null!, send.ImportId, [], [send]), Throws.ArgumentNullException);
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, send.ImportId, null!, [send]), Throws.ArgumentNullException);
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, send.ImportId, [], null!), Throws.ArgumentNullException);
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, send.ImportId, [], [null!]), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, send.ImportId, [], [NewSend(send.ImportId, 1, [])]), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Store.RecordInvitationSendsAsync(TenantA, Guid.NewGuid(), [], [send]), Throws.InstanceOf<ArgumentException>(), "a send of another import");
            Assert.That(() => Store.FindInvitationByTokenHashAsync(ReadOnlyMemory<byte>.Empty, T0), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Store.AcceptInvitationAsync(ReadOnlyMemory<byte>.Empty, T0), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Store.GetInvitationAsync(null!, Guid.NewGuid(), T0), Throws.ArgumentNullException);
            Assert.That(() => Store.FindLiveInvitationsAsync(null!, ["a@example.com"], T0), Throws.ArgumentNullException);
            Assert.That(() => Store.FindLiveInvitationsAsync(TenantA, null!, T0), Throws.ArgumentNullException);
            Assert.That(() => Store.FindLiveInvitationsAsync(TenantA, [null!], T0), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => Store.CountInvitationsAsync(null!, Guid.NewGuid(), T0), Throws.ArgumentNullException);
            Assert.That(() => Store.ListInvitationsAsync(null!, new InvitationQuery(), T0), Throws.ArgumentNullException);
            Assert.That(() => Store.ListInvitationsAsync(TenantA, null!, T0), Throws.ArgumentNullException);
            Assert.That(() => Store.ListInvitationsAsync(TenantA, new InvitationQuery { Limit = 0 }, T0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Store.RevokeInvitationAsync(null!, Guid.NewGuid(), T0), Throws.ArgumentNullException);
            Assert.That(() => Store.RevokeInvitationsOfImportAsync(null!, Guid.NewGuid(), T0), Throws.ArgumentNullException);
            Assert.That(() => Store.ExpireInvitationsAsync(null!, T0), Throws.ArgumentNullException);
        }
    }
}
