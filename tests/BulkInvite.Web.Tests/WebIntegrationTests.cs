using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Web.Tests;

/// <summary>The sample's pages and endpoints over HTTP (in memory), with the real SDK, SQLite history and pickup folder.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class WebIntegrationTests
{
    private const long SmallLimit = 64 * 1024;

    private SampleFactory _factory = null!;

    [SetUp]
    public void SetUp() => _factory = new SampleFactory(maxFileBytes: SmallLimit);

    [TearDown]
    public async Task TearDown() => await _factory.DisposeAsync();

    [Test]
    public async Task Pages_ask_for_a_sign_in_first()
    {
        using var client = SampleClient.Anonymous(_factory);

        foreach (var path in new[] { "/", "/History", $"/Report/{Guid.NewGuid()}", $"/imports/{Guid.NewGuid()}/status" })
        {
            var response = await client.Http.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), path);
            Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/Login"), path);
        }
    }

    [Test]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        using var client = SampleClient.Anonymous(_factory);

        var response = await client.PostFormAsync("/Login", new() { ["username"] = "alice", ["password"] = "bob" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Unknown user name or wrong password."));
    }

    [Test]
    public async Task Sending_a_file_shows_the_status_then_invites_each_new_address_once()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
        var status = await alice.WaitUntilFinishedAsync(importId);

        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Completed"));
        var counts = status.GetProperty("counts");
        Assert.That(counts.GetProperty("invited").GetInt64(), Is.EqualTo(3));
        Assert.That(counts.GetProperty("invalid").GetInt64(), Is.EqualTo(2));
        Assert.That(counts.GetProperty("duplicate").GetInt64(), Is.EqualTo(1));
        Assert.That(counts.GetProperty("existingUser").GetInt64(), Is.EqualTo(1));

        var files = _factory.PickupFiles("contoso");
        Assert.That(files, Has.Length.EqualTo(3));
        var recipients = files.Select(f => MimeKit.MimeMessage.Load(f).To.Mailboxes.Single().Address).Order().ToArray();
        Assert.That(recipients, Is.EqualTo(new[] { "ann@example.com", "ben@example.com", "cleo@example.net" }));
        var message = MimeKit.MimeMessage.Load(files[0]);
        Assert.That(message.Subject, Is.EqualTo("Alice Admin invited you to Contoso"), "the sample's template, with the tenant's account name");
        Assert.That(message.TextBody, Does.Contain("Alice Admin has invited you"));

        var page = await alice.GetPageAsync($"/?import={importId}");
        Assert.That(page, Does.Contain("id=\"import-status\"").And.Contain("team.txt").And.Contain("View details here").And.Contain("File Based Bulk User Invite History"));
        Assert.That(page, Does.Contain("<td data-outcome=\"Invited\">3</td>"));
    }

    [Test]
    public async Task The_report_lists_every_entry_with_line_outcome_and_reason()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
        await alice.WaitUntilFinishedAsync(importId);

        var page = await alice.GetPageAsync($"/Report/{importId}");

        Assert.That(page, Does.Contain("Report on File Based Bulk User Invite"));
        Assert.That(CountOf(page, "<tr data-outcome="), Is.EqualTo(7));
        Assert.That(page, Does.Contain("<td>2</td>").And.Contain("not-an-address").And.Contain("No @ in the address"));
        Assert.That(page, Does.Contain("Same address as line 1"));
        Assert.That(page, Does.Contain("Cleo Client &lt;cleo@example.net&gt;"));

        var invalidOnly = await alice.GetPageAsync($"/Report/{importId}?outcome=Invalid");
        Assert.That(CountOf(invalidOnly, "<tr data-outcome="), Is.EqualTo(2));
        Assert.That(CountOf(invalidOnly, "<tr data-outcome=\"Invalid\""), Is.EqualTo(2));
    }

    [Test]
    public async Task The_report_is_paged()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("many.txt", SampleFiles.Numbered(120), preview: true);
        await alice.WaitUntilFinishedAsync(importId);

        var first = await alice.GetPageAsync($"/Report/{importId}");
        Assert.That(CountOf(first, "<tr data-outcome="), Is.EqualTo(50));
        Assert.That(first, Does.Contain("user1@example.com").And.Not.Contain("user51@example.com"));
        Assert.That(first, Does.Contain($"/Report/{importId}?after=50"));

        var third = await alice.GetPageAsync($"/Report/{importId}?after=100");
        Assert.That(CountOf(third, "<tr data-outcome="), Is.EqualTo(20));
        Assert.That(third, Does.Contain("user120.example.com").And.Not.Contain("id=\"next-page\""));
    }

    [Test]
    public async Task The_report_downloads_as_csv_and_its_failed_rows_as_a_file_to_fix()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
        await alice.WaitUntilFinishedAsync(importId);

        var csv = await alice.Http.GetAsync($"/imports/{importId}/report.csv");
        Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(csv.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(csv.Content.Headers.ContentDisposition!.FileName, Is.EqualTo("team-report.csv"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("line,address,display_name,outcome,reason").And.EndWith(",invitation_id,invitation_state,invitation_expires_at"));
        Assert.That(lines, Has.Length.EqualTo(8));
        Assert.That(lines.Count(l => l.Contains(",Pending,", StringComparison.Ordinal)), Is.EqualTo(3), "each invited entry's invitation, pending");

        var failed = await alice.Http.GetAsync($"/imports/{importId}/failed-rows");
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var rows = (await failed.Content.ReadAsStringAsync()).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.That(rows, Is.EqualTo(new[] { "not-an-address", "two@@example.com" }));
    }

    [Test]
    public async Task History_lists_imports_newest_first_and_selects_by_date()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        static string Day(DateTime at) => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var before = DateTime.UtcNow;
        var first = await alice.UploadOkAsync("first.txt", "a1@example.com\n");
        await alice.WaitUntilFinishedAsync(first);
        var after = DateTime.UtcNow;
        var second = await alice.UploadOkAsync("second.txt", "a2@example.com\n");
        await alice.WaitUntilFinishedAsync(second);

        var page = await alice.GetPageAsync("/History");
        Assert.That(page, Does.Contain("History of Bulk User Invite"));
        Assert.That(page.IndexOf("second.txt", StringComparison.Ordinal), Is.LessThan(page.IndexOf("first.txt", StringComparison.Ordinal)));
        Assert.That(page, Does.Contain($"href=\"/Report/{first}\">Results</a>").And.Contain($"href=\"/Report/{second}\">Results</a>"));
        Assert.That(page, Does.Contain("Alice Admin"));

        // The day of the first import, also when it was made across midnight.
        Assert.That(await alice.GetPageAsync($"/History?from={Day(before)}&to={Day(after)}"), Does.Contain("first.txt"));
        var later = await alice.GetPageAsync($"/History?from={Day(DateTime.UtcNow.AddDays(1))}");
        Assert.That(later, Does.Not.Contain("first.txt").And.Contain("0 imports"));
    }

    [Test]
    public async Task A_preview_classifies_and_sends_nothing()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed, preview: true);
        var status = await alice.WaitUntilFinishedAsync(importId);

        Assert.That(status.GetProperty("isPreview").GetBoolean(), Is.True);
        Assert.That(status.GetProperty("counts").GetProperty("pending").GetInt64(), Is.EqualTo(3));
        Assert.That(status.GetProperty("counts").GetProperty("invited").GetInt64(), Is.Zero);
        Assert.That(_factory.PickupFiles("contoso"), Is.Empty);
    }

    [Test]
    public async Task One_account_never_sees_the_imports_of_the_other()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        using var bob = await SampleClient.SignInAsync(_factory, "bob");
        var importId = await alice.UploadOkAsync("contoso-only.txt", SampleFiles.Mixed);
        await alice.WaitUntilFinishedAsync(importId);

        await bob.GetPageAsync($"/Report/{importId}", HttpStatusCode.NotFound);
        Assert.That((await bob.Http.GetAsync($"/imports/{importId}/status")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await bob.Http.GetAsync($"/imports/{importId}/report.csv")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await bob.Http.GetAsync($"/imports/{importId}/failed-rows")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await bob.GetPageAsync("/History"), Does.Not.Contain("contoso-only.txt"));
        await bob.GetPageAsync($"/?import={importId}", HttpStatusCode.NotFound);

        Assert.That(await alice.GetPageAsync("/History"), Does.Contain("contoso-only.txt"));
        Assert.That(_factory.PickupFiles("fabrikam"), Is.Empty);
    }

    [Test]
    public async Task A_file_over_the_limit_is_refused_on_the_page_and_nothing_is_queued()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var content = Encoding.UTF8.GetBytes(SampleFiles.Numbered(4000));
        Assert.That(content, Has.Length.GreaterThan(SmallLimit));

        var response = await alice.UploadAsync("big.txt", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("The file is larger than the limit of 64 KB"));
        Assert.That(await alice.GetPageAsync("/History?previews=true"), Does.Contain("0 imports"));
        Assert.That((await _factory.Services.GetRequiredService<IImportWorkStore>().CountUnfinishedAsync()).IsIdle, Is.True, "nothing of it is kept");
    }

    [Test]
    public async Task A_request_far_over_the_limit_is_refused_before_it_is_read()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var response = await alice.UploadAsync("huge.txt", new byte[(SmallLimit * 3) + 1]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("The file is larger than the limit"));
    }

    [Test]
    public async Task An_unreadable_file_ends_with_a_clear_message()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }
            .Concat(Enumerable.Repeat((byte)0, 200)).ToArray();

        var importId = SampleClient.ImportIdOf(await alice.UploadAsync("people.xlsx", zip));
        var status = await alice.WaitUntilFinishedAsync(importId);

        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Failed"));
        Assert.That(status.GetProperty("error").GetString(), Does.Contain("text").IgnoreCase);
        Assert.That(status.GetProperty("errorCode").GetString(), Is.EqualTo(nameof(ImportErrorCode.InvalidFileFormat)), "the SDK's typed code, by name");
        Assert.That(status.GetProperty("hasReport").GetBoolean(), Is.True, "the failed import is in the history");
        var page = await alice.GetPageAsync($"/?import={importId}");
        Assert.That(page, Does.Contain("id=\"status-error\""));
        Assert.That(_factory.PickupFiles("contoso"), Is.Empty);
    }

    [Test]
    public async Task An_empty_or_missing_file_gets_a_message()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var empty = await alice.UploadAsync("empty.txt", []);

        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await empty.Content.ReadAsStringAsync(), Does.Contain("is empty"));
    }

    [Test]
    public async Task An_upload_without_the_antiforgery_token_is_refused()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var response = await alice.UploadAsync("team.txt", Encoding.UTF8.GetBytes(SampleFiles.Mixed), withToken: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("The form has expired"));
        Assert.That(_factory.PickupFiles("contoso"), Is.Empty);
    }

    [Test]
    public async Task A_sign_in_form_without_the_antiforgery_token_is_refused()
    {
        using var client = SampleClient.Anonymous(_factory);

        var response = await client.Http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Sign_out_ends_the_session()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var response = await alice.PostFormAsync("/Logout", [], formPage: "/History");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await alice.Http.GetAsync("/History")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task Outcomes_read_as_words_and_invited_rows_have_no_reason()
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
        await alice.WaitUntilFinishedAsync(importId);

        var status = await alice.GetPageAsync($"/?import={importId}");
        Assert.That(status, Does.Contain("<th>Already a user</th>").And.Contain("<th>Invited</th>").And.Contain("<th>Invalid address</th>"));
        Assert.That(status, Does.Not.Contain(">ExistingUser<").And.Not.Contain(">AlreadyInvited<"));

        var report = await alice.GetPageAsync($"/Report/{importId}");
        var rows = PageTables.ReportRows(report);
        Assert.That(rows, Has.Count.EqualTo(7));
        var invited = rows.Where(r => r.Outcome == "Invited").ToArray();
        Assert.That(invited, Has.Length.EqualTo(3));
        Assert.That(invited.Select(r => r.Cells["outcome"]), Is.All.EqualTo("Invited"));
        Assert.That(invited.Select(r => r.Cells["reason"]), Is.All.Empty, "the sender's detail is not a reason");
        Assert.That(rows.Single(r => r.Outcome == "ExistingUser").Cells["outcome"], Is.EqualTo("Already a user"));
        Assert.That(rows.Single(r => r.Outcome == "Duplicate").Cells["reason"], Is.EqualTo("Same address as line 1"));
        Assert.That(rows.Single(r => r.Outcome == "Duplicate").Cells["detail"], Is.Empty, "no second wording of the reason");
        Assert.That(rows.Where(r => r.Outcome == "Invalid").Select(r => r.Cells["outcome"]), Is.All.EqualTo("Invalid address"));
        Assert.That(rows.Select(r => r.Cells["reason"]), Has.None.Contain(".eml"));
        Assert.That(report, Does.Contain("<option value=\"ExistingUser\">Already a user</option>"));
        Assert.That(report, Does.Contain("<p id=\"entry-count\">7 entries</p>"));

        var existing = await alice.GetPageAsync($"/Report/{importId}?outcome=ExistingUser");
        Assert.That(existing, Does.Contain("<p id=\"entry-count\">1 entry: Already a user</p>"));
        Assert.That(existing, Does.Contain("<option value=\"ExistingUser\" selected=\"selected\">Already a user</option>"));

        var history = await alice.GetPageAsync("/History");
        Assert.That(history, Does.Contain("<p id=\"import-count\">1 import</p>"));
        Assert.That(history, Does.Contain("<th>Already a user</th>"));
        var none = await alice.GetPageAsync("/History?from=2000-01-01&to=2000-01-02");
        Assert.That(none, Does.Contain("<p id=\"import-count\">0 imports</p>"));
    }

    [TestCase("to=9999-12-31", true)]
    [TestCase("from=0001-01-01", true)]
    [TestCase("from=0001-01-01&to=9999-12-31", true)]
    [TestCase("to=0001-01-01", false)]
    [TestCase("from=9999-12-31", false)]
    [TestCase("from=9999-12-31&to=0001-01-01", false)]
    public async Task History_takes_any_date_the_date_field_allows(string query, bool listsTheImport)
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("dated.txt", "a1@example.com\n");
        await alice.WaitUntilFinishedAsync(importId);

        var page = await alice.GetPageAsync("/History?" + query);

        Assert.That(page, Does.Contain("History of Bulk User Invite"));
        Assert.That(page.Contains("dated.txt", StringComparison.Ordinal), Is.EqualTo(listsTheImport));
    }

    [TestCase("from=garbage", "garbage")]
    [TestCase("to=2024-13-45", "2024-13-45")]
    [TestCase("to=10000-01-01", "10000-01-01")]
    [TestCase("from=31.12.2024", "31.12.2024")]
    [TestCase("from=2024-01-01&to=2024-02-30", "2024-02-30")]
    public async Task History_answers_a_date_it_cannot_read_with_a_message(string query, string given)
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("dated.txt", "a1@example.com\n");
        await alice.WaitUntilFinishedAsync(importId);

        var page = await alice.GetPageAsync("/History?" + query);

        Assert.That(page, Does.Contain("History of Bulk User Invite"));
        Assert.That(page, Does.Contain("id=\"date-error\""));
        Assert.That(WebUtility.HtmlDecode(page), Does.Contain($"\u201C{given}\u201D is not a date"));
    }

    [TestCase("offset=2147483647")]
    [TestCase("offset=-5")]
    [TestCase("offset=99999999999999")]
    public async Task History_takes_any_page_offset(string query)
    {
        using var alice = await SampleClient.SignInAsync(_factory, "alice");

        var page = await alice.GetPageAsync("/History?" + query);

        Assert.That(page, Does.Contain("History of Bulk User Invite"));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
