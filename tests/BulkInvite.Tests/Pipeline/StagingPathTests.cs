using System.Text;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

/// <summary>
/// Staging takes UTF-8 text through the byte scanner (plain ASCII entries become strings without being decoded) and
/// everything else through the parsers. The same text must give the same entries either way: here as UTF-8, and as
/// UTF-16, which only the parsers read.
/// </summary>
[TestFixture]
public sealed class StagingPathTests
{
    private static readonly string[] Entries =
    [
        "ann@example.com", "ANN@example.com", "ben@example.org", "member@example.com", "pending@example.com", "josé@example.com",
        "user@bücher.example", "a..b@example.com", "no-at-sign", "x@y", "\"Doe, Jane\" <jane@example.com>", "Jane <jane@example.com>",
        "<bob@example.org>", "bob@example.org (Bob)", " spaced@example.com ", "\u00A0nbsp@example.com\u00A0", "tab\t@example.com", "",
        "\"quoted\"@example.com", "\"unterminated@example.com", "a<b@example.com", "user@[192.0.2.1]", "o'neil_{x}@example.com",
        "caf\u00E9\u0301@example.com", new string('l', 70) + "@example.com", new string('m', 290) + "@example.com", "   ", "\u3000wide@example.com",
    ];

    private static readonly string[] Separators = ["\n", "\r\n", ",", ", ", ";", "\t", "\r", "\n\n", " ,\r\n"];

    [Test]
    public async Task Utf8_and_utf16_uploads_of_the_same_text_stage_the_same_entries([Values(1, 7, 10_000)] int batchSize)
    {
        var random = new Random(batchSize);
        for (var i = 0; i < 40; i++)
        {
            var text = RandomText(random, random.Next(0, 80));
            var utf8 = await StageAsync(Encoding.UTF8.GetBytes(text), batchSize);
            var utf16 = await StageAsync([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)], batchSize);
            Assert.That(utf8, Is.EqualTo(utf16).UsingPropertiesComparer(), () => "text: " + text.ReplaceLineEndings("\\n"));
        }
    }

    [Test]
    public async Task A_large_utf8_upload_stages_every_entry_in_order()
    {
        var builder = new StringBuilder();
        for (var i = 1; i <= 50_000; i++)
        {
            builder.Append("user").Append(i % 40_000).Append("@example.com").Append(i % 3 == 0 ? "\r\n" : "\n");
        }

        var entries = await StageAsync(Encoding.UTF8.GetBytes(builder.ToString()), 1000);
        Assert.That(entries, Has.Count.EqualTo(50_000));
        Assert.That(entries.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 50_000).Select(i => (long)i)));
        Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Duplicate), Is.EqualTo(10_000));
        Assert.That(entries[40_000].DuplicateOfLine, Is.EqualTo(1));
    }

    private static async Task<List<InviteEntryResult>> StageAsync(byte[] file, int batchSize)
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.StagingBatchSize = batchSize;
            o.Parsing.MaxEntryLength = 300;
        });
        harness.Directory.Members.Add("member@example.com");
        harness.Directory.PendingInvitations.Add("pending@example.com");
        var report = await harness.Service.ImportAsync(new BulkInviteRequest
        {
            Content = new MemoryStream(file), FileName = "invitees.txt", TenantId = PipelineHarness.Tenant, InitiatedBy = "admin", AllowRepeatUpload = true,
            Mode = ImportMode.Preview,
        });
        return [.. await harness.EntriesAsync(report)];
    }

    private static string RandomText(Random random, int entries)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < entries; i++)
        {
            builder.Append(Entries[random.Next(Entries.Length)]).Append(Separators[random.Next(Separators.Length)]);
        }

        return builder.ToString();
    }
}
