using System.Text;
using BulkInvite.Parsing;

namespace BulkInvite.Tests.Parsing;

/// <summary>
/// The byte scanner of the summary's fast path against the text parser of a full import: the same entries, lines and
/// problems on random inputs with non-ASCII text, separators in odd places, quotes, brackets, CR/LF mixes, invalid
/// UTF-8 and entries longer than the buffer.
/// </summary>
[TestFixture]
public sealed class Utf8TextScannerTests
{
    private static readonly string[] Pieces =
    [
        "a@example.com", "Bob@Example.COM", "x", "é", "josé@exämple.com", "\u00A0", "\uFEFF", " ", "  ", "\t", ",", ";", ",,",
        "\n", "\r\n", "\r", "\r\r\n", "\"", "\"Doe, Jane\" <jane@example.com>", "<", ">", "\\", "\\\"", "name <b@example.org>",
        "<c@example.net> trailing", "@", ".", "..", "\u2028", "日本", "😀", "\0", "(comment)", "\"unterminated", "<open",
    ];

    private static readonly byte[][] BadBytes = [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80]];

    [Test]
    [Repeat(1)]
    public async Task Random_inputs_give_the_entries_of_the_text_parser([Values(7, 64, 4096)] int bufferSize, [Values(16, 1024)] int maxEntryLength)
    {
        var random = new Random((bufferSize * 31) + maxEntryLength);
        var compared = 0;
        for (var i = 0; i < 400; i++)
        {
            var input = RandomInput(random);
            if (await AssertSameEntriesAsync(input, bufferSize, maxEntryLength))
            {
                compared++;
            }
        }

        Assert.That(compared, Is.GreaterThan(300), "most inputs are text, not refused as binary");
    }

    [Test]
    public async Task Long_random_inputs_give_the_entries_of_the_text_parser([Values(40, 4096)] int bufferSize, [Values(33, 1000, 1 << 20)] int readSize)
    {
        // Hundreds of pieces read in big chunks: most of each buffer is scanned 32 bytes at a time, with stops of every
        // kind at every place of a block, CRLFs across blocks and before the short rest of a buffer, and quotes and
        // brackets that hand over to the state machine and back.
        var random = new Random(bufferSize + readSize);
        var compared = 0;
        for (var i = 0; i < 200; i++)
        {
            if (await AssertSameEntriesAsync(RandomInput(random, 400, badBytes: false), bufferSize, 1024, readSize))
            {
                compared++;
            }
        }

        Assert.That(compared, Is.EqualTo(200), "without bad bytes no input is refused as binary");
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
        Assert.That(entries[0].Address, Has.Length.EqualTo(40));
        Assert.That(entries[1].Address, Is.EqualTo("ok@example.com"));
        Assert.That(entries[2].Problem, Is.EqualTo(InvalidReason.None), "trailing whitespace beyond the limit does not make it too long");
        await AssertSameEntriesAsync(input, 64, 40);
    }

    /// <returns>Whether the input was compared (the text parser refuses a file of many control bytes as binary).</returns>
    private static async Task<bool> AssertSameEntriesAsync(byte[] input, int bufferSize, int maxEntryLength, int readSize = 5)
    {
        var expected = new List<InviteEntry>();
        var parser = new TextInviteParser(new InviteParserOptions { MaxEntryLength = maxEntryLength });
        try
        {
            await foreach (var entry in parser.ParseAsync(new MemoryStream(input)))
            {
                expected.Add(entry);
            }
        }
        catch (InviteFileFormatException)
        {
            return false;
        }

        var actual = await ScanAsync(input, bufferSize, maxEntryLength, readSize);
        Assert.That(actual.Select(Describe), Is.EqualTo(expected.Select(Describe)), () => "input: " + Convert.ToHexString(input));
        return true;
    }

    private static string Describe(InviteEntry e) => $"{e.Line}|{e.Problem}|{e.Address}|{e.DisplayName}";

    private static async Task<List<InviteEntry>> ScanAsync(byte[] input, int bufferSize, int maxEntryLength, int readSize = 5)
    {
        var sink = new CollectingSink(maxEntryLength);
        using var scanner = new Utf8TextScanner(maxEntryLength, bufferSize);
        await scanner.ScanAsync(new ChunkedReadStream(input, readSize), sink, null, CancellationToken.None);
        return sink.Entries;
    }

    /// <param name="random">The source of the input.</param>
    /// <param name="maxPieces">At most this many pieces.</param>
    /// <param name="badBytes">Whether invalid UTF-8 and NUL bytes are among them (a long input with many is refused as binary).</param>
    private static byte[] RandomInput(Random random, int maxPieces = 30, bool badBytes = true)
    {
        var bytes = new List<byte>();
        if (random.Next(4) == 0)
        {
            bytes.AddRange(Encoding.UTF8.GetPreamble());
        }

        var count = random.Next(0, maxPieces);
        for (var i = 0; i < count; i++)
        {
            var piece = Pieces[random.Next(Pieces.Length)];
            if (random.Next(12) == 0)
            {
                if (badBytes)
                {
                    bytes.AddRange(BadBytes[random.Next(BadBytes.Length)]);
                }
            }
            else if (random.Next(40) == 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(new string((char)('a' + random.Next(26)), random.Next(10, 80))));
            }
            else if (badBytes || piece != "\0")
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(piece));
            }
        }

        return [.. bytes];
    }

    /// <summary>Turns every token into an entry the way the full import does (decoded, collected, split into address and name).</summary>
    private sealed class CollectingSink(int maxEntryLength) : IUtf8EntrySink
    {
        private readonly TokenBuffer _token = new(maxEntryLength);

        public List<InviteEntry> Entries { get; } = [];

        public void Token(ReadOnlySpan<byte> token, long line, bool simple)
        {
            if (simple)
            {
                // A simple token has nothing for the state machine: no quote or bracket.
                var text = Encoding.UTF8.GetString(token);
                Assert.That(text.IndexOfAny(['"', '<']), Is.EqualTo(-1), () => "simple token: " + text);
            }

            _token.Reset(maxEntryLength);
            _token.Append(Encoding.UTF8.GetString(token));
            if (!_token.IsEmpty)
            {
                Entries.Add(MailboxText.ToEntry(line, _token.Text, _token.Overflowed));
            }
        }

        public void LongToken(TokenBuffer token, long line) => Entries.Add(MailboxText.ToEntry(line, token.Text, token.Overflowed));

        public void Release()
        {
        }
    }
}
