using System.Text;
using Microsoft.Extensions.DependencyInjection;
using BulkInvite.Tests.Parsing;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

/// <summary>
/// <see cref="ImportMode.CountOnly"/> against <see cref="ImportMode.Preview"/>: the same
/// counts on random files (the fast byte path and the parsers' path), nothing stored, and no allocation per entry.
/// </summary>
[TestFixture]
public sealed class SummaryTests
{
    private static readonly string[] Addresses =
    [
        "ann@example.com", "ANN@example.com", "Ann@Example.com", "ben@example.org", "carol@example.net", "member@example.com",
        "pending@example.com", "Member@EXAMPLE.com", "josé@example.com", "user@bücher.example", "a..b@example.com", "no-at-sign",
        "x@y", "\"Doe, Jane\" <jane@example.com>", "Jane <jane@example.com>", "<bob@example.org>", "bob@example.org (Bob)",
        " spaced@example.com ", "\u00A0nbsp@example.com\u00A0", "\uFEFFbom@example.com", "tab\t@example.com", "",
        "\"quoted\"@example.com", "user@[192.0.2.1]", "user@example.123", "dave@-bad.com", new string('l', 70) + "@example.com",

        // The same addresses on the plain path and on the others, short (one vector) and long, in other cases.
        "jane@EXAMPLE.com", "Bob@example.ORG", "a@b.c", "A@b.C", "Long.Address.Name.Here@Example.Com", "long.address.name.here@example.com",
        "<Long.Address.Name.Here@example.com>", "exactly.thirty.two@example.co.uk", "EXACTLY.thirty.two@example.CO.uk",
    ];

    private static readonly string[] Separators = ["\n", "\r\n", ",", ", ", ";", "\t", "\r", "\n\n"];

    [Test]
    public async Task Random_files_give_the_counts_of_a_preview([Values] bool withDirectory, [Values] DuplicateComparison comparison)
    {
        var random = new Random(withDirectory ? 11 : 12);
        for (var i = 0; i < 60; i++)
        {
            var text = RandomFile(random, random.Next(0, 60));
            await AssertSameCountsAsync(Encoding.UTF8.GetBytes(text), "invitees.txt", withDirectory, o => o.DuplicateComparison = comparison);
        }
    }

    [Test]
    public async Task Files_with_invalid_utf8_and_long_entries_give_the_counts_of_a_preview()
    {
        var random = new Random(3);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new List<byte>(Encoding.UTF8.GetBytes(RandomFile(random, 20)));
            bytes.InsertRange(random.Next(bytes.Count), new byte[] { 0xE2, 0x82 });
            bytes.AddRange(Encoding.UTF8.GetBytes("\n" + new string('z', random.Next(10, 3000)) + "@example.com\n"));
            await AssertSameCountsAsync([.. bytes], "invitees.txt", withDirectory: true, o => o.Parsing.MaxEntryLength = 300);
        }
    }

    [Test]
    public async Task A_host_parser_and_validator_get_the_counts_of_the_built_in_ones_through_the_contracts([Values] bool summary)
    {
        // The host's parser gives only InviteEntry values (the default ParseIntoAsync), and its validator only reads
        // text (the default UTF-8 overload decodes): the same classification, the same counts.
        var text = RandomFile(new Random(5), 300);
        await using var builtIn = new PipelineHarness();
        await using var hosted = new PipelineHarness(build: b =>
        {
            b.Services.AddSingleton<IEmailValidator>(new TextOnlyValidator());
            b.AddParser<EntriesOnlyParser>();
        });
        builtIn.Directory.Members.Add("member@example.com");
        hosted.Directory.Members.Add("member@example.com");

        async Task<(OutcomeCounts Counts, string? Parser)> RunAsync(PipelineHarness harness, string fileName)
        {
            var request = PipelineHarness.Request(text, fileName);
            var report = await harness.Service.ImportAsync(summary ? request.AsCountOnly() : request.AsPreview());
            return (report.Counts, report.ParserName);
        }

        var expected = await RunAsync(builtIn, "invitees.txt");
        var actual = await RunAsync(hosted, "invitees.hosted");

        Assert.That(actual.Parser, Is.EqualTo(EntriesOnlyParser.ParserName));
        Assert.That(actual.Counts, Is.EqualTo(expected.Counts));
        Assert.That(expected.Counts.Invalid + expected.Counts.Duplicate, Is.GreaterThan(0), "the file has entries of every kind");
    }

    [TestCase("invitees.csv", "email,name\nann@example.com,Ann\nANN@example.com,Ann again\nbroken,X\n\"Doe, J\" <j@example.com>,J\n")]
    [TestCase("invitees.txt", "\uFEFFann@example.com\r\nann@EXAMPLE.com\r\nmember@example.com\r\n")]
    public async Task Csv_and_utf16_files_give_the_counts_of_a_preview(string fileName, string text)
    {
        await AssertSameCountsAsync(Encoding.UTF8.GetBytes(text), fileName, withDirectory: true);
        await AssertSameCountsAsync(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text.TrimStart('\uFEFF'))).ToArray(), fileName, withDirectory: true);
    }

    [Test]
    public async Task Entries_over_the_limit_are_skipped_or_refused_as_in_a_preview()
    {
        var text = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"u{i}@example.com"));
        await AssertSameCountsAsync(Encoding.UTF8.GetBytes(text), "invitees.txt", withDirectory: false, o =>
        {
            o.MaxEntries = 10;
            o.OverLimitBehavior = OverLimitBehavior.SkipExcess;
        });

        await using var harness = new PipelineHarness(o => o.MaxEntries = 10, withDirectory: false);
        var error = Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request(text).AsCountOnly()));
        Assert.That(error!.LimitName, Is.EqualTo(nameof(BulkInviteOptions.MaxEntries)));
    }

    [Test]
    public async Task A_summary_stores_nothing_and_sends_nothing()
    {
        await using var harness = new PipelineHarness();

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("ann@example.com\nben@example.com\n").AsCountOnly());

        Assert.That(report.IsPreview, Is.True);
        Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
        Assert.That(report.Counts.Pending, Is.EqualTo(2));
        Assert.That(report.ParserName, Is.EqualTo("text"));
        Assert.That((await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery { IncludePreviews = true })).Items, Is.Empty);
        Assert.That(harness.Sender.Sent, Is.Empty);
    }

    [Test]
    public async Task The_user_directory_is_asked_about_each_new_address_once_in_batches()
    {
        await using var harness = new PipelineHarness(o => o.ExistenceCheckBatchSize = 7);
        harness.Directory.Members.Add("member@example.com");
        var text = string.Join('\n', Enumerable.Range(1, 50).Select(i => $"u{i}@example.com")) + "\nMEMBER@example.com\nu1@example.com\n";

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(text).AsCountOnly());

        Assert.That(report.Counts.ExistingUser, Is.EqualTo(1));
        Assert.That(report.Counts.Pending, Is.EqualTo(50));
        Assert.That(report.Counts.Duplicate, Is.EqualTo(1));
        var asked = harness.Directory.Queries.SelectMany(q => q.Addresses).ToList();
        Assert.That(asked, Has.Count.EqualTo(51));
        Assert.That(asked, Is.Unique);
        Assert.That(harness.Directory.Queries.Max(q => q.Addresses.Count), Is.LessThanOrEqualTo(7));
        Assert.That(asked, Does.Contain("member@example.com"), "addresses are asked for in normalized form");
    }

    [Test]
    public async Task A_file_over_the_size_limit_is_refused()
    {
        await using var harness = new PipelineHarness(o => o.MaxFileBytes = 10, withDirectory: false);

        Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(PipelineHarness.Request("ann@example.com\nben@example.com\n").AsCountOnly()));
        Assert.ThrowsAsync<InviteLimitExceededException>(() => harness.Service.ImportAsync(
            Request(new ChunkedReadStream(Encoding.UTF8.GetBytes("ann@example.com\nben@example.com\n"), 4), "x.txt").AsCountOnly()));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_cancelled_summary_stops_and_leaves_nothing_running([Values] bool withDirectory)
    {
        await using var harness = new PipelineHarness(withDirectory: withDirectory);
        var file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => $"u{i}@example.com\n")));
        using var cancel = new CancellationTokenSource();
        var stream = new CancellingStream(file, after: file.Length / 2, cancel);

        Assert.That(async () => await harness.Service.ImportAsync(Request(stream, "x.txt").AsCountOnly(), cancellationToken: cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        // The service is usable again at once: nothing was left running.
        var report = await harness.Service.ImportAsync(Request(new MemoryStream(Encoding.UTF8.GetBytes("a@example.com\n")), "y.txt").AsCountOnly());
        Assert.That(report.Counts.Pending, Is.EqualTo(1));
    }

    [Test]
    public async Task A_binary_file_is_refused_with_a_typed_error()
    {
        await using var harness = new PipelineHarness(withDirectory: false);
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04 }.Concat(new byte[300]).ToArray();

        Assert.ThrowsAsync<InviteFileFormatException>(() => harness.Service.ImportAsync(Request(new MemoryStream(zip), "x.xlsx").AsCountOnly()));
    }

    [Test]
    public async Task Invalid_and_duplicate_entries_allocate_nothing_each()
    {
        await using var harness = new PipelineHarness(withDirectory: false);
        var small = Encoding.UTF8.GetBytes(Repeat(2_000));
        var large = Encoding.UTF8.GetBytes(Repeat(40_000));

        // Not seekable: the table is not sized from the file's length, so both runs use the same table.
        long Allocated(byte[] file) => Allocations.Measure(
            () => harness.Service.ImportAsync(Request(new ChunkedReadStream(file, 1 << 16), "x.txt").AsCountOnly()).GetAwaiter().GetResult());

        var perEntry = (double)(Allocated(large) - Allocated(small)) / (38_000 * 3);
        Assert.That(perEntry, Is.LessThan(1.0), "bytes allocated per additional invalid or duplicate entry");

        static string Repeat(int times)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < times; i++)
            {
                builder.Append("same@example.com\nSAME@example.com\nnot-an-address\n");
            }

            return builder.ToString();
        }
    }

    private static BulkInviteRequest Request(Stream content, string fileName) => new()
    {
        Content = content,
        FileName = fileName,
        TenantId = PipelineHarness.Tenant,
        InitiatedBy = "admin",
    };

    private static async Task AssertSameCountsAsync(byte[] file, string fileName, bool withDirectory, Action<BulkInviteOptions>? configure = null)
    {
        await using var harness = new PipelineHarness(configure, withDirectory);
        harness.Directory.Members.Add("member@example.com");
        harness.Directory.PendingInvitations.Add("pending@example.com");

        BulkInviteRequest Request() => new() { Content = new MemoryStream(file), FileName = fileName, TenantId = PipelineHarness.Tenant, InitiatedBy = "admin", AllowRepeatUpload = true };

        var preview = await harness.Service.ImportAsync(Request().AsPreview());
        var summary = await harness.Service.ImportAsync(Request().AsCountOnly());

        Assert.That(summary.Counts, Is.EqualTo(preview.Counts), () => "file: " + Encoding.UTF8.GetString(file).Replace("\n", "\\n", StringComparison.Ordinal));
        Assert.That(summary.ParserName, Is.EqualTo(preview.ParserName));
    }

    private static string RandomFile(Random random, int entries)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < entries; i++)
        {
            builder.Append(Addresses[random.Next(Addresses.Length)]).Append(Separators[random.Next(Separators.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>Cancels the token once half the file has been read, as a user leaving the page would.</summary>
    private sealed class CancellingStream(byte[] bytes, int after, CancellationTokenSource cancel) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= after)
            {
                await cancel.CancelAsync();
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
        }
    }

    /// <summary>A host's validator that implements only the text overload.</summary>
    private sealed class TextOnlyValidator : IEmailValidator
    {
        public InvalidReason Validate(ReadOnlySpan<char> address) => EmailValidator.Default.Validate(address);
    }

    /// <summary>A host's parser that implements only <see cref="IInviteFileParser.ParseAsync"/>.</summary>
    private sealed class EntriesOnlyParser : IInviteFileParser
    {
        public const string ParserName = "hosted";

        private readonly TextInviteParser _inner = new();

        public string Name => ParserName;

        public int Score(InviteFileProbe probe) => probe.FileName.EndsWith(".hosted", StringComparison.Ordinal) ? 100 : 0;

        public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default) => _inner.ParseAsync(content, cancellationToken);
    }
}
