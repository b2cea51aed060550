using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace BulkInvite.Web.Tests;

/// <summary>
/// Uploads the form cannot take: each gets its own message and status code, and "the form has expired" only when the
/// antiforgery token really is missing or wrong. The sample's own limit applies (64 MB files).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class UploadErrorTests
{
    private const long Limit = 64L * 1024 * 1024;
    private const string Expired = "The form has expired";

    [Test]
    [CancelAfter(180_000)]
    public async Task A_chunked_upload_of_140_MB_is_refused_as_too_large_and_names_the_limit()
    {
        // On Kestrel, so that the body really goes over a connection in chunks, with no Content-Length.
        await using var factory = new SampleFactory(maxFileBytes: Limit, kestrel: true);
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        using var content = GeneratedUpload.Create(await alice.TokenAsync(), 140L * 1024 * 1024, out var body);

        var response = await alice.PostToFormAsync(content);
        var page = await response.Content.ReadAsStringAsync();

        Assert.That(content.Headers.ContentLength, Is.Null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), page);
        Assert.That(page, Does.Contain("The file is larger than the limit of 64 MB"));
        Assert.That(page, Does.Not.Contain(Expired));
        Assert.That(body.BytesRead, Is.GreaterThan(140L * 1024 * 1024), "the whole body went out: the connection was not cut");
        Assert.That(await alice.GetPageAsync("/History?previews=true"), Does.Contain("0 imports"));
    }

    [Test]
    public async Task A_multipart_part_header_of_a_megabyte_is_refused_as_an_unreadable_form()
    {
        await using var factory = new SampleFactory(maxFileBytes: Limit);
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        var padding = new string('a', 1024 * 1024);
        using var content = Multipart(
            await alice.TokenAsync(),
            $"Content-Disposition: form-data; name=\"file\"; filename=\"team.txt\"\r\nContent-Type: text/plain\r\nX-Padding: {padding}\r\n\r\nann@example.com\n");

        var response = await alice.PostToFormAsync(content);
        var page = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), page);
        Assert.That(page, Does.Contain("The form could not be read"));
        Assert.That(page, Does.Not.Contain(Expired));
    }

    [Test]
    public async Task A_form_with_300_file_parts_is_refused_as_having_too_many_parts()
    {
        await using var factory = new SampleFactory(maxFileBytes: Limit);
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        var parts = Enumerable.Range(1, 300)
            .Select(i => $"Content-Disposition: form-data; name=\"file\"; filename=\"team{i}.txt\"\r\nContent-Type: text/plain\r\n\r\nuser{i}@example.com\n")
            .ToArray();
        using var content = Multipart(await alice.TokenAsync(), parts);

        var response = await alice.PostToFormAsync(content);
        var page = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), page);
        Assert.That(page, Does.Contain("The form could not be read").And.Contain("too many parts").And.Contain("limit 64"));
        Assert.That(page, Does.Not.Contain(Expired));
        Assert.That(factory.PickupFiles("contoso"), Is.Empty);
    }

    [Test]
    public async Task A_readable_form_with_a_wrong_token_is_still_reported_as_expired()
    {
        await using var factory = new SampleFactory(maxFileBytes: Limit);
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        using var content = Multipart(
            "not-the-token",
            "Content-Disposition: form-data; name=\"file\"; filename=\"team.txt\"\r\nContent-Type: text/plain\r\n\r\nann@example.com\n");

        var response = await alice.PostToFormAsync(content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("The form has expired. Reload the page"));
        Assert.That(factory.PickupFiles("contoso"), Is.Empty);
    }

    /// <summary>A multipart form written by hand: the token, then each part as given (its headers, a blank line, its content).</summary>
    private static ByteArrayContent Multipart(string token, params string[] parts)
    {
        const string boundary = "----hand-written-form";
        var body = new StringBuilder()
            .Append($"--{boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{token}\r\n");
        foreach (var part in parts)
        {
            body.Append($"--{boundary}\r\n").Append(part).Append("\r\n");
        }

        body.Append($"--{boundary}--\r\n");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString()));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }
}
