using System.Text;
using BulkInvite.Parsing;
using static BulkInvite.Tests.Parsing.ParserTestHelper;

namespace BulkInvite.Tests.Parsing;

[TestFixture]
public sealed class InviteParserSelectorTests
{
    private readonly InviteParserSelector _selector = new([new TextInviteParser(), new CsvInviteParser()]);

    [TestCase("people.csv", "Name,Email\nAnn,a@x.com", "csv")]
    [TestCase("people.tsv", "Name\tEmail\nAnn\ta@x.com", "csv")]
    [TestCase("people.txt", "a@x.com\nb@x.com", "text")]
    [TestCase("people", "a@x.com\nb@x.com", "text")]
    [TestCase("people.dat", "Name,Email\nAnn,a@x.com", "csv")]
    [TestCase("people.dat", "a@x.com, b@x.com", "text")]
    [TestCase("", "a@x.com", "text")]
    [TestCase("export.txt", "Email,First Name\nann@x.com,Ann", "csv")]
    [TestCase("list.txt", "\"Doe, Jane\" <jane@x.com>, bob@x.com", "text")]
    public async Task The_parser_is_chosen_by_extension_and_content(string fileName, string text, string expected)
    {
        using var stream = new MemoryStream(Utf8(text));

        var selection = await _selector.SelectAsync(stream, fileName, null, CancellationToken.None);

        Assert.That(selection.Parser.Name, Is.EqualTo(expected));
    }

    [TestCase("csv")]
    [TestCase("CSV")]
    public async Task A_parser_named_by_the_caller_is_used_whatever_the_file(string name)
    {
        using var stream = new MemoryStream(Utf8("email\na@x.com"));

        var selection = await _selector.SelectAsync(stream, "people.txt", name, CancellationToken.None);

        Assert.That(selection.Parser.Name, Is.EqualTo("csv"));
        Assert.That(await ReadAllAsync(selection.Parser, selection.Content), Is.EqualTo(new[] { new InviteEntry { Line = 2, Address = "a@x.com" } }));
    }

    [Test]
    public void An_unknown_parser_name_is_rejected_naming_the_known_parsers()
    {
        using var stream = new MemoryStream(Utf8("a@x.com"));

        var exception = Assert.ThrowsAsync<ArgumentException>(async () => await _selector.SelectAsync(stream, "x.txt", "xlsx", CancellationToken.None));

        Assert.That(exception.ParamName, Is.EqualTo("parserName"));
        Assert.That(exception.Message, Does.Contain("xlsx").And.Contain("text, csv"));
    }

    [Test]
    public async Task Equal_scores_go_to_the_parser_registered_first()
    {
        var first = new FixedScoreParser("first", 40);
        var selector = new InviteParserSelector([first, new FixedScoreParser("second", 40), new FixedScoreParser("low", 39)]);
        using var stream = new MemoryStream(Utf8("a@x.com"));

        var selection = await selector.SelectAsync(stream, "x", null, CancellationToken.None);

        Assert.That(selection.Parser, Is.SameAs(first));
    }

    [Test]
    public void A_file_no_parser_can_read_is_rejected()
    {
        var selector = new InviteParserSelector([new FixedScoreParser("never", 0)]);
        using var stream = new MemoryStream(Utf8("a@x.com"));

        Assert.ThrowsAsync<InviteFileFormatException>(async () => await selector.SelectAsync(stream, "x", null, CancellationToken.None));
    }

    [Test]
    public async Task The_probe_shows_the_file_name_the_head_and_the_text_without_byte_order_mark()
    {
        var probeParser = new FixedScoreParser("probe", 1);
        var selector = new InviteParserSelector([probeParser]);
        var bytes = WithPreamble(Encoding.Unicode, "Email\r\njörg@x.com");
        using var stream = new ChunkedReadStream(bytes, 3);

        await selector.SelectAsync(stream, "list.dat", null, CancellationToken.None);

        Assert.That(probeParser.Probe.FileName, Is.EqualTo("list.dat"));
        Assert.That(probeParser.Probe.Head.ToArray(), Is.EqualTo(bytes));
        Assert.That(probeParser.Probe.Text, Is.EqualTo("Email\r\njörg@x.com"));
    }

    [Test]
    public async Task The_head_is_read_to_8_KiB_even_from_a_stream_of_short_reads()
    {
        var probeParser = new FixedScoreParser("probe", 1);
        var selector = new InviteParserSelector([probeParser]);
        using var stream = new ChunkedReadStream(Utf8(new string('a', 20_000)), 7);

        await selector.SelectAsync(stream, "list.dat", null, CancellationToken.None);

        Assert.That(probeParser.Probe.Head.Length, Is.EqualTo(8192));
        Assert.That(probeParser.Probe.Text, Has.Length.EqualTo(8192));
    }

    [Test]
    public async Task A_character_cut_at_the_end_of_the_head_is_left_out_of_the_probe_text()
    {
        var probeParser = new FixedScoreParser("probe", 1);
        var selector = new InviteParserSelector([probeParser]);
        using var stream = new MemoryStream(Utf8(new string('a', 8191) + "ö"));

        await selector.SelectAsync(stream, "list.dat", null, CancellationToken.None);

        Assert.That(probeParser.Probe.Text, Is.EqualTo(new string('a', 8191)));
    }

    [TestCase(1)]
    [TestCase(4096)]
    [TestCase(int.MaxValue)]
    public async Task The_content_replays_the_head_then_reads_on_from_a_stream_that_cannot_seek(int chunkSize)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            text.Append("user").Append(i).Append("@example.com\n");
        }

        var bytes = Utf8(text.ToString());
        using var stream = new ChunkedReadStream(bytes, chunkSize);

        var selection = await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None);
        using var copy = new MemoryStream();
        await selection.Content.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public async Task The_selected_parser_reads_every_entry_from_the_content()
    {
        var bytes = Utf8(string.Join("\r\n", Enumerable.Range(1, 3000).Select(i => $"u{i}@example.com")));
        using var stream = new ChunkedReadStream(bytes, 1000);

        var selection = await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None);
        var entries = await ReadAllAsync(selection.Parser, selection.Content);

        Assert.That(entries.Select(e => e.Address), Is.EqualTo(Enumerable.Range(1, 3000).Select(i => $"u{i}@example.com")));
        Assert.That(entries[^1].Line, Is.EqualTo(3000));
    }

    [Test]
    public async Task An_empty_file_is_text_with_no_entries()
    {
        using var stream = new MemoryStream();

        var selection = await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None);

        Assert.That(await ReadAllAsync(selection.Parser, selection.Content), Is.Empty);
    }

    [TestCase(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00 }, "Excel workbook", TestName = "A ZIP or xlsx file is rejected as binary")]
    [TestCase(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }, "legacy Excel", TestName = "An OLE2 xls file is rejected as binary")]
    [TestCase(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A }, "PDF", TestName = "A PDF file is rejected as binary")]
    [TestCase(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "PNG", TestName = "A PNG file is rejected as binary")]
    [TestCase(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "GIF", TestName = "A GIF file is rejected as binary")]
    [TestCase(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "JPEG", TestName = "A JPEG file is rejected as binary")]
    [TestCase(new byte[] { 0x1F, 0x8B, 0x08, 0x00 }, "gzip", TestName = "A gzip file is rejected as binary")]
    [TestCase(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 0x02 }, "executable", TestName = "An ELF file is rejected as binary")]
    public void A_file_with_a_known_binary_signature_is_rejected(byte[] head, string kind)
    {
        byte[] bytes = [.. head, .. Utf8("a@x.com\n")];
        using var stream = new MemoryStream(bytes);

        var exception = Assert.ThrowsAsync<InviteFileFormatException>(async () => await _selector.SelectAsync(stream, "list.csv", null, CancellationToken.None));

        Assert.That(exception.Message, Does.StartWith("The file looks like a binary file").And.Contain(kind).And.Contain("save it as CSV or plain text"));
    }

    [TestCase(16)]
    [TestCase(1000)]
    [TestCase(100_000)]
    public void Random_bytes_are_rejected_as_binary(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        bytes[0] = (byte)'a';
        using var stream = new MemoryStream(bytes);

        Assert.ThrowsAsync<InviteFileFormatException>(async () => await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None));
    }

    [Test]
    public void UTF16_without_a_byte_order_mark_is_rejected_as_binary()
    {
        using var stream = new MemoryStream(Encoding.Unicode.GetBytes("a@x.com\r\nb@x.com\r\n"));

        Assert.ThrowsAsync<InviteFileFormatException>(async () => await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None));
    }

    [Test]
    public async Task An_occasional_NUL_in_a_text_file_is_not_binary()
    {
        var bytes = Utf8(string.Join("\n", Enumerable.Range(1, 200).Select(i => i == 50 ? "u\0@x.com" : $"u{i}@x.com")));
        using var stream = new MemoryStream(bytes);

        var selection = await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None);
        var entries = await ReadAllAsync(selection.Parser, selection.Content);

        Assert.That(entries, Has.Count.EqualTo(200));
        Assert.That(entries[49], Is.EqualTo(new InviteEntry { Line = 50, Address = "u\0@x.com" }));
    }

    [TestCase("utf-16LE")]
    [TestCase("utf-16BE")]
    [TestCase("utf-32LE")]
    public async Task Wide_encodings_with_a_byte_order_mark_are_text(string encodingName)
    {
        using var stream = new MemoryStream(WithPreamble(Encoding.GetEncoding(encodingName), "Name\tEmail\r\nAnn\ta@x.com\r\n"));

        var selection = await _selector.SelectAsync(stream, "export.txt", null, CancellationToken.None);
        var entries = await ReadAllAsync(new CsvInviteParser(), selection.Content);

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
    }

    [Test]
    public void A_head_full_of_control_bytes_is_rejected_as_binary()
    {
        var bytes = Utf8(string.Concat(Enumerable.Repeat("a@x.com\u0001\u0002\u0003\u001B", 100)));
        using var stream = new MemoryStream(bytes);

        Assert.ThrowsAsync<InviteFileFormatException>(async () => await _selector.SelectAsync(stream, "list.txt", null, CancellationToken.None));
    }

    [Test]
    public void A_cancelled_token_stops_the_selection()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var stream = new ChunkedReadStream(Utf8("a@x.com"), 1);

        Assert.CatchAsync<OperationCanceledException>(async () => await _selector.SelectAsync(stream, "list.txt", null, cancellation.Token));
    }

    [Test]
    public void A_null_stream_is_rejected()
    {
        Assert.ThrowsAsync<ArgumentNullException>(async () => await _selector.SelectAsync(null!, "list.txt", null, CancellationToken.None));
    }

    private sealed class FixedScoreParser(string name, int score) : IInviteFileParser
    {
        public InviteFileProbe Probe { get; private set; }

        public string Name => name;

        public int Score(InviteFileProbe probe)
        {
            Probe = probe;
            return score;
        }

        public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default)
            => AsyncEnumerable.Empty<InviteEntry>();
    }
}
