using System.Text;
using static BulkInvite.Tests.Parsing.ParserTestHelper;

namespace BulkInvite.Tests.Parsing;

[TestFixture]
public sealed class TextInviteParserTests
{
    private const int TwentyMegabytes = 20 * 1024 * 1024;
    private const long AllocationBudget = 4 * 1024 * 1024;

    private readonly TextInviteParser _parser = new();

    [Test]
    public async Task One_address_a_line_gives_one_entry_per_line()
    {
        var entries = await ReadAllAsync(_parser, "a@example.com\nb@example.com\n");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "a@example.com" }, new InviteEntry { Line = 2, Address = "b@example.com" } }));
    }

    [TestCase("a@x.com\rb@x.com\rc@x.com", TestName = "CR line ends count physical lines")]
    [TestCase("a@x.com\nb@x.com\nc@x.com", TestName = "LF line ends count physical lines")]
    [TestCase("a@x.com\r\nb@x.com\r\nc@x.com\r\n", TestName = "CRLF line ends count physical lines")]
    public async Task Line_ends_count_physical_lines(string text)
    {
        var entries = await ReadAllAsync(_parser, text);

        Assert.That(entries.Select(e => e.Line), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Mixed_line_ends_count_each_line_end_once()
    {
        var entries = await ReadAllAsync(_parser, "a@x.com\r\nb@x.com\rc@x.com\nd@x.com\r\n\re@x.com\n\nf@x.com");

        Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[]
        {
            (1L, "a@x.com"), (2L, "b@x.com"), (3L, "c@x.com"), (4L, "d@x.com"), (6L, "e@x.com"), (8L, "f@x.com"),
        }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(8191)]
    [TestCase(8193)]
    public async Task A_CRLF_split_across_reads_is_one_line_end(int chunkSize)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            text.Append(i % 2 == 0 ? "user" : "u").Append(i).Append("@example.com\r\n");
        }

        var entries = await ReadAllAsync(_parser, text.ToString(), chunkSize);

        Assert.That(entries.Select(e => e.Line), Is.EqualTo(Enumerable.Range(1, 3000).Select(i => (long)i)));
    }

    [Test]
    public async Task Newlines_commas_semicolons_and_tabs_separate_in_any_mix()
    {
        var entries = await ReadAllAsync(_parser, "a@x.com, b@x.com;c@x.com\td@x.com\ne@x.com ;f@x.com");

        Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[]
        {
            (1L, "a@x.com"), (1L, "b@x.com"), (1L, "c@x.com"), (1L, "d@x.com"), (2L, "e@x.com"), (2L, "f@x.com"),
        }));
    }

    [Test]
    public async Task Empty_tokens_blank_lines_and_trailing_separators_are_not_entries()
    {
        var entries = await ReadAllAsync(_parser, "a@x.com,,b@x.com;;\n\n   \n\t,c@x.com,\n;");

        Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[] { (1L, "a@x.com"), (1L, "b@x.com"), (4L, "c@x.com") }));
    }

    [Test]
    public async Task A_quoted_display_name_with_a_comma_does_not_split_and_is_unquoted()
    {
        var entries = await ReadAllAsync(_parser, "\"Doe, Jane\" <jane@example.com>; bob@example.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "jane@example.com", DisplayName = "Doe, Jane" },
            new InviteEntry { Line = 1, Address = "bob@example.com" },
        }));
    }

    [TestCase("Jane Doe <jane@example.com>", "jane@example.com", "Jane Doe")]
    [TestCase("<jane@example.com>", "jane@example.com", null)]
    [TestCase("  < jane@example.com >  ", "jane@example.com", null)]
    [TestCase("\"\" <jane@example.com>", "jane@example.com", null)]
    [TestCase("\"Jane \\\"JD\\\" Doe\" <jd@example.com>", "jd@example.com", "Jane \"JD\" Doe")]
    [TestCase("\"Doe; Jane <x>\" <jane@example.com>", "jane@example.com", "Doe; Jane <x>")]
    [TestCase("Jane \"JD\" Doe <jd@example.com>", "jd@example.com", "Jane JD Doe")]
    public async Task Mail_client_forms_give_the_address_and_the_display_name(string text, string address, string? displayName)
    {
        var entries = await ReadAllAsync(_parser, text);

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = address, DisplayName = displayName } }));
    }

    [Test]
    public async Task Separators_inside_angle_brackets_do_not_split()
    {
        var entries = await ReadAllAsync(_parser, "Jane <jane,doe;x\t@example.com>, bob@example.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "jane,doe;x\t@example.com", DisplayName = "Jane" },
            new InviteEntry { Line = 1, Address = "bob@example.com" },
        }));
    }

    [Test]
    public async Task Text_after_the_closing_bracket_makes_the_entry_display_name_not_allowed()
    {
        var entries = await ReadAllAsync(_parser, "Jane <jane@example.com> Doe\nbob@example.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "Jane <jane@example.com> Doe", Problem = InvalidReason.DisplayNameNotAllowed },
            new InviteEntry { Line = 2, Address = "bob@example.com" },
        }));
    }

    [Test]
    public async Task An_unterminated_quote_ends_at_the_line_end_as_a_malformed_entry()
    {
        var entries = await ReadAllAsync(_parser, "\"Doe, Jane <jane@example.com>, x@example.com\r\nbob@example.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "\"Doe, Jane <jane@example.com>, x@example.com", Problem = InvalidReason.MalformedEntry },
            new InviteEntry { Line = 2, Address = "bob@example.com" },
        }));
    }

    [Test]
    public async Task An_unterminated_angle_bracket_ends_at_the_line_end_as_a_malformed_entry()
    {
        var entries = await ReadAllAsync(_parser, "Jane <jane@example.com, bob@example.com\nc@example.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "Jane <jane@example.com, bob@example.com", Problem = InvalidReason.MalformedEntry },
            new InviteEntry { Line = 2, Address = "c@example.com" },
        }));
    }

    [Test]
    public async Task An_unterminated_quote_at_the_end_of_the_file_is_a_malformed_entry()
    {
        var entries = await ReadAllAsync(_parser, "a@x.com\n\"Jane");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "a@x.com" }, new InviteEntry { Line = 2, Address = "\"Jane", Problem = InvalidReason.MalformedEntry } }));
    }

    [Test]
    public async Task A_stray_quote_keeps_the_rest_of_its_line_together_as_a_malformed_entry()
    {
        var entries = await ReadAllAsync(_parser, "o\"neil@x.com, b@x.com\nc@x.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "o\"neil@x.com, b@x.com", Problem = InvalidReason.MalformedEntry },
            new InviteEntry { Line = 2, Address = "c@x.com" },
        }));
    }

    [Test]
    public async Task An_escaped_quote_split_across_reads_stays_escaped()
    {
        var entries = await ReadAllAsync(_parser, "\"a\\\", b\" <a@x.com>, c@x.com", chunkSize: 1);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "a@x.com", DisplayName = "a\", b" },
            new InviteEntry { Line = 1, Address = "c@x.com" },
        }));
    }

    [Test]
    public async Task A_comment_stays_in_the_address_for_the_validator_to_reject()
    {
        var entries = await ReadAllAsync(_parser, "jane@example.com (Jane)");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "jane@example.com (Jane)" } }));
    }

    [Test]
    public async Task A_quoted_local_part_is_kept_as_the_address()
    {
        var entries = await ReadAllAsync(_parser, "\"john, doe\"@example.com;b@x.com");

        Assert.That(entries.Select(e => e.Address), Is.EqualTo(new[] { "\"john, doe\"@example.com", "b@x.com" }));
    }

    [Test]
    public async Task Unicode_whitespace_and_zero_width_no_break_spaces_are_trimmed()
    {
        var entries = await ReadAllAsync(_parser, "\u00A0a@x.com\u2003,\u3000b@x.com\uFEFF\n\u2028\u00A0\n \uFEFFc@x.com\u0085");

        Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[] { (1L, "a@x.com"), (1L, "b@x.com"), (3L, "c@x.com") }));
    }

    [Test]
    public async Task Whitespace_inside_an_entry_is_kept()
    {
        var entries = await ReadAllAsync(_parser, " jane doe@example.com ");

        Assert.That(entries.Single().Address, Is.EqualTo("jane doe@example.com"));
    }

    [Test]
    public async Task A_UTF8_byte_order_mark_is_not_part_of_the_first_entry()
    {
        var withBom = await ReadAllAsync(_parser, WithPreamble(new UTF8Encoding(true), "jörg@example.com\nb@x.com"));
        var withoutBom = await ReadAllAsync(_parser, Utf8("jörg@example.com\nb@x.com"));

        Assert.That(withBom, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "jörg@example.com" }, new InviteEntry { Line = 2, Address = "b@x.com" } }));
        Assert.That(withoutBom, Is.EqualTo(withBom));
    }

    [TestCase("utf-16LE")]
    [TestCase("utf-16BE")]
    [TestCase("utf-32LE")]
    [TestCase("utf-32BE")]
    public async Task UTF16_and_UTF32_with_a_byte_order_mark_are_decoded(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = WithPreamble(encoding, "jörg@example.com\r\n\"Doe, Jane\" <jane@example.com>\tb@x.com");

        var entries = await ReadAllAsync(_parser, bytes, chunkSize: 3);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "jörg@example.com" },
            new InviteEntry { Line = 2, Address = "jane@example.com", DisplayName = "Doe, Jane" },
            new InviteEntry { Line = 2, Address = "b@x.com" },
        }));
    }

    [Test]
    public async Task Invalid_UTF8_makes_only_its_own_entry_invalid()
    {
        byte[] bytes = [.. Utf8("a@x.com\nb"), 0xFF, 0xC3, .. Utf8("@x.com,c@x.com\n")];

        var entries = await ReadAllAsync(_parser, bytes);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "a@x.com" },
            new InviteEntry { Line = 2, Address = "b\uFFFD\uFFFD@x.com", Problem = InvalidReason.InvalidEncoding },
            new InviteEntry { Line = 2, Address = "c@x.com" },
        }));
    }

    [Test]
    public async Task A_character_cut_by_the_end_of_the_file_is_invalid_encoding()
    {
        byte[] bytes = [.. Utf8("a@x.com\nb@x.co"), 0xC3];

        var entries = await ReadAllAsync(_parser, bytes);

        Assert.That(entries[1], Is.EqualTo(new InviteEntry { Line = 2, Address = "b@x.co\uFFFD", Problem = InvalidReason.InvalidEncoding }));
    }

    [Test]
    public async Task A_character_split_across_reads_is_decoded_whole()
    {
        var entries = await ReadAllAsync(_parser, "jörg@exämple.com\n日本@例え.jp", chunkSize: 1);

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "jörg@exämple.com" }, new InviteEntry { Line = 2, Address = "日本@例え.jp" } }));
    }

    [Test]
    public async Task A_NUL_byte_in_a_text_file_is_passed_through_in_its_entry()
    {
        var entries = await ReadAllAsync(_parser, "a@x.com\nb\0@x.com\nc@x.com");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "a@x.com" }, new InviteEntry { Line = 2, Address = "b\0@x.com" }, new InviteEntry { Line = 3, Address = "c@x.com" } }));
    }

    [Test]
    public async Task An_entry_longer_than_the_limit_keeps_its_beginning_and_is_too_long()
    {
        var parser = new TextInviteParser(new InviteParserOptions { MaxEntryLength = 10 });

        var entries = await ReadAllAsync(parser, "  0123456789abc@x.com,b@x.com\n\"0123456789, x\" <a@x.com>; c@x.com");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "0123456789", Problem = InvalidReason.EntryTooLong },
            new InviteEntry { Line = 1, Address = "b@x.com" },
            new InviteEntry { Line = 2, Address = "\"012345678", Problem = InvalidReason.EntryTooLong },
            new InviteEntry { Line = 2, Address = "c@x.com" },
        }));
    }

    [Test]
    public async Task Trailing_whitespace_does_not_make_an_entry_too_long()
    {
        var parser = new TextInviteParser(new InviteParserOptions { MaxEntryLength = 7 });

        var entries = await ReadAllAsync(parser, "a@x.com" + new string(' ', 100) + ",b@x.com");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "a@x.com" }, new InviteEntry { Line = 1, Address = "b@x.com" } }));
    }

    [Test]
    public async Task A_20_MB_line_without_separators_is_one_cut_entry_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("a@x.com\n"), (byte)'x', TwentyMegabytes, Utf8("@x.com\nb@x.com"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "a@x.com" },
            new InviteEntry { Line = 2, Address = new string('x', 1024), Problem = InvalidReason.EntryTooLong },
            new InviteEntry { Line = 3, Address = "b@x.com" },
        }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public async Task A_20_MB_token_between_separators_is_cut_and_the_next_entry_is_read_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("a@x.com,"), (byte)'x', TwentyMegabytes, Utf8(";b@x.com"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "a@x.com" },
            new InviteEntry { Line = 1, Address = new string('x', 1024), Problem = InvalidReason.EntryTooLong },
            new InviteEntry { Line = 1, Address = "b@x.com" },
        }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public async Task A_20_MB_quoted_token_is_cut_and_malformed_without_holding_the_line()
    {
        using var stream = new GeneratedStream(Utf8("\""), (byte)',', TwentyMegabytes, Utf8("\nb@x.com"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries, Is.EqualTo(new[]
        {
            new InviteEntry { Line = 1, Address = "\"" + new string(',', 1023), Problem = InvalidReason.EntryTooLong },
            new InviteEntry { Line = 2, Address = "b@x.com" },
        }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public async Task A_20_MB_run_of_separators_gives_no_entries_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("a@x.com"), (byte)'\n', TwentyMegabytes, Utf8("b@x.com"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 1, Address = "a@x.com" }, new InviteEntry { Line = TwentyMegabytes + 1, Address = "b@x.com" } }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [TestCase("")]
    [TestCase(" \r\n\t ,;\n")]
    [TestCase("\uFEFF")]
    public async Task A_file_without_addresses_gives_no_entries(string text)
    {
        var entries = await ReadAllAsync(_parser, text);

        Assert.That(entries, Is.Empty);
    }

    [Test]
    public void A_binary_file_given_directly_is_rejected()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00];

        Assert.ThrowsAsync<InviteFileFormatException>(() => ReadAllAsync(_parser, zip));
    }

    [Test]
    public void A_cancelled_token_stops_the_parse()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var stream = new MemoryStream(Utf8("a@x.com"));

        Assert.CatchAsync<OperationCanceledException>(() => ReadAllAsync(_parser, stream, cancellation.Token));
    }

    [Test]
    public async Task Cancelling_during_the_parse_stops_it_at_the_next_entry()
    {
        using var cancellation = new CancellationTokenSource();
        using var stream = new ChunkedReadStream(Utf8("a@x.com\nb@x.com\nc@x.com\n"), 4);
        var seen = new List<string>();

        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var entry in _parser.ParseAsync(stream).WithCancellation(cancellation.Token))
            {
                seen.Add(entry.Address);
                await cancellation.CancelAsync();
            }
        });
        Assert.That(seen, Is.EqualTo(new[] { "a@x.com" }));
    }

    [Test]
    public void A_null_stream_is_rejected_when_the_parse_is_asked_for()
    {
        Assert.Throws<ArgumentNullException>(() => _parser.ParseAsync(null!));
    }

    [Test]
    public void A_limit_below_one_is_rejected_naming_the_setting()
    {
        var parser = new TextInviteParser(new InviteParserOptions { MaxEntryLength = 0 });

        Assert.That(() => parser.ParseAsync(Stream.Null), Throws.InvalidOperationException.With.Message.Contains("MaxEntryLength"));
    }

    [TestCase("list.txt", 60)]
    [TestCase("LIST.TXT", 60)]
    [TestCase("list.text", 60)]
    [TestCase("list.lst", 60)]
    [TestCase("addresses", 60)]
    [TestCase("", 60)]
    [TestCase("list.csv", 10)]
    [TestCase("list.dat", 10)]
    public void The_score_favours_text_extensions_and_falls_back_for_any_text(string fileName, int score)
    {
        Assert.That(_parser.Score(new InviteFileProbe { FileName = fileName, Head = ReadOnlyMemory<byte>.Empty, Text = string.Empty }), Is.EqualTo(score));
    }

    [Test]
    public void The_name_is_text()
    {
        Assert.That(_parser.Name, Is.EqualTo("text"));
    }
}
