using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BulkInvite.Invitations;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Invitations;

/// <summary>The invitation service over the real pipeline and the in-memory store, with a fake clock.</summary>
[TestFixture]
public sealed class InvitationServiceTests
{
    private static string Lines(int count) => string.Concat(Enumerable.Range(1, count).Select(i => $"user{i}@example.com\n"));

    /// <summary>Imports the file and returns the report and the invitations the sender got, by address.</summary>
    private static async Task<(BulkInviteReport Report, Dictionary<string, Invitation> Sent)> ImportAsync(PipelineHarness harness, string text, string tenant = PipelineHarness.Tenant)
    {
        harness.Sender.Sent.Clear();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request(text, tenant: tenant));
        return (report, harness.Sender.Sent.ToDictionary(i => i.Address));
    }

    private static string Token(Invitation invitation) => invitation.AcceptToken ?? throw new AssertionException("the invitation has no token");

    [Test]
    public async Task Every_sent_invitation_carries_a_fresh_256_bit_token_and_its_expiry()
    {
        await using var harness = new PipelineHarness();
        var (report, sent) = await ImportAsync(harness, Lines(50));

        var tokens = sent.Values.Select(Token).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Counts.Invited, Is.EqualTo(50));
            Assert.That(tokens, Is.Unique);
            Assert.That(tokens, Is.All.Matches("^[A-Za-z0-9_-]{43}$"), "32 bytes in base64url, no padding");
            Assert.That(tokens.Select(t => Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/') + "=").Length), Is.All.EqualTo(32));
            Assert.That(sent.Values.Select(i => i.ExpiresAt), Is.All.EqualTo(harness.Time.GetUtcNow() + TimeSpan.FromDays(7)));
        }
    }

    [Test]
    public async Task A_token_is_looked_up_without_being_consumed_and_accepted_once()
    {
        await using var harness = new PipelineHarness();
        var (report, sent) = await ImportAsync(harness, "\"Jane Doe\" <jane@example.com>\n");
        var token = Token(sent["jane@example.com"]);

        var looked = await harness.Invitations.LookupAsync(token);
        var lookedAgain = await harness.Invitations.LookupAsync(token);
        var accepted = await harness.Invitations.AcceptAsync(token);
        var replay = await harness.Invitations.AcceptAsync(token);
        var afterwards = await harness.Invitations.LookupAsync(token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((looked!.TenantId, looked.Address, looked.DisplayName, looked.InitiatedBy), Is.EqualTo((PipelineHarness.Tenant, "jane@example.com", "Jane Doe", "admin@tenant-a")));
            Assert.That((looked.State, looked.ExpiresAt, looked.ImportId, looked.Line), Is.EqualTo((InvitationState.Pending, harness.Time.GetUtcNow().AddDays(7), report.ImportId, 1L)));
            Assert.That(lookedAgain!.State, Is.EqualTo(InvitationState.Pending), "a lookup consumes nothing");
            Assert.That(accepted.Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
            Assert.That(accepted.Succeeded, Is.True);
            Assert.That((accepted.Invitation!.TenantId, accepted.Invitation.Address, accepted.Invitation.DisplayName), Is.EqualTo((PipelineHarness.Tenant, "jane@example.com", "Jane Doe")));
            Assert.That(replay.Status, Is.EqualTo(InvitationAcceptStatus.AlreadyUsed));
            Assert.That(replay.Invitation, Is.Null, "a refusal carries nothing of the invitation");
            Assert.That(afterwards!.State, Is.EqualTo(InvitationState.Accepted));
        }
    }

    [Test]
    public async Task Accepting_returns_the_fields_from_the_file()
    {
        await using var harness = new PipelineHarness();
        harness.Sender.Sent.Clear();
        await harness.Service.ImportAsync(PipelineHarness.Request("email,role,groups\njane@example.com,editor,sales;support\n", "invitees.csv"));
        var token = Token(harness.Sender.Sent.Single());

        var accepted = await harness.Invitations.AcceptAsync(token);

        Assert.That(accepted.Invitation!.Fields, Does.ContainKey("role").WithValue("editor").And.ContainKey("groups").WithValue("sales;support"));
    }

    [Test]
    public async Task A_forged_token_is_unknown_whether_changed_by_one_character_guessed_or_malformed()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, Lines(3));
        var token = Token(sent["user1@example.com"]);
        var forgeries = new List<string>();
        for (var i = 0; i < token.Length; i++)
        {
            var changed = token.ToCharArray();
            changed[i] = changed[i] == 'A' ? 'B' : 'A';
            forgeries.Add(new string(changed));
        }

        forgeries.Add(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        forgeries.AddRange(["", "x", token + "A", token[..^1], token.ToUpperInvariant(), " " + token[1..], token.Replace(token[0], '+')]);

        foreach (var forged in forgeries.Where(f => f != token))
        {
            var result = await harness.Invitations.AcceptAsync(forged);
            Assert.That(result.Status, Is.EqualTo(InvitationAcceptStatus.Unknown), forged);
            Assert.That(await harness.Invitations.LookupAsync(forged), Is.Null, forged);
        }

        Assert.That((await harness.Invitations.AcceptAsync(token)).Status, Is.EqualTo(InvitationAcceptStatus.Accepted), "the real token still works");
    }

    [Test]
    public async Task A_token_names_its_own_tenant_and_another_tenant_can_neither_see_nor_change_its_invitation()
    {
        await using var harness = new PipelineHarness();
        var (_, sentToA) = await ImportAsync(harness, "jane@example.com\n", "tenant-a");
        var (_, sentToB) = await ImportAsync(harness, "jane@example.com\n", "tenant-b");
        var invitationOfA = (await harness.Invitations.ListAsync("tenant-a", new InvitationQuery())).Items.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await harness.Invitations.LookupAsync(Token(sentToB["jane@example.com"])))!.TenantId, Is.EqualTo("tenant-b"));
            Assert.That(await harness.Invitations.GetAsync("tenant-b", invitationOfA.InvitationId), Is.Null);
            Assert.That((await harness.Invitations.ListAsync("tenant-b", new InvitationQuery())).Items.Select(i => i.TenantId), Is.All.EqualTo("tenant-b"));
            Assert.That(await harness.Invitations.RevokeAsync("tenant-b", invitationOfA.InvitationId), Is.False);
            Assert.That((await harness.Invitations.ResendAsync("tenant-b", invitationOfA.InvitationId)).Status, Is.EqualTo(InvitationResendStatus.NotFound));
            Assert.That(await harness.Invitations.RevokeImportAsync("tenant-b", invitationOfA.ImportId), Is.Zero);
        }

        var accepted = await harness.Invitations.AcceptAsync(Token(sentToA["jane@example.com"]));
        Assert.That(accepted.Invitation!.TenantId, Is.EqualTo("tenant-a"), "the tenant comes from the invitation, never from the caller");
    }

    [Test]
    public async Task A_revoked_invitation_refuses_its_token()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, "jane@example.com\n");
        var token = Token(sent["jane@example.com"]);
        var invitation = (await harness.Invitations.LookupAsync(token))!;

        var revoked = await harness.Invitations.RevokeAsync(PipelineHarness.Tenant, invitation.InvitationId);
        var accept = await harness.Invitations.AcceptAsync(token);
        var read = await harness.Invitations.GetAsync(PipelineHarness.Tenant, invitation.InvitationId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked, Is.True);
            Assert.That(accept.Status, Is.EqualTo(InvitationAcceptStatus.Revoked));
            Assert.That((read!.State, read.RevokedAt), Is.EqualTo((InvitationState.Revoked, (DateTimeOffset?)harness.Time.GetUtcNow())));
            Assert.That((await harness.Invitations.ResendAsync(PipelineHarness.Tenant, invitation.InvitationId)).Status, Is.EqualTo(InvitationResendStatus.Closed));
        }
    }

    [Test]
    public async Task An_expired_invitation_reads_as_expired_before_the_sweep_refuses_its_token_and_the_sweep_records_it()
    {
        await using var harness = new PipelineHarness(o => o.InvitationLifetime = TimeSpan.FromDays(3));
        var (_, sent) = await ImportAsync(harness, Lines(2));
        var token = Token(sent["user1@example.com"]);
        harness.Time.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        var justBefore = await harness.Invitations.LookupAsync(token);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var atExpiry = await harness.Invitations.LookupAsync(token);
        var accept = await harness.Invitations.AcceptAsync(token);
        var pending = await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery { State = InvitationState.Pending });
        var swept = await harness.Invitations.ExpireAsync(PipelineHarness.Tenant);
        var sweptAgain = await harness.Invitations.ExpireAsync(PipelineHarness.Tenant);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(justBefore!.State, Is.EqualTo(InvitationState.Pending));
            Assert.That(atExpiry!.State, Is.EqualTo(InvitationState.Expired));
            Assert.That(accept.Status, Is.EqualTo(InvitationAcceptStatus.Expired));
            Assert.That(pending.Items, Is.Empty);
            Assert.That((swept, sweptAgain), Is.EqualTo((2, 0)));
        }
    }

    [Test]
    public async Task A_resend_kills_the_old_link_at_once_and_the_new_one_accepts()
    {
        await using var harness = new PipelineHarness();
        var (report, sent) = await ImportAsync(harness, "jane@example.com\n");
        var old = sent["jane@example.com"];
        var invitation = (await harness.Invitations.LookupAsync(Token(old)))!;
        harness.Time.Advance(TimeSpan.FromDays(6));
        harness.Sender.Sent.Clear();

        var resent = await harness.Invitations.ResendAsync(PipelineHarness.Tenant, invitation.InvitationId);
        var again = harness.Sender.Sent.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resent.Status, Is.EqualTo(InvitationResendStatus.Sent));
            Assert.That((resent.Invitation!.SendCount, resent.Invitation.ExpiresAt), Is.EqualTo((2, harness.Time.GetUtcNow().AddDays(7))));
            Assert.That(Token(again), Is.Not.EqualTo(Token(old)));
            Assert.That((again.Address, again.ImportId, again.Sequence, again.ExpiresAt), Is.EqualTo(("jane@example.com", report.ImportId, 1L, (DateTimeOffset?)harness.Time.GetUtcNow().AddDays(7))));
            Assert.That(again.MessageKey, Is.Not.EqualTo(old.MessageKey), "a resend is a new message, not a duplicate to be removed");
            Assert.That(resent.Invitation.LastMessageKey, Is.EqualTo(again.MessageKey));
            Assert.That((await harness.Invitations.AcceptAsync(Token(old))).Status, Is.EqualTo(InvitationAcceptStatus.Unknown));
            Assert.That((await harness.Invitations.AcceptAsync(Token(again))).Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
        }
    }

    [Test]
    public async Task Resending_an_expired_invitation_opens_it_again_and_an_accepted_one_is_not_sent()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, Lines(2));
        var first = (await harness.Invitations.LookupAsync(Token(sent["user1@example.com"])))!;
        var second = (await harness.Invitations.LookupAsync(Token(sent["user2@example.com"])))!;
        await harness.Invitations.AcceptAsync(Token(sent["user2@example.com"]));
        harness.Time.Advance(TimeSpan.FromDays(8));
        await harness.Invitations.ExpireAsync(PipelineHarness.Tenant);
        harness.Sender.Sent.Clear();

        var reopened = await harness.Invitations.ResendAsync(PipelineHarness.Tenant, first.InvitationId);
        var closed = await harness.Invitations.ResendAsync(PipelineHarness.Tenant, second.InvitationId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((reopened.Status, reopened.Invitation!.State), Is.EqualTo((InvitationResendStatus.Sent, InvitationState.Pending)));
            Assert.That((closed.Status, closed.Invitation!.State), Is.EqualTo((InvitationResendStatus.Closed, InvitationState.Accepted)));
            Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "user1@example.com" }));
            Assert.That((await harness.Invitations.ResendAsync(PipelineHarness.Tenant, Guid.NewGuid())).Status, Is.EqualTo(InvitationResendStatus.NotFound));
        }
    }

    [Test]
    public async Task A_resend_the_sender_refuses_is_reported_and_its_old_link_is_dead_anyway()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, "jane@example.com\n");
        var invitation = (await harness.Invitations.LookupAsync(Token(sent["jane@example.com"])))!;
        harness.Sender.Behavior = (_, _) => Task.FromResult(InvitationSendResult.Failure(550, "mailbox unavailable"));

        var resent = await harness.Invitations.ResendAsync(PipelineHarness.Tenant, invitation.InvitationId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((resent.Status, resent.Detail), Is.EqualTo((InvitationResendStatus.Rejected, "mailbox unavailable")));
            Assert.That((await harness.Invitations.AcceptAsync(Token(sent["jane@example.com"]))).Status, Is.EqualTo(InvitationAcceptStatus.Unknown));
        }
    }

    [Test]
    public async Task The_bulk_forms_resend_or_revoke_only_the_open_invitations_of_one_import()
    {
        await using var harness = new PipelineHarness();
        var (first, sentFirst) = await ImportAsync(harness, Lines(5));
        var (second, _) = await ImportAsync(harness, "other@example.com\n");
        await harness.Invitations.AcceptAsync(Token(sentFirst["user1@example.com"]));
        var revokedOne = (await harness.Invitations.LookupAsync(Token(sentFirst["user2@example.com"])))!;
        await harness.Invitations.RevokeAsync(PipelineHarness.Tenant, revokedOne.InvitationId);
        harness.Sender.Sent.Clear();

        var resent = await harness.Invitations.ResendImportAsync(PipelineHarness.Tenant, first.ImportId);
        var resentTo = harness.Sender.Sent.Select(i => i.Address).Order().ToList();
        var revoked = await harness.Invitations.RevokeImportAsync(PipelineHarness.Tenant, first.ImportId);
        var states = (await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery { ImportId = first.ImportId })).Items.OrderBy(i => i.Sequence).Select(i => i.State).ToList();
        var otherImport = (await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery { ImportId = second.ImportId })).Items.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resent, Is.EqualTo(3));
            Assert.That(resentTo, Is.EqualTo(new[] { "user3@example.com", "user4@example.com", "user5@example.com" }));
            Assert.That(revoked, Is.EqualTo(3));
            Assert.That(states, Is.EqualTo(new[] { InvitationState.Accepted, InvitationState.Revoked, InvitationState.Revoked, InvitationState.Revoked, InvitationState.Revoked }));
            Assert.That(otherImport.State, Is.EqualTo(InvitationState.Pending));
        }
    }

    [Test]
    public async Task A_list_pages_through_a_tenants_invitations_by_state()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, Lines(25));
        await harness.Invitations.AcceptAsync(Token(sent["user7@example.com"]));

        var seen = new List<InvitationRecord>();
        Guid? after = null;
        while (true)
        {
            var page = await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery { State = InvitationState.Pending, AfterInvitationId = after, Limit = 10 });
            seen.AddRange(page.Items);
            if (!page.HasMore)
            {
                break;
            }

            after = page.Items[^1].InvitationId;
        }

        Assert.That(seen.Select(i => i.Address), Is.EquivalentTo(Enumerable.Range(1, 25).Where(i => i != 7).Select(i => $"user{i}@example.com")));
    }

    [Test]
    public async Task Of_twenty_concurrent_accepts_of_one_token_exactly_one_wins_and_the_rest_are_already_used()
    {
        await using var harness = new PipelineHarness();
        var (_, sent) = await ImportAsync(harness, "jane@example.com\n");
        var token = Token(sent["jane@example.com"]);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await harness.Invitations.AcceptAsync(token);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r.Status == InvitationAcceptStatus.Accepted), Is.EqualTo(1));
            Assert.That(results.Count(r => r.Status == InvitationAcceptStatus.AlreadyUsed), Is.EqualTo(19));
        }
    }

    [Test]
    public async Task Tokens_hashed_under_an_older_key_still_work_after_a_new_key_is_put_first()
    {
        var store = new InMemoryInviteHistoryStore();
        Dictionary<string, Invitation> sent;
        await using (var before = new PipelineHarness(o => { o.InvitationTokenKeys.Clear(); o.InvitationTokenKeys.Add(TestTokenKeys.Older); }, store: store))
        {
            (_, sent) = await ImportAsync(before, Lines(2));
        }

        await using var after = new PipelineHarness(o => { o.InvitationTokenKeys.Clear(); o.InvitationTokenKeys.Add(TestTokenKeys.Current); o.InvitationTokenKeys.Add(TestTokenKeys.Older); }, store: store);
        await using var withoutOld = new PipelineHarness(o => { o.InvitationTokenKeys.Clear(); o.InvitationTokenKeys.Add(TestTokenKeys.Current); }, store: store);
        var invitation = (await after.Invitations.LookupAsync(Token(sent["user2@example.com"])))!;
        await after.Invitations.ResendAsync(PipelineHarness.Tenant, invitation.InvitationId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invitation.TokenKeyId, Is.EqualTo("k1"));
            Assert.That((await withoutOld.Invitations.AcceptAsync(Token(sent["user1@example.com"]))).Status, Is.EqualTo(InvitationAcceptStatus.Unknown), "a key taken out verifies nothing");
            Assert.That((await after.Invitations.AcceptAsync(Token(sent["user1@example.com"]))).Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
            Assert.That((await after.Invitations.GetAsync(PipelineHarness.Tenant, invitation.InvitationId))!.TokenKeyId, Is.EqualTo("k2"), "a resend hashes under the current key");
            Assert.That((await withoutOld.Invitations.AcceptAsync(Token(after.Sender.Sent.Single()))).Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
        }
    }

    [Test]
    public async Task Resuming_after_a_crash_sends_the_in_flight_entry_with_a_new_token_and_the_old_one_is_dead()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.MaxParallelSends = 1;
            o.StopGracePeriod = TimeSpan.FromSeconds(10);
        });
        using var cts = new CancellationTokenSource();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new ConcurrentQueue<Invitation>();
        harness.Sender.Behavior = async (invitation, ct) =>
        {
            attempts.Enqueue(invitation);
            if (attempts.Count == 3)
            {
                hanging.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return InvitationSendResult.Success();
        };

        var import = harness.Service.ImportAsync(PipelineHarness.Request(Lines(5)), cancellationToken: cts.Token);
        await hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var cutOff = attempts.Last();
        await cts.CancelAsync();
        await Task.Delay(100);
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(async () => await import, Throws.InstanceOf<OperationCanceledException>());
        var cutOffInvitation = await harness.Invitations.LookupAsync(Token(cutOff));

        await harness.Service.ResumeAsync(PipelineHarness.Tenant, cutOff.ImportId);
        var again = attempts.Last(i => i.Sequence == cutOff.Sequence);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cutOffInvitation!.State, Is.EqualTo(InvitationState.Pending), "recorded before the send");
            Assert.That(Token(again), Is.Not.EqualTo(Token(cutOff)));
            Assert.That((await harness.Invitations.AcceptAsync(Token(cutOff))).Status, Is.EqualTo(InvitationAcceptStatus.Unknown));
            Assert.That((await harness.Invitations.AcceptAsync(Token(again))).Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
            Assert.That((await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery())).Items, Has.Count.EqualTo(5), "one invitation per entry");
        }
    }

    [Test]
    public async Task The_invitation_is_recorded_with_its_token_hash_before_the_sender_gets_the_token()
    {
        await using var harness = new PipelineHarness();
        var seenBeforeSend = new ConcurrentBag<InvitationState?>();
        harness.Sender.Behavior = async (invitation, _) =>
        {
            seenBeforeSend.Add((await harness.Invitations.LookupAsync(invitation.AcceptToken!))?.State);
            return InvitationSendResult.Success();
        };

        await harness.Service.ImportAsync(PipelineHarness.Request(Lines(20)));

        Assert.That(seenBeforeSend, Has.Count.EqualTo(20).And.All.EqualTo(InvitationState.Pending));
    }

    [Test]
    public async Task A_preview_records_no_invitation()
    {
        await using var harness = new PipelineHarness();
        var request = new BulkInviteRequest
        {
            Content = new MemoryStream(Encoding.UTF8.GetBytes(Lines(3))),
            FileName = "invitees.txt",
            TenantId = PipelineHarness.Tenant,
            InitiatedBy = "admin@tenant-a",
            Mode = ImportMode.Preview,
        };

        await harness.Service.ImportAsync(request);

        Assert.That((await harness.Invitations.ListAsync(PipelineHarness.Tenant, new InvitationQuery())).Items, Is.Empty);
    }

    [Test]
    public async Task Every_entry_point_rejects_missing_arguments()
    {
        await using var harness = new PipelineHarness();
        var service = harness.Invitations;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => service.LookupAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => service.AcceptAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => service.GetAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.GetAsync("", Guid.NewGuid()), Throws.ArgumentException);
            Assert.That(() => service.ListAsync(null!, new InvitationQuery()), Throws.ArgumentNullException);
            Assert.That(() => service.ListAsync("t", null!), Throws.ArgumentNullException);
            Assert.That(() => service.ListAsync("t", new InvitationQuery { Limit = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => service.ListAsync("t", new InvitationQuery { Limit = 10_001 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => service.ResendAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.ResendAsync("", Guid.NewGuid()), Throws.ArgumentException);
            Assert.That(() => service.RevokeAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.ResendImportAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.RevokeImportAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.ExpireAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => service.ExpireAsync(""), Throws.ArgumentException);
        }
    }

    [Test]
    public async Task A_rotated_key_file_hashes_new_tokens_with_its_new_key_and_still_accepts_the_links_of_the_old_one()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bulkinvite-key-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "token-key");
        try
        {
            var store = new InMemoryInviteHistoryStore();
            var before = InvitationTokenKey.FromFile(path);
            var (oldToken, oldHash) = Tokens(before, store).Issue();
            var rotated = InvitationTokenKey.RotateFile(path);
            var read = InvitationTokenKey.FromFile(path);
            var tokens = Tokens(read, store);
            var (newToken, newHash) = tokens.Issue();

            using (Assert.EnterMultipleScope())
            {
                Assert.That(rotated.Select(k => k.Id), Is.EqualTo(read.Select(k => k.Id)));
                Assert.That(read, Has.Count.EqualTo(2));
                Assert.That(read[1].Key, Is.EqualTo(before[0].Key), "the old key is kept after the new one");
                Assert.That(read[0].Id, Is.Not.EqualTo(before[0].Id));
                Assert.That(tokens.CurrentKeyId, Is.EqualTo(read[0].Id), "the new key signs");
                Assert.That(tokens.Hashes(oldToken).Select(Convert.ToHexString), Does.Contain(Convert.ToHexString(oldHash)), "the old key still verifies");
                Assert.That(Tokens(before, store).Hashes(newToken).Select(Convert.ToHexString), Does.Not.Contain(Convert.ToHexString(newHash)), "a new token is not hashed with the old key");
                Assert.That(File.ReadAllLines(path), Is.EqualTo(read.Select(k => k.Key)));
                Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }), "no temporary file is left");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                }
            }

            await File.WriteAllTextAsync(path, "not base64!\n");
            Assert.That(() => InvitationTokenKey.RotateFile(path), Throws.InstanceOf<FormatException>());
            Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo("not base64!\n"), "a file that cannot be read is left as it is");
            await File.WriteAllTextAsync(path, "\n\n");
            Assert.That(() => InvitationTokenKey.FromFile(path), Throws.InstanceOf<FormatException>().With.Message.Contains("holds no key"));
            Assert.That(() => InvitationTokenKey.RotateFile(" "), Throws.ArgumentException);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static InvitationTokens Tokens(IReadOnlyList<InvitationTokenKey> keys, InMemoryInviteHistoryStore store)
        {
            var options = new BulkInviteOptions();
            foreach (var key in keys)
            {
                options.InvitationTokenKeys.Add(key);
            }

            return InvitationTokens.Create(options, store);
        }
    }

    [Test]
    public void Tokens_issued_on_many_threads_under_two_key_sets_are_all_different_and_hashed_as_a_one_shot_HMAC_hashes_them()
    {
        var store = new InMemoryInviteHistoryStore();
        var current = new BulkInviteOptions();
        current.InvitationTokenKeys.Add(TestTokenKeys.Current);
        current.InvitationTokenKeys.Add(TestTokenKeys.Older);
        var older = new BulkInviteOptions();
        older.InvitationTokenKeys.Add(TestTokenKeys.Older);
        var sets = new[] { InvitationTokens.Create(current, store), InvitationTokens.Create(older, store) };
        var keys = new[] { Convert.FromBase64String(TestTokenKeys.Current.Key), Convert.FromBase64String(TestTokenKeys.Older.Key) };

        // Each thread alternates between the two sets, so a thread's kept HMAC changes key at every token, and each
        // thread reads its random bytes in blocks of its own.
        var issued = new ConcurrentBag<(int Set, string Token, byte[] Hash)>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var set = (worker + i) % 2;
                var (token, hash) = sets[set].Issue();
                issued.Add((set, token, hash));
            }
        });

        Assert.That(issued.Select(t => t.Token).Distinct().Count(), Is.EqualTo(16_000), "every token differs");
        Assert.That(issued.Select(t => Convert.ToHexString(t.Hash)).Distinct().Count(), Is.EqualTo(16_000));
        foreach (var (set, token, hash) in issued)
        {
            Assert.That(token, Has.Length.EqualTo(InvitationTokens.TokenLength));
            Assert.That(hash, Is.EqualTo(HMACSHA256.HashData(keys[set], Encoding.ASCII.GetBytes(token))));
            Assert.That(sets[0].Hashes(token), Is.EqualTo(new[] { HMACSHA256.HashData(keys[0], Encoding.ASCII.GetBytes(token)), HMACSHA256.HashData(keys[1], Encoding.ASCII.GetBytes(token)) }));
        }

        // The random bytes are not a repeating block: no two tokens share their first 21 characters (126 bits) either.
        Assert.That(issued.Select(t => t.Token[..21]).Distinct().Count(), Is.EqualTo(16_000));
    }

    [Test]
    public void A_key_file_is_created_once_readable_by_its_owner_only_and_read_back_with_the_same_id()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bulkinvite-key-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "nested", "token-key");
        try
        {
            var created = InvitationTokenKey.FromFile(path).Single();
            var read = InvitationTokenKey.FromFile(path).Single();

            using (Assert.EnterMultipleScope())
            {
                Assert.That((read.Id, read.Key), Is.EqualTo((created.Id, created.Key)));
                Assert.That(Convert.FromBase64String(created.Key), Has.Length.EqualTo(32));
                Assert.That(File.ReadAllText(path, Encoding.ASCII).Trim(), Is.EqualTo(created.Key));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                }

                Assert.That(() => InvitationTokenKey.FromFile(" "), Throws.ArgumentException);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Processes_creating_a_key_file_at_the_same_moment_all_read_one_whole_key()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bulkinvite-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (var round = 0; round < 20; round++)
            {
                var path = Path.Combine(folder, $"token-key-{round}");
                using var start = new ManualResetEventSlim();
                var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
                {
                    start.Wait();
                    return InvitationTokenKey.FromFile(path).Single().Key;
                })).ToArray();
                start.Set();
                var keys = await Task.WhenAll(readers);

                Assert.That(keys.Distinct().Count(), Is.EqualTo(1), $"round {round}: every reader got the one key written");
            }

            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(20), "no temporary file is left");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
