using System.Text;
using BulkInvite.Parsing;

namespace BulkInvite.Tests.Parsing;

/// <summary>
/// The text parser's one tokenizer (<see cref="Utf8TextScanner"/> and the entries <see cref="TextEntryFeed"/> makes of
/// its tokens) on random lists whose entries are known: the same entries, lines, display names and problems at any
/// buffer and read size, in UTF-8 and in UTF-16, with separators in any mix, CR/LF/CRLF line ends, quotes, brackets,
/// Unicode whitespace and U+FEFF around entries, invalid UTF-8 and entries longer than the buffer; and the two ways the
/// parser gives entries (<see cref="TextInviteParser.ParseAsync"/> and <see cref="TextInviteParser.ParseIntoAsync"/>)
/// give the same ones.
/// </summary>
[TestFixture]
public sealed class TextTokenizerTests
{
    // Each form of an entry, the text written and the (address, display name, problem) it gives.
    private static readonly (string Text, string Address, string? Name, InvalidReason Problem)[] Forms =
    [
        ("a@example.com", "a@example.com", null, InvalidReason.None),
        ("Bob@Example.COM", "Bob@Example.COM", null, InvalidReason.None),
        ("josé@exämple.com", "josé@exämple.com", null, InvalidReason.None),
        ("x", "x", null, InvalidReason.None),
        ("\"Doe, Jane\" <jane@example.com>", "jane@example.com", "Doe, Jane", InvalidReason.None),
        ("\"Doe; \\\"J\\\"\" <jd@example.com>", "jd@example.com", "Doe; \"J\"", InvalidReason.None),
        ("name <b@example.org>", "b@example.org", "name", InvalidReason.None),
        ("<c@example.net>", "c@example.net", null, InvalidReason.None),
        ("<c,d@example.net>", "c,d@example.net", null, InvalidReason.None),
        ("<c@example.net> trailing", "<c@example.net> trailing", null, InvalidReason.DisplayNameNotAllowed),
        ("d@example.com (comment)", "d@example.com (comment)", null, InvalidReason.None),
        ("in side@example.com", "in side@example.com", null, InvalidReason.None),
        ("日本@例え.jp", "日本@例え.jp", null, InvalidReason.None),
        ("😀@example.com", "😀@example.com", null, InvalidReason.None),
    ];

    private static readonly string[] SameLineSeparators = [",", ";", "\t", ",,", ", ;"];
    private static readonly string[] LineEnds = ["\n", "\r\n", "\r", "\r\r\n", "\n\n"];
    private static readonly string[] Trimmed = ["", " ", "  ", "\u00A0", "\uFEFF", "\u2028", "\u3000", " \uFEFF "];

    [Test]
    public async Task Random_lists_give_their_entries_at_any_buffer_and_read_size([Values(7, 64, 4096)] int bufferSize, [Values(1, 5, 1 << 20)] int readSize)
    {
        var random = new Random((bufferSize * 31) + readSize);
        for (var i = 0; i < 150; i++)
        {
            var (bytes, expected) = RandomList(random, random.Next(0, 60), badBytes: true);
            var entries = await ScanAsync(bytes, bufferSize, 1024, readSize);
            Assert.That(entries.Select(Describe), Is.EqualTo(expected), () => "input: " + Convert.ToHexString(bytes));
        }
    }

    [Test]
    public async Task The_same_list_in_UTF16_gives_the_same_entries([Values("utf-16LE", "utf-16BE", "utf-32LE")] string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var random = new Random(encodingName.Length);
        var parser = new TextInviteParser();
        for (var i = 0; i < 100; i++)
        {
            var (bytes, expected) = RandomList(random, random.Next(0, 60), badBytes: false);
            var transcoded = encoding.GetPreamble().Concat(Encoding.Convert(Encoding.UTF8, encoding, bytes)).ToArray();
            var entries = new List<InviteEntry>();
            await foreach (var entry in parser.ParseAsync(new ChunkedReadStream(transcoded, 3)))
            {
                entries.Add(entry);
            }

            Assert.That(entries.Select(Describe), Is.EqualTo(expected), () => "input: " + Encoding.UTF8.GetString(bytes));
        }
    }

    [Test]
    public async Task A_lone_surrogate_in_UTF16_makes_only_its_own_entry_invalid_encoding()
    {
        var text = "a@example.com\nb\uD800c@example.com\nd@example.com";
        var bytes = Encoding.Unicode.GetPreamble().Concat(new UnicodeEncoding(false, false, false).GetBytes(text)).ToArray();

        var entries = await ParseAsync(new TextInviteParser(), bytes);

        Assert.That(entries.Select(e => (e.Line, e.Problem)), Is.EqualTo(new[] { (1L, InvalidReason.None), (2L, InvalidReason.InvalidEncoding), (3L, InvalidReason.None) }));
    }

    [Test]
    public async Task ParseAsync_and_ParseIntoAsync_give_the_same_entries([Values(16, 1024)] int maxEntryLength)
    {
        var parser = new TextInviteParser(new InviteParserOptions { MaxEntryLength = maxEntryLength });
        var random = new Random(maxEntryLength);
        var compared = 0;
        for (var i = 0; i < 300; i++)
        {
            var input = RandomBytes(random);
            List<InviteEntry> expected;
            try
            {
                expected = await ParseAsync(parser, input);
            }
            catch (InviteFileFormatException)
            {
                continue;
            }

            var sink = new RecordingSink(maxEntryLength);
            await parser.ParseIntoAsync(new ChunkedReadStream(input, 5), sink);
            Assert.That(sink.Entries.Select(Describe), Is.EqualTo(expected.Select(Describe)), () => "input: " + Convert.ToHexString(input));
            Assert.That(sink.Pauses, Is.GreaterThan(0), "the sink is paused between reads and at the end");
            compared++;
        }

        Assert.That(compared, Is.GreaterThan(200), "most inputs are text, not refused as binary");
    }

    [Test]
    public async Task A_byte_order_mark_is_skipped_and_crlf_split_across_buffers_is_one_line_end()
    {
        var input = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("a@example.com\r\nb@example.com\r\n\r\nc@example.com")).ToArray();
        for (var size = 3; size < 20; size++)
        {
            var entries = await ScanAsync(input, size, 1024);
            Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[] { (1L, "a@example.com"), (2L, "b@example.com"), (4L, "c@example.com") }), $"buffer {size}");
        }
    }

    [Test]
    public async Task An_entry_longer_than_the_buffer_is_cut_at_the_limit_and_reported_too_long()
    {
        var input = Encoding.UTF8.GetBytes("  " + new string('a', 5000) + "@example.com   \nok@example.com\n" + new string('b', 30) + new string(' ', 5000) + "\n");

        var entries = await ScanAsync(input, 64, 40);

        Assert.That(entries, Has.Count.EqualTo(3));
        Assert.That(entries[0].Problem, Is.EqualTo(InvalidReason.EntryTooLong));
        Assert.That(entries[0].Address, Is.EqualTo(new string('a', 40)));
        Assert.That(entries[1].Address, Is.EqualTo("ok@example.com"));
        Assert.That(entries[1].Line, Is.EqualTo(2));
        Assert.That(entries[2].Problem, Is.EqualTo(InvalidReason.None), "trailing whitespace beyond the limit does not make it too long");
        Assert.That(entries[2].Address, Is.EqualTo(new string('b', 30)));
    }

    [Test]
    public async Task Plain_ASCII_entries_are_given_as_their_trimmed_bytes_and_the_others_as_entries()
    {
        var sink = new RecordingSink(20);
        var text = " a@example.com ,\"Q\" <q@example.com>;josé@example.com\t" + new string('x', 30) + "\n<b@example.com>\nc@example.com";

        await new TextInviteParser(new InviteParserOptions { MaxEntryLength = 20 }).ParseIntoAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink);

        Assert.That(sink.AsBytes, Is.EqualTo(new[] { "a@example.com", "c@example.com" }));
        Assert.That(sink.Entries.Select(e => e.Address), Is.EqualTo(new[] { "a@example.com", "q@example.com", "josé@example.com", new string('x', 20), "b@example.com", "c@example.com" }));
    }

    private static string Describe(InviteEntry e) => $"{e.Line}|{e.Problem}|{e.Address}|{e.DisplayName}";

    private static async Task<List<InviteEntry>> ScanAsync(byte[] input, int bufferSize, int maxEntryLength, int readSize = 5)
    {
        var sink = new RecordingSink(maxEntryLength);
        using var scanner = new Utf8TextScanner(new ChunkedReadStream(input, readSize), maxEntryLength, bufferSize);
        using var feed = new TextEntryFeed(sink, maxEntryLength);
        while (await scanner.ReadAsync(feed, CancellationToken.None))
        {
        }

        return sink.Entries;
    }

    private static async Task<List<InviteEntry>> ParseAsync(TextInviteParser parser, byte[] input)
    {
        var entries = new List<InviteEntry>();
        await foreach (var entry in parser.ParseAsync(new ChunkedReadStream(input, 5)))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A list of known entries joined by random separators, line ends and trimmed characters, and what each gives.</summary>
    private static (byte[] Bytes, List<string> Expected) RandomList(Random random, int count, bool badBytes)
    {
        var bytes = new List<byte>();
        var expected = new List<string>();
        var line = 1L;
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(Trimmed[random.Next(Trimmed.Length)]));
            var (text, address, name, problem) = Forms[random.Next(Forms.Length)];
            if (badBytes && text == address && random.Next(10) == 0)
            {
                // An invalid byte at the start: decoded as U+FFFD, the entry is invalid encoding.
                bytes.Add(0xFF);
                bytes.AddRange(Encoding.UTF8.GetBytes(address));
                expected.Add($"{line}|{InvalidReason.InvalidEncoding}|\uFFFD{address}|");
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text));
                expected.Add($"{line}|{problem}|{address}|{name}");
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(Trimmed[random.Next(Trimmed.Length)]));
            if (random.Next(3) == 0)
            {
                var end = LineEnds[random.Next(LineEnds.Length)];
                bytes.AddRange(Encoding.UTF8.GetBytes(end));
                line += end.Replace("\r\n", "\n", StringComparison.Ordinal).Length;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(SameLineSeparators[random.Next(SameLineSeparators.Length)]));
            }
        }

        return ([.. bytes], expected);
    }

    private static readonly string[] Pieces =
    [
        "a@example.com", "Bob@Example.COM", "x", "é", "josé@exämple.com", "\u00A0", "\uFEFF", " ", "  ", "\t", ",", ";", ",,",
        "\n", "\r\n", "\r", "\r\r\n", "\"", "\"Doe, Jane\" <jane@example.com>", "<", ">", "\\", "\\\"", "name <b@example.org>",
        "<c@example.net> trailing", "@", ".", "..", "\u2028", "日本", "😀", "\0", "(comment)", "\"unterminated", "<open",
    ];

    private static readonly byte[][] BadBytes = [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80]];

    /// <summary>Random pieces of every kind, stray quotes and brackets, invalid UTF-8 and long runs among them.</summary>
    private static byte[] RandomBytes(Random random)
    {
        var bytes = new List<byte>();
        if (random.Next(4) == 0)
        {
            bytes.AddRange(Encoding.UTF8.GetPreamble());
        }

        var count = random.Next(0, 30);
        for (var i = 0; i < count; i++)
        {
            if (random.Next(12) == 0)
            {
                bytes.AddRange(BadBytes[random.Next(BadBytes.Length)]);
            }
            else if (random.Next(40) == 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(new string((char)('a' + random.Next(26)), random.Next(10, 80))));
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(Pieces[random.Next(Pieces.Length)]));
            }
        }

        return [.. bytes];
    }

    /// <summary>Records what a parser gives: plain addresses as entries (and their text apart), checking what a plain address may be.</summary>
    private sealed class RecordingSink(int maxEntryLength) : IInviteEntrySink
    {
        public List<InviteEntry> Entries { get; } = [];

        public List<string> AsBytes { get; } = [];

        public int Pauses { get; private set; }

        public void Add(in InviteEntry entry) => Entries.Add(entry);

        public void AddAddress(ReadOnlySpan<byte> utf8Address, long line)
        {
            var text = Encoding.UTF8.GetString(utf8Address);
            Assert.That(text, Has.Length.InRange(1, maxEntryLength));
            Assert.That(text.Trim(), Is.EqualTo(text), "trimmed");
            Assert.That(text.IndexOfAny(['"', '<']), Is.EqualTo(-1), "no quote or opening bracket");
            AsBytes.Add(text);
            Entries.Add(new InviteEntry { Line = line, Address = text });
        }

        public ValueTask PauseAsync(CancellationToken cancellationToken)
        {
            Pauses++;
            return default;
        }
    }
}
