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
}
