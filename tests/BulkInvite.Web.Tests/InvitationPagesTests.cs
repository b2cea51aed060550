using System.Net;
using System.Text.RegularExpressions;
using BulkInvite.Web.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Web.Tests;

/// <summary>
/// The accept page and the pending invitations page over HTTP (in memory), with the real SDK, SQLite ledger and pickup
/// folder: the links come from the emails the sample wrote.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed partial class InvitationPagesTests
{
    private ShiftedClock _clock = null!;
    private SampleFactory _factory = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ShiftedClock();
        _factory = new SampleFactory(time: _clock);
    }

    [TearDown]
    public async Task TearDown() => await _factory.DisposeAsync();

    [Test]
    public async Task The_link_in_the_email_leads_to_the_accept_page_with_the_token_its_only_parameter()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "\"Ann Example\" <ann@example.com>\n");

        var link = LinkFor("ann@example.com");

        Assert.That(link.AbsolutePath, Is.EqualTo("/Invitations/Accept"));
        Assert.That(InvitationMail.TokenOf(link), Has.Length.EqualTo(43));
        Assert.That(link.OriginalString, Does.Not.Contain("ann@").And.Not.Contain("example.com"), "no address in the link");
    }

    [Test]
    public async Task The_links_start_with_the_configured_base_address()
    {
        await using var factory = new SampleFactory(settings: new Dictionary<string, string?> { ["Sample:BaseAddress"] = "https://invite.example.com/" });
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        await alice.WaitUntilFinishedAsync(await alice.UploadOkAsync("team.txt", "ann@example.com\n"));

        var link = InvitationMail.AcceptLink(InvitationMail.Pickup(factory, "contoso", "ann@example.com").Single());

        Assert.That(link.GetLeftPart(UriPartial.Path), Is.EqualTo("https://invite.example.com/Invitations/Accept"));
    }

    [TestCase("invite.example.com")]
    [TestCase("ftp://invite.example.com")]
    [TestCase("https://invite.example.com/?x=1")]
    public async Task A_base_address_that_cannot_start_a_link_fails_at_start_up(string baseAddress)
    {
        await using var factory = new SampleFactory(settings: new Dictionary<string, string?> { ["Sample:BaseAddress"] = baseAddress });

        var failure = Assert.Catch(() => factory.StartServer());

        Assert.That(failure!.ToString(), Does.Contain("Sample:BaseAddress"));
    }

    [Test]
    public async Task The_accept_page_shows_the_invitation_without_consuming_it()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "\"Ann Example\" <ann@example.com>\n");
        var link = LinkFor("ann@example.com");
        using var ann = SampleClient.Anonymous(_factory);

        var first = await ann.Http.GetAsync(link.PathAndQuery);
        var second = await ann.Http.GetAsync(link.PathAndQuery);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), "opening the link does not use it");
        var page = await second.Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("Join Contoso").And.Contain("Alice Admin").And.Contain("Ann Example &lt;ann@example.com&gt;"));
        var expires = DateTimeOffset.UtcNow.AddDays(7);
        Assert.That(page, Does.Contain($"id=\"invitation-expires\">{expires:yyyy-MM-dd}").Or.Contain($"id=\"invitation-expires\">{expires.AddMinutes(-1):yyyy-MM-dd}"));
        Assert.That(Header(second, "Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(second.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(Found(FormAction().Match(page)), Is.EqualTo("/Invitations/Accept"), "the form posts the token in its body, not in its address");
    }

    [Test]
    public async Task Accepting_creates_the_user_signs_them_in_and_the_link_then_says_already_used()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.csv", "email,role\nann@example.com,editor\n");
        var link = LinkFor("ann@example.com");
        using var ann = SampleClient.Anonymous(_factory);

        var accepted = await AcceptAsync(ann, link);

        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(accepted.Headers.Location!.OriginalString, Is.EqualTo("/Invitations/Welcome"), "no token in the address that follows");
        var welcome = await ann.GetPageAsync("/Invitations/Welcome");
        Assert.That(welcome, Does.Contain("Welcome to Contoso, ann@example.com").And.Contain("<strong id=\"welcome-role\">editor</strong>"), "the role from the file's fields");
        Assert.That(_factory.Services.GetRequiredService<DemoUserDirectory>().Contains("contoso", "ann@example.com"), Is.True);

        using var someoneElse = SampleClient.Anonymous(_factory);
        var again = await someoneElse.Http.GetAsync(link.PathAndQuery);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("already used").And.Not.Contain("ann@example.com"));
        var replay = await AcceptAsync(someoneElse, link, formPage: "/Login");
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Gone), "a second accept is refused");
        Assert.That(await replay.Content.ReadAsStringAsync(), Does.Contain("already used"));
    }

    [Test]
    public async Task An_invitee_who_accepted_is_a_member_not_an_administrator()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "ann@example.com\n");
        using var ann = SampleClient.Anonymous(_factory);
        await AcceptAsync(ann, LinkFor("ann@example.com"));

        foreach (var path in new[] { "/", "/History", "/Invitations", $"/Report/{importId}", $"/imports/{importId}/status", $"/imports/{importId}/report.csv" })
        {
            var response = await ann.Http.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Forbidden").And.Not.Contain("team.txt"), path);
        }

        var signedOut = await ann.PostFormAsync("/Logout", [], formPage: "/Invitations/Welcome");
        Assert.That(signedOut.Headers.Location!.OriginalString, Does.Contain("/Login"), "a member signs out too");
        Assert.That((await ann.Http.GetAsync("/Invitations/Welcome")).Headers.Location!.OriginalString, Does.Contain("/Login"));
    }

    [Test]
    public async Task An_unknown_a_forged_and_a_missing_token_get_the_same_page()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "ann@example.com\n");
        var token = InvitationMail.TokenOf(LinkFor("ann@example.com"));
        using var anyone = SampleClient.Anonymous(_factory);

        var pages = new List<string>();
        foreach (var path in new[]
        {
            "/Invitations/Accept?token=" + InvitationMail.ChangeOneCharacter(token),
            "/Invitations/Accept?token=" + new string('A', 43),
            "/Invitations/Accept?token=not-a-token",
            "/Invitations/Accept",
        })
        {
            var response = await anyone.Http.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
            pages.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.That(pages.Distinct(), Has.Exactly(1).Items, "nothing tells a forged token from an unknown one");
        Assert.That(pages[0], Does.Contain("This link is not valid").And.Not.Contain("Contoso").And.Not.Contain("example.com"));
        var forgedAccept = await AcceptAsync(anyone, new Uri("http://localhost/Invitations/Accept?token=" + InvitationMail.ChangeOneCharacter(token)), formPage: "/Login");
        Assert.That(forgedAccept.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await forgedAccept.Content.ReadAsStringAsync(), Is.EqualTo(pages[0]));
    }

    [Test]
    public async Task Accepting_without_the_antiforgery_token_is_refused()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "ann@example.com\n");
        var link = LinkFor("ann@example.com");
        using var ann = SampleClient.Anonymous(_factory);

        var response = await ann.Http.PostAsync("/Invitations/Accept", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = InvitationMail.TokenOf(link) }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ann.Http.GetAsync(link.PathAndQuery)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the invitation is still open");
    }

    [Test]
    public async Task An_expired_link_says_so_and_the_pending_page_lists_it_as_expired()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "ann@example.com\n");
        var link = LinkFor("ann@example.com");
        using var ann = SampleClient.Anonymous(_factory);
        var open = await ann.GetPageAsync(link.PathAndQuery);

        _clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var expired = await ann.Http.GetAsync(link.PathAndQuery);
        Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await expired.Content.ReadAsStringAsync(), Does.Contain("This invitation has expired").And.Not.Contain("ann@example.com"));
        var accept = await ann.PostFormAsync("/Invitations/Accept", new() { ["token"] = InvitationMail.TokenOf(link) }, formPage: "/Login");
        Assert.That(await accept.Content.ReadAsStringAsync(), Does.Contain("This invitation has expired"), "a page opened before the expiry cannot accept after it");
        Assert.That(open, Does.Contain("Join Contoso"));

        Assert.That(Rows(await alice.GetPageAsync("/Invitations")), Is.Empty);
        var rows = Rows(await alice.GetPageAsync("/Invitations?state=Expired"));
        Assert.That(rows.Select(r => r.Address), Is.EqualTo(new[] { "ann@example.com" }));
        Assert.That(rows[0].State, Is.EqualTo("Expired"));
    }

    [Test]
    public async Task Resend_sends_a_new_email_and_the_old_link_no_longer_works()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "ann@example.com\nben@example.com\n");
        var oldLink = LinkFor("ann@example.com");
        var row = Rows(await alice.GetPageAsync("/Invitations")).Single(r => r.Address == "ann@example.com");

        var resent = await alice.PostFormAsync("/Invitations?handler=Resend", new() { ["invitation"] = row.Id.ToString(), ["state"] = "Pending" }, formPage: "/Invitations");

        Assert.That(resent.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var after = await alice.GetPageAsync(resent.Headers.Location!.OriginalString);
        Assert.That(after, Does.Contain("Sent again to ann@example.com"));
        var messages = InvitationMail.Pickup(_factory, "contoso", "ann@example.com");
        Assert.That(messages, Has.Length.EqualTo(2), "a second email");
        var newLink = messages.Select(InvitationMail.AcceptLink).Single(l => l != oldLink);
        using var ann = SampleClient.Anonymous(_factory);
        Assert.That((await ann.Http.GetAsync(oldLink.PathAndQuery)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the old link is dead");
        Assert.That(await ann.GetPageAsync(newLink.PathAndQuery), Does.Contain("Join Contoso"));
        Assert.That(Rows(after).Single(r => r.Address == "ann@example.com").Sends, Is.EqualTo(2));
        Assert.That(InvitationMail.Pickup(_factory, "contoso", "ben@example.com"), Has.Length.EqualTo(1), "only the one invitation was sent again");
    }

    [Test]
    public async Task Revoke_one_closes_its_link_and_the_state_filter_finds_it()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        await InviteAsync(alice, "team.txt", "ann@example.com\nben@example.com\n");
        var row = Rows(await alice.GetPageAsync("/Invitations")).Single(r => r.Address == "ann@example.com");

        var revoked = await alice.PostFormAsync("/Invitations?handler=Revoke", new() { ["invitation"] = row.Id.ToString(), ["state"] = "Pending" }, formPage: "/Invitations");

        var after = await alice.GetPageAsync(revoked.Headers.Location!.OriginalString);
        Assert.That(after, Does.Contain("Revoked the invitation of ann@example.com"));
        Assert.That(Rows(after).Select(r => r.Address), Is.EqualTo(new[] { "ben@example.com" }));
        Assert.That(Rows(await alice.GetPageAsync("/Invitations?state=Revoked")).Select(r => r.Address), Is.EqualTo(new[] { "ann@example.com" }));
        Assert.That(Rows(await alice.GetPageAsync("/Invitations?state=All")), Has.Count.EqualTo(2));
        using var ann = SampleClient.Anonymous(_factory);
        var page = await ann.Http.GetAsync(LinkFor("ann@example.com").PathAndQuery);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("This invitation was withdrawn"));
    }

    [Test]
    public async Task Revoke_and_resend_all_act_on_one_import_only()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var first = await InviteAsync(alice, "first.txt", "a1@example.com\na2@example.com\na3@example.com\n");
        await InviteAsync(alice, "second.txt", "b1@example.com\n");
        using var a1 = SampleClient.Anonymous(_factory);
        await AcceptAsync(a1, LinkFor("a1@example.com"));

        var resent = await alice.PostFormAsync("/Invitations?handler=ResendImport", new() { ["import"] = first.ToString(), ["state"] = "Pending" }, formPage: $"/Invitations?import={first}");
        Assert.That(await alice.GetPageAsync(resent.Headers.Location!.OriginalString), Does.Contain("Sent 2 invitations of first.txt again"));
        Assert.That(InvitationMail.Pickup(_factory, "contoso", "a2@example.com"), Has.Length.EqualTo(2));
        Assert.That(InvitationMail.Pickup(_factory, "contoso", "b1@example.com"), Has.Length.EqualTo(1));

        var revoked = await alice.PostFormAsync("/Invitations?handler=RevokeImport", new() { ["import"] = first.ToString(), ["state"] = "Pending" }, formPage: $"/Invitations?import={first}");
        var after = await alice.GetPageAsync(revoked.Headers.Location!.OriginalString);

        Assert.That(after, Does.Contain("Revoked 2 pending invitations of first.txt"));
        Assert.That(Rows(after), Is.Empty);
        Assert.That(Rows(await alice.GetPageAsync($"/Invitations?import={first}&state=Revoked")).Select(r => r.Address).Order(), Is.EqualTo(new[] { "a2@example.com", "a3@example.com" }));
        Assert.That(Rows(await alice.GetPageAsync($"/Invitations?import={first}&state=Accepted")).Select(r => r.Address), Is.EqualTo(new[] { "a1@example.com" }));
        Assert.That(Rows(await alice.GetPageAsync("/Invitations")).Select(r => r.Address), Is.EqualTo(new[] { "b1@example.com" }));
    }

    [Test]
    public async Task Another_tenant_cannot_see_resend_or_revoke_the_invitations()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "secret-person@example.com\n");
        var row = Rows(await alice.GetPageAsync("/Invitations")).Single();
        using var bob = await SampleClient.SignInAsync(_factory, "bob");

        Assert.That(Rows(await bob.GetPageAsync("/Invitations?state=All")), Is.Empty);
        Assert.That(await bob.GetPageAsync($"/Invitations?import={importId}", HttpStatusCode.NotFound), Does.Not.Contain("secret-person"));
        var attempts = new (string Handler, Dictionary<string, string> Fields)[]
        {
            ("Resend", new() { ["invitation"] = row.Id.ToString() }),
            ("Revoke", new() { ["invitation"] = row.Id.ToString() }),
            ("ResendImport", new() { ["import"] = importId.ToString() }),
            ("RevokeImport", new() { ["import"] = importId.ToString() }),
        };
        foreach (var (handler, fields) in attempts)
        {
            var response = await bob.PostFormAsync($"/Invitations?handler={handler}", fields, formPage: "/Invitations");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), handler);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("secret-person"), handler);
        }

        var still = Rows(await alice.GetPageAsync("/Invitations")).Single();
        Assert.That((still.State, still.Sends), Is.EqualTo(("Pending", 1)), "nothing changed");
        Assert.That(InvitationMail.Pickup(_factory, "contoso", "secret-person@example.com"), Has.Length.EqualTo(1), "nothing was sent");
    }

    [Test]
    public async Task Every_action_on_the_pending_page_needs_the_antiforgery_token()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "ann@example.com\n");
        var row = Rows(await alice.GetPageAsync("/Invitations")).Single();

        foreach (var (handler, field, value) in new[] { ("Resend", "invitation", row.Id), ("Revoke", "invitation", row.Id), ("ResendImport", "import", importId), ("RevokeImport", "import", importId) })
        {
            var response = await alice.Http.PostAsync($"/Invitations?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string> { [field] = value.ToString() }));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), handler);
        }

        var still = Rows(await alice.GetPageAsync("/Invitations")).Single();
        Assert.That((still.State, still.Sends), Is.EqualTo(("Pending", 1)));
    }

    [Test]
    public async Task The_pending_page_is_paged_and_linked_from_history_and_the_report()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "many.txt", SampleFiles.Numbered(25, "p").Replace("p10.example.com", "p10@example.com").Replace("p20.example.com", "p20@example.com"));

        var first = await alice.GetPageAsync($"/Invitations?import={importId}");
        var firstRows = Rows(first);
        Assert.That(firstRows, Has.Count.EqualTo(20));
        var next = NextPage().Match(first);
        Assert.That(next.Success, Is.True, "a link to the next page");
        var second = await alice.GetPageAsync(WebUtility.HtmlDecode(Found(next)));
        var secondRows = Rows(second);
        Assert.That(secondRows, Has.Count.EqualTo(5));
        Assert.That(firstRows.Concat(secondRows).Select(r => r.Address).Distinct().Count(), Is.EqualTo(25));
        Assert.That(second, Does.Not.Contain("id=\"next-page\"").And.Contain("id=\"first-page\""));

        Assert.That(await alice.GetPageAsync("/History"), Does.Contain($"href=\"/Invitations?import={importId}\""));
        Assert.That(await alice.GetPageAsync($"/Report/{importId}"), Does.Contain($"href=\"/Invitations?import={importId}\""));
        Assert.That(await alice.GetPageAsync("/Invitations?state=nonsense"), Does.Contain("is not a state"));
    }

    [Test]
    public async Task The_report_shows_each_entry_s_invitation_and_counts_them_and_so_does_history()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "ann@example.com\nben@example.com\ncleo@example.com\nnot-an-address\n");
        using var ann = SampleClient.Anonymous(_factory);
        await AcceptAsync(ann, LinkFor("ann@example.com"));
        var ben = Rows(await alice.GetPageAsync("/Invitations")).Single(r => r.Address == "ben@example.com");
        await alice.PostFormAsync("/Invitations?handler=Revoke", new() { ["invitation"] = ben.Id.ToString() }, formPage: "/Invitations");

        var page = await alice.GetPageAsync($"/Report/{importId}");

        var rows = PageTables.ReportRows(page);
        Assert.That(rows.Select(r => r.InvitationState), Is.EqualTo(new[] { "Accepted", "Revoked", "Pending", null }));
        Assert.That(rows[0].Cells["invitation"], Does.Match(@"^Accepted accepted \d{4}-\d\d-\d\d \d\d:\d\d UTC$"));
        Assert.That(rows[1].Cells["invitation"], Does.Match(@"^Revoked revoked \d{4}-\d\d-\d\d \d\d:\d\d UTC$"));
        var expires = DateTimeOffset.UtcNow.AddDays(7);
        Assert.That(rows[2].Cells["invitation"], Is.EqualTo($"Pending expires {expires:yyyy-MM-dd HH:mm} UTC").Or.EqualTo($"Pending expires {expires.AddMinutes(-1):yyyy-MM-dd HH:mm} UTC"));
        Assert.That(rows[3].Cells["invitation"], Is.Empty, "an invalid entry sent no invitation");
        Assert.That(rows.Select(r => (r.OffersResend, r.OffersRevoke)), Is.EqualTo(new[] { (false, false), (false, false), (true, true), (false, false) }), "only an open invitation is resent or revoked");
        var counts = PageTables.InvitationCounts(page);
        Assert.That(counts, Is.EqualTo(new Dictionary<string, long> { ["Pending"] = 1, ["Accepted"] = 1, ["Expired"] = 0, ["Revoked"] = 1 }));
        Assert.That(page, Does.Contain($"href=\"/Invitations?import={importId}&amp;state=Accepted\""), "each count leads to those invitations");

        var history = await alice.GetPageAsync("/History");
        Assert.That(history, Does.Contain("<th colspan=\"4\" class=\"group\">Invitations</th>"));
        Assert.That(PageTables.HistoryInvitationCounts(history, importId), Is.EqualTo(new Dictionary<string, string> { ["Pending"] = "1", ["Accepted"] = "1", ["Expired"] = "0", ["Revoked"] = "1" }));
    }

    [Test]
    public async Task An_invitation_past_its_lifetime_reads_as_expired_on_the_report_and_in_history()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "ann@example.com\nben@example.com\n");
        using var ann = SampleClient.Anonymous(_factory);
        await AcceptAsync(ann, LinkFor("ann@example.com"));

        _clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var page = await alice.GetPageAsync($"/Report/{importId}");
        var rows = PageTables.ReportRows(page);
        Assert.That(rows.Select(r => r.InvitationState), Is.EqualTo(new[] { "Accepted", "Expired" }), "an accepted invitation does not expire");
        Assert.That(rows[1].Cells["invitation"], Does.StartWith("Expired expired "));
        Assert.That((rows[1].OffersResend, rows[1].OffersRevoke), Is.EqualTo((true, false)), "an expired invitation can be sent again, not revoked");
        Assert.That(PageTables.InvitationCounts(page), Is.EqualTo(new Dictionary<string, long> { ["Pending"] = 0, ["Accepted"] = 1, ["Expired"] = 1, ["Revoked"] = 0 }));
        Assert.That(PageTables.HistoryInvitationCounts(await alice.GetPageAsync("/History"), importId)["Expired"], Is.EqualTo("1"));
    }

    [Test]
    public async Task A_preview_shows_no_invitations_on_its_report_or_in_history()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", "ann@example.com\n", preview: true);
        await alice.WaitUntilFinishedAsync(importId);

        var page = await alice.GetPageAsync($"/Report/{importId}");

        Assert.That(PageTables.InvitationCounts(page), Is.Null);
        Assert.That(PageTables.ReportRows(page).Single().InvitationState, Is.Null);
        Assert.That(PageTables.HistoryInvitationCounts(await alice.GetPageAsync("/History?previews=true"), importId).Values, Has.Count.EqualTo(4).And.All.Empty);
    }

    [Test]
    public async Task Resend_and_revoke_from_a_report_row_come_back_to_the_report_at_its_filter()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await InviteAsync(alice, "team.txt", "ann@example.com\nben@example.com\n");
        var report = $"/Report/{importId}?outcome=Invited";
        var invitations = Rows(await alice.GetPageAsync($"/Invitations?import={importId}")).ToDictionary(r => r.Address, r => r.Id);

        var revoked = await alice.PostFormAsync("/Invitations?handler=Revoke", new() { ["invitation"] = invitations["ann@example.com"].ToString(), ["back"] = "report", ["outcome"] = "Invited", ["after"] = "0" }, formPage: report);
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(revoked.Headers.Location!.OriginalString, Is.EqualTo(report));
        var afterRevoke = await alice.GetPageAsync(report);
        Assert.That(afterRevoke, Does.Contain("Revoked the invitation of ann@example.com: its link no longer works."));
        Assert.That(PageTables.ReportRows(afterRevoke).Select(r => r.InvitationState), Is.EqualTo(new[] { "Revoked", "Pending" }));

        var resent = await alice.PostFormAsync("/Invitations?handler=Resend", new() { ["invitation"] = invitations["ben@example.com"].ToString(), ["back"] = "report" }, formPage: report);
        Assert.That(resent.Headers.Location!.OriginalString, Is.EqualTo($"/Report/{importId}"));
        Assert.That(await alice.GetPageAsync(resent.Headers.Location.OriginalString), Does.Contain("Sent again to ben@example.com"));
        Assert.That(InvitationMail.Pickup(_factory, "contoso", "ben@example.com"), Has.Length.EqualTo(2));

        using var bob = await SampleClient.SignInAsync(_factory, "bob");
        var refused = await bob.PostFormAsync("/Invitations?handler=Revoke", new() { ["invitation"] = invitations["ben@example.com"].ToString(), ["back"] = "report" }, formPage: "/Invitations");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another tenant's invitation, whatever page it returns to");
        Assert.That(PageTables.ReportRows(await alice.GetPageAsync(report))[1].InvitationState, Is.EqualTo("Pending"));
    }

    [Test]
    public async Task The_token_is_never_logged_at_the_levels_the_sample_ships_with()
    {
        // The sample's own appsettings.json levels: Information, and the ASP.NET Core request log (which writes each
        // request's address, query included) at Warning.
        var logs = new CapturedLogs();
        await using var factory = new SampleFactory(logs: logs, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", "ann@example.com\nben@example.com\n");
        await alice.WaitUntilFinishedAsync(importId);
        var link = InvitationMail.AcceptLink(InvitationMail.Pickup(factory, "contoso", "ann@example.com").Single());
        var token = InvitationMail.TokenOf(link);
        using var ann = SampleClient.Anonymous(factory);

        await ann.GetPageAsync(link.PathAndQuery);
        await AcceptAsync(ann, link);
        await ann.Http.GetAsync(link.PathAndQuery);
        var ben = Rows(await alice.GetPageAsync("/Invitations")).Single(r => r.Address == "ben@example.com");
        await alice.PostFormAsync("/Invitations?handler=Resend", new() { ["invitation"] = ben.Id.ToString() }, formPage: "/Invitations");
        var benTokens = InvitationMail.Pickup(factory, "contoso", "ben@example.com").Select(m => InvitationMail.TokenOf(InvitationMail.AcceptLink(m))).ToArray();

        Assert.That(benTokens, Has.Length.EqualTo(2));
        Assert.That(logs.Messages, Has.Some.Contain("BulkInvite"), "the SDK logs at these levels");
        foreach (var secret in benTokens.Append(token))
        {
            Assert.That(logs.Messages, Has.None.Contain(secret));
        }
    }

    private async Task<Guid> InviteAsync(SampleClient admin, string fileName, string content)
    {
        var importId = await admin.UploadOkAsync(fileName, content);
        var status = await admin.WaitUntilFinishedAsync(importId);
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Completed"));
        return importId;
    }

    private Uri LinkFor(string address)
    {
        var messages = InvitationMail.Pickup(_factory, "contoso", address);
        Assert.That(messages, Has.Length.EqualTo(1), address);
        return InvitationMail.AcceptLink(messages[0]);
    }

    private static async Task<HttpResponseMessage> AcceptAsync(SampleClient client, Uri link, string? formPage = null)
        => await client.PostFormAsync("/Invitations/Accept", new() { ["token"] = InvitationMail.TokenOf(link) }, formPage ?? link.PathAndQuery);

    /// <summary>The group that matched of a pattern with two alternatives (attributes in either order).</summary>
    private static string Found(Match match) => match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static List<(Guid Id, string Address, string State, int Sends)> Rows(string page)
        => [.. Row().Matches(page).Select(m => (Guid.Parse(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value), m.Groups[3].Value, int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    [GeneratedRegex("<tr data-invitation=\"([0-9a-f-]{36})\" data-address=\"([^\"]+)\" data-state=\"(\\w+)\" data-sends=\"(\\d+)\"")]
    private static partial Regex Row();

    [GeneratedRegex("action=\"([^\"]*)\"[^>]*id=\"accept-form\"|id=\"accept-form\"[^>]*action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("id=\"next-page\" href=\"([^\"]+)\"|href=\"([^\"]+)\"[^>]*id=\"next-page\"")]
    private static partial Regex NextPage();
}
