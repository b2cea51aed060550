using System.Text;

namespace BulkInvite.Web.Tests;

/// <summary>A million-line upload: the page answers at once and shows progress while the import runs in the background.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class LargeUploadTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task A_million_line_file_is_accepted_at_once_and_classified_in_the_background()
    {
        await using var factory = new SampleFactory(maxFileBytes: 64L * 1024 * 1024);
        using var alice = await SampleClient.SignInAsync(factory, "alice");
        var content = Encoding.UTF8.GetBytes(SampleFiles.Numbered(1_000_000, "m"));

        var response = await alice.UploadAsync("million.txt", content, preview: true);
        var importId = SampleClient.ImportIdOf(response);
        var first = await alice.StatusAsync(importId);

        Assert.That(first.GetProperty("finished").GetBoolean(), Is.False, "the upload returns before the import has run");
        var seenRunning = false;
        System.Text.Json.JsonElement status;
        do
        {
            await Task.Delay(100);
            status = await alice.StatusAsync(importId);
            seenRunning |= status.GetProperty("status").GetString() == "Running" && status.GetProperty("entriesRead").GetInt64() > 0;
        }
        while (!status.GetProperty("finished").GetBoolean());

        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Completed"));
        var counts = status.GetProperty("counts");
        Assert.That(counts.GetProperty("pending").GetInt64(), Is.EqualTo(900_000));
        Assert.That(counts.GetProperty("invalid").GetInt64(), Is.EqualTo(100_000));
        Assert.That(seenRunning, Is.True, "the page saw the import's progress while it ran");
        var last = await alice.GetPageAsync($"/Report/{importId}?after=999990");
        Assert.That(last, Does.Contain("m1000000.example.com"));
    }
}
