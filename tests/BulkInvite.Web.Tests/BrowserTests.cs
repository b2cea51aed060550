using System.Text;
using Microsoft.Playwright;

namespace BulkInvite.Web.Tests;

/// <summary>
/// The pages in Debian's Chromium, headless, driven by Playwright against the sample on Kestrel (127.0.0.1, a free
/// port). A screenshot of each page is attached to the test results. Without /usr/bin/chromium these tests fail.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrowserTests
{
    private const long Limit = 256 * 1024;

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

        _factory = new SampleFactory(maxFileBytes: Limit, kestrel: true);
        _factory.StartServer();
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
    }

    [SetUp]
    public void ListenAfresh() => _console = [];

    [TearDown]
    public void NoContentSecurityPolicyViolation()
        => Assert.That(_console, Has.None.Contain("Content Security Policy"), "the pages work under their content security policy");

    [Test]
    public async Task Upload_status_details_history_and_results()
    {
        var page = await SignedInPageAsync("alice");
        var file = WriteFile("contoso-team.txt", SampleFiles.Mixed);

        await page.GotoAsync(_baseUrl + "/");
        await page.SetInputFilesAsync("#file", file);
        Assert.That(await page.TextContentAsync("#file-name"), Is.EqualTo("contoso-team.txt"));
        await page.ClickAsync("#send");

        await page.WaitForURLAsync("**/?import=*");
        await page.WaitForSelectorAsync("#import-status[data-finished='true']", new() { Timeout = 60_000 });
        Assert.That(await page.TextContentAsync("#status-text"), Is.EqualTo("Completed"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='Invited']"), Is.EqualTo("3"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='Invalid']"), Is.EqualTo("2"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='Duplicate']"), Is.EqualTo("1"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='ExistingUser']"), Is.EqualTo("1"));
        Assert.That(await page.TextContentAsync("#import-status thead"), Does.Contain("Already a user").And.Contain("Invalid address").And.Not.Contain("ExistingUser"));
        Assert.That(await page.IsVisibleAsync("#view-details"), Is.True);
        await ScreenshotAsync(page, "1-bulk-invite-status");

        await page.ClickAsync("#view-details");
        await page.WaitForSelectorAsync("#entries");
        Assert.That(await page.Locator("#entries tbody tr").CountAsync(), Is.EqualTo(7));
        Assert.That(await page.TextContentAsync("#entries"), Does.Contain("not-an-address").And.Contain("No @ in the address"));
        Assert.That(await page.TextContentAsync("#entries tr[data-outcome='ExistingUser'] td.outcome"), Is.EqualTo("Already a user"));
        Assert.That(await page.TextContentAsync("#entries tr[data-outcome='Duplicate'] td.reason"), Is.EqualTo("Same address as line 1"));
        var invitedReasons = await page.Locator("#entries tr[data-outcome='Invited'] td.reason").AllTextContentsAsync();
        Assert.That(invitedReasons, Has.Count.EqualTo(3).And.All.Empty, "the sender's detail is not a reason");
        Assert.That(await page.TextContentAsync("#entry-count"), Is.EqualTo("7 entries"));
        Assert.That(await page.Locator("#entries tr[data-invitation-state='Pending']").CountAsync(), Is.EqualTo(3), "each invited entry's invitation, pending");
        Assert.That(await page.TextContentAsync("#invitation-counts td[data-state='Pending']"), Is.EqualTo("3"));
        await ScreenshotAsync(page, "2-report");

        await page.SelectOptionAsync("#outcome", "Invalid");
        await page.ClickAsync("#apply-filter");
        await page.WaitForURLAsync("**outcome=Invalid*");
        Assert.That(await page.Locator("#entries tbody tr").CountAsync(), Is.EqualTo(2));
        Assert.That(await page.TextContentAsync("#entry-count"), Is.EqualTo("2 entries: Invalid address"));
        await ScreenshotAsync(page, "3-report-invalid-only");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-csv"));
        Assert.That(download.SuggestedFilename, Is.EqualTo("contoso-team-report.csv"));
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.That(csv, Does.StartWith("line,address,"));

        await page.ClickAsync("#history-link");
        await page.WaitForSelectorAsync("#history");
        Assert.That(await page.TextContentAsync("#history"), Does.Contain("contoso-team.txt").And.Contain("Alice Admin").And.Contain("Already a user"));
        Assert.That(await page.TextContentAsync("#import-count"), Does.Match("^(1 import|[02-9]\\d* imports|1\\d+ imports)$"));
        await ScreenshotAsync(page, "4-history");

        await page.ClickAsync("#history tr:has-text('contoso-team.txt') a.results");
        await page.WaitForSelectorAsync("#entries");
        Assert.That(await page.TextContentAsync("#report-file"), Is.EqualTo("contoso-team.txt"));
        await ScreenshotAsync(page, "5-results-from-history");
        Assert.That(_factory.PickupFiles("contoso"), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task Preview_shows_what_would_be_sent_and_sends_nothing()
    {
        var page = await SignedInPageAsync("bob");
        var file = WriteFile("fabrikam-preview.txt", "new1@example.com\nbob@fabrikam.example\nbroken\n");

        await page.GotoAsync(_baseUrl + "/");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("#preview");
        await page.WaitForSelectorAsync("#import-status[data-finished='true']", new() { Timeout = 60_000 });

        Assert.That(await page.TextContentAsync("#import-status h2"), Does.Contain("(preview)"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='Pending']"), Is.EqualTo("1"));
        Assert.That(await page.TextContentAsync("#import-status thead"), Does.Contain("Not sent yet").And.Not.Contain("Pending"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='ExistingUser']"), Is.EqualTo("1"));
        Assert.That(await page.TextContentAsync("#import-status td[data-outcome='Invalid']"), Is.EqualTo("1"));
        await ScreenshotAsync(page, "6-preview");
        Assert.That(_factory.PickupFiles("fabrikam"), Is.Empty);
    }

    [Test]
    public async Task A_file_over_the_limit_gets_a_message_on_the_page()
    {
        var page = await SignedInPageAsync("alice");
        var file = WriteFile("too-big.txt", SampleFiles.Numbered(20_000, "big"));
        Assert.That(new FileInfo(file).Length, Is.GreaterThan(Limit));

        await page.GotoAsync(_baseUrl + "/");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("#send");

        await page.WaitForSelectorAsync("#upload-error");
        Assert.That(await page.TextContentAsync("#upload-error"), Does.Contain("larger than the limit of 256 KB"));
        await ScreenshotAsync(page, "7-too-large");
    }

    [Test]
    public async Task Another_account_cannot_open_a_guessed_report_address()
    {
        var alice = await SignedInPageAsync("alice");
        await alice.GotoAsync(_baseUrl + "/");
        await alice.SetInputFilesAsync("#file", WriteFile("private.txt", "secret-person@example.com\n"));
        await alice.ClickAsync("#preview");
        await alice.WaitForURLAsync("**/?import=*");
        var importId = new Uri(alice.Url).Query.Split('=')[1];

        var bob = await SignedInPageAsync("bob");
        var response = await bob.GotoAsync($"{_baseUrl}/Report/{importId}");

        Assert.That(response!.Status, Is.EqualTo(404));
        Assert.That(await bob.ContentAsync(), Does.Not.Contain("secret-person"));
        await ScreenshotAsync(bob, "8-other-tenant-refused");
    }

    [Test]
    public async Task The_pages_run_under_a_content_security_policy_that_blocks_injected_script()
    {
        var page = await SignedInPageAsync("alice");
        foreach (var path in new[] { "/", "/History", "/History?from=garbage", "/Error?code=404" })
        {
            await page.GotoAsync(_baseUrl + path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        Assert.That(_console, Has.None.Contain("Content Security Policy"));
        var blocked = Assert.ThrowsAsync<PlaywrightException>(() => page.AddScriptTagAsync(new() { Content = "window.injected = true;" }));

        Assert.That(blocked!.Message, Does.Contain("Content Security Policy"));
        Assert.That(await page.EvaluateAsync<bool>("() => window.injected === true"), Is.False, "an inline script does not run");
        for (var i = 0; i < 50 && !_console.Any(m => m.Contains("Content Security Policy", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
        }

        Assert.That(_console, Has.Some.Contain("Content Security Policy"), "the browser reports what it blocked");
        _console.Clear();
    }

    private async Task<IPage> SignedInPageAsync(string user)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new() { Width = 1200, Height = 800 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            lock (_console)
            {
                _console.Add(message.Text);
            }
        };
        await page.GotoAsync(_baseUrl + "/");
        await page.WaitForURLAsync("**/Login*");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", user);
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#upload-form");
        Assert.That(await page.TextContentAsync("#signed-in-as"), Does.Contain(user == "alice" ? "contoso" : "fabrikam"));
        return page;
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_files, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
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
