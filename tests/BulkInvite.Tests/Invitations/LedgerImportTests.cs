using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Invitations;

/// <summary>Imports consult the ledger: an address of the tenant is invited once across imports, decided by the store.</summary>
[TestFixture]
public sealed class LedgerImportTests
{
    private static string Lines(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"user{i}@example.com\n"));

    [Test]
    public async Task A_later_import_finds_a_pending_address_already_invited_naming_the_import_and_line_of_its_invitation()
    {
        await using var harness = new PipelineHarness();
        var first = await harness.Service.ImportAsync(PipelineHarness.Request("x@example.com\nJane@Example.com\n"));
        harness.Sender.Sent.Clear();

        var second = await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\nnew@example.com\n"));
        var jane = (await harness.EntriesAsync(second)).Single(e => e.Address == "jane@example.com");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((second.Counts.Invited, second.Counts.AlreadyInvited, second.Counts.Sending), Is.EqualTo((1L, 1L, 0L)));
            Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "new@example.com" }));
            Assert.That((jane.Outcome, jane.Reason), Is.EqualTo((InviteOutcome.AlreadyInvited, InviteReasonCodes.PendingInvitation)));
            Assert.That(jane.Detail, Does.Contain($"import {first.ImportId}").And.Contain("(line 2)"));
            Assert.That(second.Status, Is.EqualTo(ImportStatus.Completed));
        }
    }

    [Test]
    public async Task With_ResendPendingInvitations_a_later_import_sends_again_and_the_earlier_link_dies()
    {
        await using var harness = new PipelineHarness();
        await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n"));
        var firstToken = harness.Sender.Sent.Single().AcceptToken!;
        harness.Sender.Sent.Clear();

        var second = await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n", resend: true).With(allowRepeatUpload: true));
        var secondToken = harness.Sender.Sent.Single().AcceptToken!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Counts.Invited, Is.EqualTo(1));
            Assert.That((await harness.Invitations.AcceptAsync(firstToken)).Status, Is.EqualTo(InvitationAcceptStatus.Revoked));
            Assert.That((await harness.Invitations.AcceptAsync(secondToken)).Invitation!.ImportId, Is.EqualTo(second.ImportId));
        }
    }

    [Test]
    public async Task An_address_the_mail_server_refused_holds_no_invitation_and_its_failed_row_sent_again_is_invited()
    {
        await using var harness = new PipelineHarness();
        string? refusedToken = null;
        harness.Sender.Behavior = (invitation, _) =>
        {
            if (invitation.Address != "refused@example.com")
            {
                return Task.FromResult(InvitationSendResult.Success());
            }

            refusedToken = invitation.AcceptToken;
            return Task.FromResult(InvitationSendResult.Failure(550, "5.1.1 Mailbox unavailable"));
        };
        var first = await harness.Service.ImportAsync(PipelineHarness.Request("ok@example.com\nrefused@example.com\n"));
        var refused = (await harness.EntriesAsync(first)).Single(e => e.Address == "refused@example.com");
        harness.Sender.Behavior = null;
        harness.Sender.Sent.Clear();

        // The failed rows, fixed on the server's side, uploaded again.
        var again = await harness.Service.ImportAsync(PipelineHarness.Request("refused@example.com\n", fileName: "failed.txt"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((refused.Outcome, refused.Invitation), Is.EqualTo((InviteOutcome.Failed, (EntryInvitation?)null)), "a refused send keeps no invitation");
            Assert.That((await harness.Invitations.AcceptAsync(refusedToken!)).Status, Is.EqualTo(InvitationAcceptStatus.Unknown), "the link of the refused email accepts nothing");
            Assert.That((await harness.History.GetReportAsync(PipelineHarness.Tenant, first.ImportId))!.Invitations, Is.EqualTo(new InvitationCounts { Pending = 1 }));
            Assert.That((again.Counts.Invited, again.Counts.AlreadyInvited), Is.EqualTo((1L, 0L)));
            Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "refused@example.com" }));
        }
    }

    [Test]
    public async Task When_the_mail_server_goes_down_only_the_send_it_cut_off_keeps_its_invitation_and_a_later_import_invites_the_rest()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 1);
        var sends = 0;
        harness.Sender.Behavior = (_, _) => Interlocked.Increment(ref sends) > 3
            ? throw new InvitationTransportException("Connection refused", null, isTransient: true)
            : Task.FromResult(InvitationSendResult.Success());
        Assert.ThrowsAsync<InvitationTransportException>(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(1, 10))));
        var stopped = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        harness.Sender.Behavior = null;
        harness.Sender.Sent.Clear();

        var later = await harness.Service.ImportAsync(PipelineHarness.Request(Lines(1, 10), fileName: "again.txt").With(allowRepeatUpload: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stopped.Counts.Invited, Is.EqualTo(3));
            // The fourth send failed in the transport: whether its email left is unknown, so its invitation holds.
            Assert.That(stopped.Invitations, Is.EqualTo(new InvitationCounts { Pending = 4 }), "the emails that left, and the one that may have");
            Assert.That((later.Counts.Invited, later.Counts.AlreadyInvited), Is.EqualTo((6L, 4L)));
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(6));
        }
    }

    [Test]
    public async Task An_accepted_invitation_makes_the_address_an_existing_user_in_later_imports_even_with_resend()
    {
        await using var harness = new PipelineHarness();
        await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n"));
        await harness.Invitations.AcceptAsync(harness.Sender.Sent.Single().AcceptToken!);
        harness.Sender.Sent.Clear();

        var later = await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n", resend: true).With(allowRepeatUpload: true));
        var jane = (await harness.EntriesAsync(later)).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((jane.Outcome, jane.Reason), Is.EqualTo((InviteOutcome.ExistingUser, InviteReasonCodes.Member)));
            Assert.That(harness.Sender.Sent, Is.Empty);
        }
    }

    [Test]
    public async Task An_expired_invitation_holds_nothing_and_a_later_import_invites_again()
    {
        await using var harness = new PipelineHarness(o => o.InvitationLifetime = TimeSpan.FromDays(2));
        await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n"));
        harness.Time.Advance(TimeSpan.FromDays(2));
        harness.Sender.Sent.Clear();

        var later = await harness.Service.ImportAsync(PipelineHarness.Request("jane@example.com\n").With(allowRepeatUpload: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(later.Counts.Invited, Is.EqualTo(1));
            Assert.That(harness.Sender.Sent, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task Two_imports_with_overlapping_addresses_started_together_invite_each_address_once()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 4);
        harness.Sender.Behavior = async (_, ct) =>
        {
            await Task.Yield();
            return InvitationSendResult.Success();
        };

        // 1-300 and 151-450: 150 addresses in both.
        var imports = await Task.WhenAll(
            Task.Run(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(1, 300)))),
            Task.Run(() => harness.Service.ImportAsync(PipelineHarness.Request(Lines(151, 450)))));

        var sentPerAddress = harness.Sender.Sent.GroupBy(i => i.Address).ToDictionary(g => g.Key, g => g.Count());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sentPerAddress, Has.Count.EqualTo(450));
            Assert.That(sentPerAddress.Values, Is.All.EqualTo(1), "nobody gets two invitations");
            Assert.That(imports.Sum(r => r.Counts.Invited), Is.EqualTo(450));
            Assert.That(imports.Sum(r => r.Counts.AlreadyInvited), Is.EqualTo(150));
            Assert.That(imports.Select(r => r.Counts.Sending + r.Counts.Pending), Is.All.Zero);
            Assert.That((await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery { Limit = 1000 })).Items, Has.Count.EqualTo(450));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_preview_and_a_count_find_pending_and_accepted_invitations_as_an_import_would(bool resend)
    {
        await using var harness = new PipelineHarness();
        var first = await harness.Service.ImportAsync(PipelineHarness.Request("pending@example.com\naccepted@example.com\nrevoked@example.com\n"));
        var tokens = harness.Sender.Sent.ToDictionary(i => i.Address, i => i.AcceptToken!);
        await harness.Invitations.AcceptAsync(tokens["accepted@example.com"]);
        var revoked = (await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery())).Items.Single(i => i.Address == "revoked@example.com");
        await harness.Invitations.RevokeAsync(PipelineHarness.Tenant, revoked.InvitationId);
        harness.Sender.Sent.Clear();
        const string Later = "Pending@Example.com\naccepted@example.com\nrevoked@example.com\nnew@example.com\n";

        var preview = await harness.Service.ImportAsync(PipelineHarness.Request(Later, resend: resend).AsPreview());
        var count = await harness.Service.ImportAsync(PipelineHarness.Request(Later, resend: resend).AsCountOnly());
        var entries = (await harness.EntriesAsync(preview)).ToDictionary(e => e.Address.ToLowerInvariant());

        var expected = resend
            ? new OutcomeCounts { Pending = 3, ExistingUser = 1 }
            : new OutcomeCounts { Pending = 2, ExistingUser = 1, AlreadyInvited = 1 };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(preview.Counts, Is.EqualTo(expected));
            Assert.That(count.Counts, Is.EqualTo(expected), "a count-only run gives a preview's counts");
            Assert.That(harness.Sender.Sent, Is.Empty);
            Assert.That((entries["accepted@example.com"].Outcome, entries["accepted@example.com"].Reason), Is.EqualTo((InviteOutcome.ExistingUser, InviteReasonCodes.Member)));
            Assert.That(entries["revoked@example.com"].Outcome, Is.EqualTo(InviteOutcome.Pending), "a revoked invitation holds nothing");
            if (!resend)
            {
                Assert.That(entries["pending@example.com"].Outcome, Is.EqualTo(InviteOutcome.AlreadyInvited));
                Assert.That(entries["pending@example.com"].Detail, Does.Contain($"import {first.ImportId}").And.Contain("(line 1)"));
            }
        }
    }

    [Test]
    public async Task A_preview_of_a_tenant_without_invitations_asks_the_ledger_nothing_per_address()
    {
        var store = new CountingLedgerStore();
        await using var harness = new PipelineHarness(store: store);
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\n", tenant: "tenant-b"));

        var preview = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\n").AsPreview());
        await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\n").AsCountOnly());

        Assert.That(preview.Counts.Pending, Is.EqualTo(2), "another tenant's invitation is not this tenant's");
        Assert.That(store.LiveLookups, Is.Zero);
    }

    [Test]
    public async Task The_report_shows_each_invitations_state_and_History_counts_them()
    {
        await using var harness = new PipelineHarness(o => o.InvitationLifetime = TimeSpan.FromDays(3));
        var import = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\nc@example.com\nd@example.com\nnot-an-address\n"));
        var tokens = harness.Sender.Sent.ToDictionary(i => i.Address, i => i.AcceptToken!);
        await harness.Invitations.AcceptAsync(tokens["a@example.com"]);
        var b = (await harness.EntriesAsync(import)).Single(e => e.Address == "b@example.com").Invitation!;
        await harness.Invitations.RevokeAsync(PipelineHarness.Tenant, b.InvitationId);
        harness.Time.Advance(TimeSpan.FromDays(2));
        await harness.Invitations.ResendAsync(PipelineHarness.Tenant, (await harness.EntriesAsync(import)).Single(e => e.Address == "c@example.com").Invitation!.InvitationId);
        harness.Time.Advance(TimeSpan.FromDays(1));

        var entries = await harness.EntriesAsync(import);
        var streamed = new List<InviteEntryResult>();
        await foreach (var entry in harness.History.ReadEntriesAsync(PipelineHarness.Tenant, import.ImportId))
        {
            streamed.Add(entry);
        }

        var report = await harness.History.GetReportAsync(PipelineHarness.Tenant, import.ImportId);
        var history = await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery());

        var expectedStates = new InvitationState?[] { InvitationState.Accepted, InvitationState.Revoked, InvitationState.Pending, InvitationState.Expired, null };
        var expectedCounts = new InvitationCounts { Accepted = 1, Revoked = 1, Pending = 1, Expired = 1 };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries.Select(e => e.Invitation?.State), Is.EqualTo(expectedStates));
            Assert.That(streamed.Select(e => e.Invitation?.State), Is.EqualTo(expectedStates));
            Assert.That(entries[2].Invitation!.SendCount, Is.EqualTo(2));
            Assert.That(entries[2].Invitation!.ExpiresAt, Is.EqualTo(harness.Time.GetUtcNow() + TimeSpan.FromDays(2)));
            Assert.That(report!.Invitations, Is.EqualTo(expectedCounts));
            Assert.That(history.Items.Single().Invitations, Is.EqualTo(expectedCounts));
            Assert.That(report.Counts.Invited, Is.EqualTo(4), "the entries' outcomes stay what the import did");
        }
    }

    [Test]
    public async Task A_preview_in_History_counts_no_invitations()
    {
        await using var harness = new PipelineHarness();
        var preview = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\n").AsPreview());

        var report = await harness.History.GetReportAsync(PipelineHarness.Tenant, preview.ImportId);

        Assert.That(report!.Invitations, Is.Null);
    }

    /// <summary>A store that counts the lookups of live invitations by address.</summary>
    private sealed class CountingLedgerStore : DelegatingHistoryStore
    {
        public int LiveLookups;

        public override Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref LiveLookups, addressKeys.Count);
            return base.FindLiveInvitationsAsync(tenantId, addressKeys, asOf, cancellationToken);
        }
    }
}
