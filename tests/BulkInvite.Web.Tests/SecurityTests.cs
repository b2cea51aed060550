using System.Net;

namespace BulkInvite.Web.Tests;

/// <summary>What every response tells the browser to enforce, and what signing out does on the server.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class SecurityTests
{
    private SampleFactory _factory = null!;

    [SetUp]
    public void SetUp() => _factory = new SampleFactory(maxFileBytes: 64 * 1024);

    [TearDown]
    public async Task TearDown() => await _factory.DisposeAsync();

    [Test]
    public async Task Every_page_download_and_json_endpoint_carries_the_security_headers()
    {
        using var anonymous = SampleClient.Anonymous(_factory);
        using var alice = await SampleClient.SignInAsync(_factory, "alice");
        var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
        await alice.WaitUntilFinishedAsync(importId);

        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("sign-in page", await anonymous.Http.GetAsync("/Login")),
            ("redirect to sign-in", await anonymous.Http.GetAsync("/History")),
            ("wrong password", await anonymous.PostFormAsync("/Login", new() { ["username"] = "alice", ["password"] = "x" })),
            ("Bulk Invite", await alice.Http.GetAsync("/")),
            ("status box", await alice.Http.GetAsync($"/?import={importId}")),
            ("report", await alice.Http.GetAsync($"/Report/{importId}")),
            ("history", await alice.Http.GetAsync("/History")),
            ("error page", await alice.Http.GetAsync("/Error?code=404")),
            ("missing report", await alice.Http.GetAsync($"/Report/{Guid.NewGuid()}")),
            ("missing page", await alice.Http.GetAsync("/no-such-page")),
            ("refused upload", await alice.UploadAsync("empty.txt", [])),
            ("status JSON", await alice.Http.GetAsync($"/imports/{importId}/status")),
            ("report CSV", await alice.Http.GetAsync($"/imports/{importId}/report.csv")),
            ("failed rows", await alice.Http.GetAsync($"/imports/{importId}/failed-rows")),
            ("style sheet", await alice.Http.GetAsync("/site.css")),
            ("script", await alice.Http.GetAsync("/status.js")),
        };

        foreach (var (what, response) in responses)
        {
            var csp = Header(response, "Content-Security-Policy");
            Assert.That(csp, Is.Not.Null, what);
            Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("style-src 'self'"), what);
            Assert.That(csp, Does.Contain("frame-ancestors 'none'").And.Contain("form-action 'self'").And.Contain("base-uri 'none'"), what);
            Assert.That(csp, Does.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval"), what);
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"), what);
            Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"), what);
            Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("same-origin"), what);
        }
    }

    [Test]
    public async Task A_session_cookie_copied_before_sign_out_no_longer_works_after_it()
    {
        using var alice = SampleClient.Anonymous(_factory);
        var login = await alice.PostFormAsync("/Login", new() { ["username"] = "alice", ["password"] = "alice" });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bulkinvite.sample=", StringComparison.Ordinal)).Split(';')[0];
        using var copy = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        Assert.That((await GetWithCookieAsync(copy, "/History", session)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the copy works while signed in");
        var signOut = await alice.PostFormAsync("/Logout", [], formPage: "/History");
        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var page = await GetWithCookieAsync(copy, "/History", session);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Headers.Location!.OriginalString, Does.Contain("/Login"));
        var json = await GetWithCookieAsync(copy, $"/imports/{Guid.NewGuid()}/status", session);
        Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(json.Headers.Location!.OriginalString, Does.Contain("/Login"));
    }

    [Test]
    public async Task Signing_out_one_session_leaves_the_other_sessions_of_the_account_signed_in()
    {
        using var first = await SampleClient.SignInAsync(_factory, "alice");
        using var second = await SampleClient.SignInAsync(_factory, "alice");

        await first.PostFormAsync("/Logout", [], formPage: "/History");

        Assert.That((await first.Http.GetAsync("/History")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        await second.GetPageAsync("/History");
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
