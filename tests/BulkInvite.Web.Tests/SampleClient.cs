using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace BulkInvite.Web.Tests;

/// <summary>A signed-in browser session against the sample, over HTTP: forms with their antiforgery tokens, cookies.</summary>
internal sealed partial class SampleClient : IDisposable
{
    private SampleClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public static SampleClient Anonymous(SampleFactory factory)
    {
        if (!factory.OnKestrel)
        {
            return new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        }

        // Over a real connection: the server's address is known once it has started.
        factory.StartServer();
        var handler = new CookieContainerHandler { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } };
        return new(new HttpClient(handler) { BaseAddress = factory.ClientOptions.BaseAddress });
    }

    public static async Task<SampleClient> SignInAsync(SampleFactory factory, string user)
    {
        var client = Anonymous(factory);
        var response = await client.PostFormAsync("/Login", new() { ["username"] = user, ["password"] = user });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        return client;
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string? formPage = null)
    {
        fields["__RequestVerificationToken"] = await TokenAsync(formPage ?? path);
        return await Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Uploads a file with the Bulk Invite form; returns the response (a redirect to the status on success).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string fileName, byte[] content, bool preview = false, bool withToken = true)
    {
        using var form = new MultipartFormDataContent();
        if (withToken)
        {
            form.Add(new StringContent(await TokenAsync("/")), "__RequestVerificationToken");
        }

        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", fileName);
        return await Http.PostAsync(preview ? "/?handler=Preview" : "/?handler=Send", form);
    }

    /// <summary>Posts a request body of its own to the Bulk Invite form (for forms no browser would send).</summary>
    public Task<HttpResponseMessage> PostToFormAsync(HttpContent content) => Http.PostAsync("/?handler=Send", content);

    public async Task<Guid> UploadOkAsync(string fileName, string content, bool preview = false)
    {
        var response = await UploadAsync(fileName, Encoding.UTF8.GetBytes(content), preview);
        return ImportIdOf(response);
    }

    public static Guid ImportIdOf(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var location = response.Headers.Location!.OriginalString;
        var match = ImportInLocation().Match(location);
        Assert.That(match.Success, Is.True, location);
        return Guid.Parse(match.Groups[1].Value);
    }

    public async Task<JsonElement> StatusAsync(Guid importId)
    {
        var response = await Http.GetAsync($"/imports/{importId}/status");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>Polls the status endpoint, as the page does, until the import has ended.</summary>
    public async Task<JsonElement> WaitUntilFinishedAsync(Guid importId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await StatusAsync(importId);
            if (status.GetProperty("finished").GetBoolean())
            {
                return status;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        return body;
    }

    public void Dispose() => Http.Dispose();

    /// <summary>The antiforgery token of the form on the page at <paramref name="path"/>.</summary>
    public async Task<string> TokenAsync(string path = "/")
    {
        var page = await Http.GetStringAsync(path);
        var match = TokenInput().Match(page);
        Assert.That(match.Success, Is.True, "the page has an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("import=([0-9a-fA-F-]{36})")]
    private static partial Regex ImportInLocation();
}
