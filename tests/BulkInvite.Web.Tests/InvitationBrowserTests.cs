using System.Globalization;
using System.Text;
using BulkInvite.Smtp.Tests.Transport;
using Microsoft.Playwright;
using MimeKit;

namespace BulkInvite.Web.Tests;

/// <summary>
/// The invitation's whole walk in Debian's Chromium (headless, Playwright): the sample on Kestrel sends over SMTP to a
/// real SMTP server on 127.0.0.1, the link is taken from the email that arrived there, and the invitee opens it in a
/// browser of their own. A screenshot of each page is attached to the test results.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InvitationBrowserTests
{
    private static readonly string[] Variables = ["Sample__Sender", "BulkInvite__Smtp__Port", "BulkInvite__Smtp__Host", "BulkInvite__Smtp__Security"];

    private readonly ShiftedClock _clock = new();
    private TestSmtpServer _smtp = null!;
    private SampleFactory _factory = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = null!;
    private string _files = null!;
    private List<string> _console = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Chromium.RequireInstalled();

        _smtp = await TestSmtpServer.StartAsync();

        // Operators configure the sender through the host's environment, read when the host starts.
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("Sample__Sender", "Smtp");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Host", "127.0.0.1");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Port", _smtp.Port.ToString(CultureInfo.InvariantCulture));
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Security", "None");
            _factory = new SampleFactory(kestrel: true, time: _clock);
            _factory.StartServer();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        _baseUrl = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Assert.That(_baseUrl, Does.StartWith("http://127.0.0.1:"));
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
        _files = Path.Combine(_factory.DataDirectory, "uploads");
        Directory.CreateDirectory(_files);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    [SetUp]
    public void ListenAfresh() => _console = [];

    [TearDown]
    public void NoContentSecurityPolicyViolation()
    {
        _clock.Reset();
        Assert.That(_console, Has.None.Contain("Content Security Policy"), "the pages work under their content security policy");
    }

    [Test]
    public async Task An_invitee_accepts_through_the_link_in_the_email_and_the_link_then_says_already_used()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "walk.txt", "\"Walker Person\" <walker@example.com>\n", invited: 1);

        var link = await LinkAsync("walker@example.com");
        Assert.That(link.ToString(), Does.StartWith(_baseUrl + "/Invitations/Accept?token="), "the link leads to this site's accept page");

        var walker = await PageAsync();
        var opened = await walker.GotoAsync(link.ToString());
        Assert.That(opened!.Status, Is.EqualTo(200));
        Assert.That(await walker.TextContentAsync("h1"), Is.EqualTo("Join Contoso"));
        Assert.That(await walker.TextContentAsync("#invitation-account"), Is.EqualTo("Contoso"));
        Assert.That(await walker.TextContentAsync("#invitation-inviter"), Is.EqualTo("Alice Admin"));
        Assert.That(await walker.TextContentAsync("#invitation-address"), Is.EqualTo("Walker Person <walker@example.com>"));
        var expires = DateTimeOffset.ParseExact(await walker.TextContentAsync("#invitation-expires") ?? "", "yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.That(expires, Is.EqualTo(DateTimeOffset.UtcNow.AddDays(7)).Within(TimeSpan.FromMinutes(5)), "seven days from the send");
        await ScreenshotAsync(walker, "invitation-1-accept-page");

        await walker.ClickAsync("#accept");
        await walker.WaitForURLAsync("**/Invitations/Welcome");
        Assert.That(walker.Url, Does.Not.Contain("token"));
        Assert.That(await walker.TextContentAsync("#welcome"), Is.EqualTo("Welcome to Contoso, Walker Person"));
        Assert.That(await walker.TextContentAsync("#signed-in-as"), Does.Contain("Walker Person").And.Contain("contoso"));
        Assert.That(await walker.IsVisibleAsync("#pending-link"), Is.False, "a member is not an administrator");
        await ScreenshotAsync(walker, "invitation-2-welcome");

        var again = await walker.GotoAsync(link.ToString());
        Assert.That(again!.Status, Is.EqualTo(410));
        Assert.That(await walker.TextContentAsync("h1"), Is.EqualTo("This invitation was already used"));
        Assert.That(await walker.IsVisibleAsync("#accept"), Is.False);
        await ScreenshotAsync(walker, "invitation-3-already-used");

        await alice.GotoAsync(_baseUrl + "/Invitations?state=Accepted");
        Assert.That(await alice.TextContentAsync("#invitations tr[data-address='walker@example.com'] td.state"), Is.EqualTo("Accepted"));
    }

    [Test]
    public async Task A_link_revoked_on_the_pending_page_says_it_was_withdrawn()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "revoke-one.txt", "revokee@example.com\nkeeper@example.com\n", invited: 2);
        var link = await LinkAsync("revokee@example.com");

        await alice.ClickAsync("#pending-link");
        await alice.WaitForSelectorAsync("#invitations");
        await alice.ClickAsync("#invitations tr[data-address='revokee@example.com'] button.revoke");
        await alice.WaitForSelectorAsync("#notice");
        Assert.That(await alice.TextContentAsync("#notice"), Does.Contain("Revoked the invitation of revokee@example.com"));
        Assert.That(await alice.Locator("#invitations tr[data-address='revokee@example.com']").CountAsync(), Is.Zero);
        Assert.That(await alice.Locator("#invitations tr[data-address='keeper@example.com']").CountAsync(), Is.EqualTo(1));
        await ScreenshotAsync(alice, "invitation-4-pending-after-revoke");

        var revokee = await PageAsync();
        var response = await revokee.GotoAsync(link.ToString());
        Assert.That(response!.Status, Is.EqualTo(410));
        Assert.That(await revokee.TextContentAsync("h1"), Is.EqualTo("This invitation was withdrawn"));
        await ScreenshotAsync(revokee, "invitation-5-revoked-link");
    }

    [Test]
    public async Task An_expired_link_says_it_has_expired()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "expire.txt", "late@example.com\n", invited: 1);
        var link = await LinkAsync("late@example.com");

        _clock.Advance(TimeSpan.FromDays(8));

        var late = await PageAsync();
        var response = await late.GotoAsync(link.ToString());
        Assert.That(response!.Status, Is.EqualTo(410));
        Assert.That(await late.TextContentAsync("h1"), Is.EqualTo("This invitation has expired"));
        Assert.That(await late.TextContentAsync("#invitation-message"), Does.Contain("send it again"));
        await ScreenshotAsync(late, "invitation-6-expired-link");
    }

    [Test]
    public async Task An_unknown_link_and_a_forged_one_show_the_same_page()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "forge.txt", "forged@example.com\n", invited: 1);
        var token = InvitationMail.TokenOf(await LinkAsync("forged@example.com"));

        var visitor = await PageAsync();
        var shown = new List<string>();
        foreach (var guess in new[] { InvitationMail.ChangeOneCharacter(token), Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_') })
        {
            var response = await visitor.GotoAsync($"{_baseUrl}/Invitations/Accept?token={guess}");
            Assert.That(response!.Status, Is.EqualTo(404));
            shown.Add(await visitor.InnerHTMLAsync("main"));
        }

        Assert.That(shown[0], Is.EqualTo(shown[1]), "a forged token and an unknown one look the same");
        Assert.That(await visitor.TextContentAsync("h1"), Is.EqualTo("This link is not valid"));
        Assert.That(shown[0], Does.Not.Contain("Contoso").And.Not.Contain("forged@"));
        await ScreenshotAsync(visitor, "invitation-7-unknown-link");
    }

    [Test]
    public async Task Resend_from_the_pending_page_sends_a_new_email_and_the_old_link_dies()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "resend.txt", "again@example.com\n", invited: 1);
        var oldLink = await LinkAsync("again@example.com");

        await alice.GotoAsync(_baseUrl + "/Invitations");
        await alice.ClickAsync("#invitations tr[data-address='again@example.com'] button.resend");
        await alice.WaitForSelectorAsync("#notice");
        Assert.That(await alice.TextContentAsync("#notice"), Does.Contain("Sent again to again@example.com"));
        Assert.That(await alice.TextContentAsync("#invitations tr[data-address='again@example.com'] td:nth-child(7)"), Is.EqualTo("2"));
        var newLink = await LinkAsync("again@example.com", count: 2);
        Assert.That(newLink, Is.Not.EqualTo(oldLink));

        var invitee = await PageAsync();
        var old = await invitee.GotoAsync(oldLink.ToString());
        Assert.That(old!.Status, Is.EqualTo(404));
        Assert.That(await invitee.TextContentAsync("h1"), Is.EqualTo("This link is not valid"));
        await invitee.GotoAsync(newLink.ToString());
        Assert.That(await invitee.TextContentAsync("h1"), Is.EqualTo("Join Contoso"));
        await invitee.ClickAsync("#accept");
        await invitee.WaitForURLAsync("**/Invitations/Welcome");
    }

    [Test]
    public async Task Revoke_all_of_an_import_from_its_history_row()
    {
        var alice = await SignedInPageAsync("alice");
        await UploadAsync(alice, "revoke-all.txt", "all1@example.com\nall2@example.com\nall3@example.com\n", invited: 3);
        var links = new[] { await LinkAsync("all1@example.com"), await LinkAsync("all2@example.com"), await LinkAsync("all3@example.com") };

        await alice.GotoAsync(_baseUrl + "/History");
        await alice.ClickAsync("#history tr:has-text('revoke-all.txt') a.invitations");
        await alice.WaitForURLAsync("**/Invitations?import=*");
        Assert.That(await alice.TextContentAsync("h1"), Is.EqualTo("Pending invitations of revoke-all.txt"));
        Assert.That(await alice.Locator("#invitations tbody tr").CountAsync(), Is.EqualTo(3));
        await ScreenshotAsync(alice, "invitation-8-pending-of-an-import");

        await alice.ClickAsync("#revoke-import");
        await alice.WaitForSelectorAsync("#notice");
        Assert.That(await alice.TextContentAsync("#notice"), Is.EqualTo("Revoked 3 pending invitations of revoke-all.txt."));
        Assert.That(await alice.Locator("#invitations tbody tr").CountAsync(), Is.Zero);
        await alice.SelectOptionAsync("#state", "Revoked");
        await alice.ClickAsync("#apply-state");
        await alice.WaitForURLAsync("**state=Revoked*");
        Assert.That(await alice.Locator("#invitations tbody tr[data-state='Revoked']").CountAsync(), Is.EqualTo(3));
        await ScreenshotAsync(alice, "invitation-9-revoked-of-an-import");

        var invitee = await PageAsync();
        foreach (var link in links)
        {
            await invitee.GotoAsync(link.ToString());
            Assert.That(await invitee.TextContentAsync("h1"), Is.EqualTo("This invitation was withdrawn"));
        }
    }

    [Test]
    public async Task The_report_and_history_show_an_accepted_a_revoked_and_a_pending_invitation()
    {
        var alice = await SignedInPageAsync("alice");
        var importId = await UploadAsync(alice, "states.txt", "joiner@example.com\nwithdrawn@example.com\nwaiting@example.com\n", invited: 3);

        var joiner = await PageAsync();
        await joiner.GotoAsync((await LinkAsync("joiner@example.com")).ToString());
        await joiner.ClickAsync("#accept");
        await joiner.WaitForURLAsync("**/Invitations/Welcome");

        await alice.ClickAsync("#view-details");
        await alice.WaitForSelectorAsync("#entries");
        Assert.That(await alice.TextContentAsync("#invitation-counts td[data-state='Pending']"), Is.EqualTo("2"));
        await alice.ClickAsync("#entries tr:has-text('withdrawn@example.com') button.revoke");
        await alice.WaitForSelectorAsync("#notice");
        Assert.That(alice.Url, Is.EqualTo($"{_baseUrl}/Report/{importId}"), "the revoke comes back to the report");
        Assert.That(await alice.TextContentAsync("#notice"), Is.EqualTo("Revoked the invitation of withdrawn@example.com: its link no longer works."));

        var rows = new Dictionary<string, ILocator>
        {
            ["joiner"] = alice.Locator("#entries tr:has-text('joiner@example.com')"),
            ["withdrawn"] = alice.Locator("#entries tr:has-text('withdrawn@example.com')"),
            ["waiting"] = alice.Locator("#entries tr:has-text('waiting@example.com')"),
        };
        Assert.That(await rows["joiner"].GetAttributeAsync("data-invitation-state"), Is.EqualTo("Accepted"));
        Assert.That(await rows["joiner"].Locator("td.invitation .state").TextContentAsync(), Is.EqualTo("Accepted"));
        Assert.That(await rows["joiner"].Locator("td.invitation .when").TextContentAsync(), Does.StartWith("accepted " + DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Or.StartWith("accepted " + DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "accepted minutes ago, today or, across midnight, yesterday");
        Assert.That(await rows["withdrawn"].Locator("td.invitation .state").TextContentAsync(), Is.EqualTo("Revoked"));
        Assert.That(await rows["withdrawn"].Locator("td.invitation .when").TextContentAsync(), Does.StartWith("revoked "));
        Assert.That(await rows["waiting"].Locator("td.invitation .state").TextContentAsync(), Is.EqualTo("Pending"));
        Assert.That(await rows["waiting"].Locator("td.invitation .when").TextContentAsync(), Does.StartWith("expires " + DateTimeOffset.UtcNow.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Or.StartWith("expires " + DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.That(await rows["waiting"].Locator("button.revoke").IsVisibleAsync(), Is.True);
        Assert.That(await rows["joiner"].Locator("button").CountAsync() + await rows["withdrawn"].Locator("button").CountAsync(), Is.Zero, "no action on a closed invitation");
        foreach (var (state, count) in new[] { ("Pending", "1"), ("Accepted", "1"), ("Expired", "0"), ("Revoked", "1") })
        {
            Assert.That(await alice.TextContentAsync($"#invitation-counts td[data-state='{state}']"), Is.EqualTo(count), state);
        }

        await ScreenshotAsync(alice, "invitation-11-report-with-states");

        await alice.ClickAsync("#history-link");
        await alice.WaitForSelectorAsync("#history");
        var history = alice.Locator($"#history tr[data-import='{importId}']");
        foreach (var (state, count) in new[] { ("Pending", "1"), ("Accepted", "1"), ("Expired", "0"), ("Revoked", "1") })
        {
            Assert.That(await history.Locator($"td[data-state='{state}']").TextContentAsync(), Is.EqualTo(count), state);
        }

        Assert.That(await alice.TextContentAsync("#history thead"), Does.Contain("Invitations").And.Contain("Accepted").And.Contain("Revoked"));
        await ScreenshotAsync(alice, "invitation-12-history-with-states");

        await history.Locator("a.results").ClickAsync();
        await alice.WaitForSelectorAsync("#invitation-counts");
        await alice.ClickAsync("#invitation-counts td[data-state='Accepted'] a");
        await alice.WaitForURLAsync("**state=Accepted*");
        Assert.That(await alice.Locator("#invitations tbody tr").AllTextContentsAsync(), Has.Count.EqualTo(1).And.Some.Contain("joiner@example.com"), "a count leads to its invitations");
    }

    [Test]
    public async Task Another_tenant_cannot_see_resend_or_revoke_the_invitations()
    {
        var alice = await SignedInPageAsync("alice");
        var importId = await UploadAsync(alice, "private-invites.txt", "private@example.com\n", invited: 1);
        await alice.GotoAsync(_baseUrl + "/Invitations");
        var invitationId = await alice.GetAttributeAsync("#invitations tr[data-address='private@example.com']", "data-invitation");

        var bob = await SignedInPageAsync("bob");
        await bob.GotoAsync(_baseUrl + "/Invitations?state=All");
        Assert.That(await bob.ContentAsync(), Does.Not.Contain("private@example.com"));
        var listed = await bob.GotoAsync($"{_baseUrl}/Invitations?import={importId}");
        Assert.That(listed!.Status, Is.EqualTo(404));
        Assert.That(await bob.ContentAsync(), Does.Not.Contain("private@example.com"));
        await ScreenshotAsync(bob, "invitation-10-other-tenant-refused");

        // Bob's own, valid antiforgery token: only the tenant check stands between him and Alice's invitations.
        await bob.GotoAsync(_baseUrl + "/Invitations");
        var antiforgery = await bob.GetAttributeAsync("input[name='__RequestVerificationToken']", "value");
        foreach (var (handler, field, value) in new[] { ("Resend", "invitation", invitationId!), ("Revoke", "invitation", invitationId!), ("ResendImport", "import", importId), ("RevokeImport", "import", importId) })
        {
            var form = bob.Context.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", antiforgery!);
            form.Set(field, value);
            var response = await bob.Context.APIRequest.PostAsync($"{_baseUrl}/Invitations?handler={handler}", new() { Form = form, MaxRedirects = 0 });
            Assert.That(response.Status, Is.EqualTo(404), handler);
        }

        await alice.GotoAsync(_baseUrl + "/Invitations");
        Assert.That(await alice.TextContentAsync("#invitations tr[data-address='private@example.com'] td.state"), Is.EqualTo("Pending"));
        Assert.That(await alice.TextContentAsync("#invitations tr[data-address='private@example.com'] td:nth-child(7)"), Is.EqualTo("1"), "nothing was sent again");
        Assert.That(MessagesTo("private@example.com"), Has.Length.EqualTo(1));
    }

    private async Task<string> UploadAsync(IPage admin, string name, string content, int invited)
    {
        var path = Path.Combine(_files, name);
        await File.WriteAllTextAsync(path, content, new UTF8Encoding(false));
        await admin.GotoAsync(_baseUrl + "/");
        await admin.SetInputFilesAsync("#file", path);
        await admin.ClickAsync("#send");
        await admin.WaitForURLAsync("**/?import=*");
        await admin.WaitForSelectorAsync("#import-status[data-finished='true']", new() { Timeout = 60_000 });
        Assert.That(await admin.TextContentAsync("#import-status td[data-outcome='Invited']"), Is.EqualTo(invited.ToString(CultureInfo.InvariantCulture)));
        return new Uri(admin.Url).Query.Split('=')[1];
    }

    /// <summary>The accept link of the newest of <paramref name="count"/> emails to an address, once they have all arrived.</summary>
    private async Task<Uri> LinkAsync(string address, int count = 1)
    {
        for (var i = 0; i < 200 && MessagesTo(address).Length < count; i++)
        {
            await Task.Delay(50);
        }

        var messages = MessagesTo(address);
        Assert.That(messages, Has.Length.EqualTo(count), $"emails to {address} at the SMTP server");
        return InvitationMail.AcceptLink(messages[^1]);
    }

    private MimeMessage[] MessagesTo(string address)
        => [.. _smtp.Store.Messages.Where(m => m.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase)).Select(m => m.Message)];

    private async Task<IPage> PageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1200, Height = 800 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            lock (_console)
            {
                _console.Add(message.Text);
            }
        };
        return page;
    }

    private async Task<IPage> SignedInPageAsync(string user)
    {
        var page = await PageAsync();
        await page.GotoAsync(_baseUrl + "/Login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", user);
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#upload-form");
        return page;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }
}
