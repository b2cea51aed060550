using System.Text;
using static BulkInvite.Tests.Parsing.ParserTestHelper;

namespace BulkInvite.Tests.Parsing;

[TestFixture]
public sealed class CsvInviteParserTests
{
    private const int TwentyMegabytes = 20 * 1024 * 1024;
    private const long AllocationBudget = 4 * 1024 * 1024;

    private readonly CsvInviteParser _parser = new();

    [Test]
    public async Task Rows_give_the_address_and_the_other_columns_as_fields()
    {
        var entries = await ReadAllAsync(_parser, "email,name,team\na@x.com,Ann,Sales\nb@x.com,Bob,Ops\n");

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Problem)), Is.EqualTo(new[]
        {
            (2L, "a@x.com", InvalidReason.None), (3L, "b@x.com", InvalidReason.None),
        }));
        Assert.That(entries[0].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["name"] = "Ann", ["team"] = "Sales" }));
        Assert.That(entries[1].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["name"] = "Bob", ["team"] = "Ops" }));
    }

    [TestCase("email")]
    [TestCase("Email")]
    [TestCase(" EMAIL ")]
    [TestCase("e-mail")]
    [TestCase("E-Mail Address")]
    [TestCase("Email Address")]
    [TestCase("EmailAddress")]
    [TestCase("email_address")]
    [TestCase("E_MAIL-ADDRESS")]
    [TestCase("Mail")]
    [TestCase("Address")]
    [TestCase("User Email")]
    [TestCase("\"Email\"")]
    public async Task The_address_column_is_found_by_any_accepted_name(string header)
    {
        var entries = await ReadAllAsync(_parser, $"Name,{header}\nAnn,a@x.com");

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
        Assert.That(entries.Single().Fields!["Name"], Is.EqualTo("Ann"));
    }

    [Test]
    public async Task An_email_column_wins_over_a_postal_address_column()
    {
        var entries = await ReadAllAsync(_parser, "Address,E-mail\n1 Main St,a@x.com");

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
        Assert.That(entries.Single().Fields!["Address"], Is.EqualTo("1 Main St"));
    }

    [Test]
    public async Task A_semicolon_delimiter_is_detected_from_the_header()
    {
        var entries = await ReadAllAsync(_parser, "Name;Email;Note\nDoe, Ann;a@x.com;one, two\n");

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
        Assert.That(entries.Single().Fields, Is.EquivalentTo(new Dictionary<string, string> { ["Name"] = "Doe, Ann", ["Note"] = "one, two" }));
    }

    [Test]
    public async Task A_tab_delimiter_is_detected_from_the_header()
    {
        var entries = await ReadAllAsync(_parser, "Name\tEmail\nDoe, Ann\ta@x.com\n");

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
        Assert.That(entries.Single().Fields!["Name"], Is.EqualTo("Doe, Ann"));
    }

    [Test]
    public async Task Delimiters_inside_quotes_in_the_header_are_not_counted()
    {
        var entries = await ReadAllAsync(_parser, "\"Last, First, Middle\";email\n\"Doe, J\";a@x.com");

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
        Assert.That(entries.Single().Fields!["Last, First, Middle"], Is.EqualTo("Doe, J"));
    }

    [Test]
    public async Task A_byte_order_mark_before_the_header_is_ignored()
    {
        var entries = await ReadAllAsync(_parser, WithPreamble(new UTF8Encoding(true), "Email,Name\na@x.com,Ann"));

        Assert.That(entries.Single().Address, Is.EqualTo("a@x.com"));
    }

    [Test]
    public async Task Excel_unicode_text_is_read_as_tab_separated_UTF16()
    {
        var bytes = WithPreamble(Encoding.Unicode, "Name\tE-mail Address\r\nJörg\tjorg@x.com\r\n");

        var entries = await ReadAllAsync(_parser, bytes, chunkSize: 5);

        Assert.That(entries.Single().Address, Is.EqualTo("jorg@x.com"));
        Assert.That(entries.Single().Fields!["Name"], Is.EqualTo("Jörg"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(int.MaxValue)]
    public async Task Quoted_fields_hold_delimiters_doubled_quotes_and_line_breaks(int chunkSize)
    {
        const string text = "email,note\r\na@x.com,\"one, two\"\r\nb@x.com,\"line 1\r\nline 2\nline 3\"\r\n c@x.com , \"say \"\"hi\"\"\" \r\n";

        var entries = await ReadAllAsync(_parser, text, chunkSize);

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Fields!["note"])), Is.EqualTo(new[]
        {
            (2L, "a@x.com", "one, two"), (3L, "b@x.com", "line 1\r\nline 2\nline 3"), (6L, "c@x.com", "say \"hi\""),
        }));
    }

    [Test]
    public async Task The_address_cell_goes_through_display_name_handling()
    {
        var entries = await ReadAllAsync(_parser, "email,id\n\"\"\"Doe, Jane\"\" <jane@x.com>\",1\nBob <bob@x.com> x,2\n\u00A0c@x.com\u3000,3");

        Assert.That(entries.Select(e => (e.Address, e.Problem, e.DisplayName)), Is.EqualTo(new[]
        {
            ("jane@x.com", InvalidReason.None, (string?)"Doe, Jane"),
            ("Bob <bob@x.com> x", InvalidReason.DisplayNameNotAllowed, null),
            ("c@x.com", InvalidReason.None, null),
        }));
    }

    [Test]
    public void A_header_without_an_email_column_is_rejected_listing_the_columns_seen()
    {
        var exception = Assert.ThrowsAsync<InviteFileFormatException>(() => ReadAllAsync(_parser, "Name,Phone,Team\nAnn,1,Sales"));

        Assert.That(exception.LineNumber, Is.EqualTo(1));
        Assert.That(exception.Message, Does.Contain("\"Name\", \"Phone\", \"Team\""));
        Assert.That(exception.Message, Does.Contain("email, e-mail, email address"));
    }

    [Test]
    public void The_columns_listed_for_a_missing_email_column_are_truncated()
    {
        var header = string.Join(",", Enumerable.Range(1, 30).Select(i => "column" + i + new string('x', 100)));

        var exception = Assert.ThrowsAsync<InviteFileFormatException>(() => ReadAllAsync(_parser, "\n\n" + header));

        Assert.That(exception.LineNumber, Is.EqualTo(3));
        Assert.That(exception.Message, Does.Contain("and 20 more"));
        Assert.That(exception.Message, Has.Length.LessThan(1000));
    }

    [TestCase("")]
    [TestCase("email,name\n")]
    [TestCase("\r\n\r\nEmail\r\n\r\n")]
    public async Task A_file_without_rows_gives_no_entries(string text)
    {
        var entries = await ReadAllAsync(_parser, text);

        Assert.That(entries, Is.Empty);
    }

    [Test]
    public async Task Blank_lines_are_skipped_and_rows_keep_their_physical_line()
    {
        var entries = await ReadAllAsync(_parser, "\nemail\n\na@x.com\n\r\n  \r\nb@x.com");

        Assert.That(entries.Select(e => (e.Line, e.Address)), Is.EqualTo(new[] { (4L, "a@x.com"), (7L, "b@x.com") }));
    }

    [Test]
    public async Task A_row_with_an_empty_or_missing_address_cell_is_still_an_entry()
    {
        var entries = await ReadAllAsync(_parser, "name,email\nAnn,\nBob\n,\n\"\"");

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Fields!["name"])), Is.EqualTo(new[]
        {
            (2L, string.Empty, "Ann"), (3L, string.Empty, "Bob"), (4L, string.Empty, string.Empty), (5L, string.Empty, string.Empty),
        }));
    }

    [Test]
    public async Task Missing_cells_are_empty_and_cells_beyond_the_header_are_ignored()
    {
        var entries = await ReadAllAsync(_parser, "email,a,b\nx@y.com\nz@y.com,1,2,3,4");

        Assert.That(entries[0].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = string.Empty, ["b"] = string.Empty }));
        Assert.That(entries[1].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
    }

    [Test]
    public async Task Repeated_and_empty_header_names_are_made_unique()
    {
        var entries = await ReadAllAsync(_parser, "email,name,Name,,name\nx@y.com,1,2,3,4");

        Assert.That(entries.Single().Fields!.Keys, Is.EqualTo(new[] { "name", "Name_2", "column_4", "name_3" }));
        Assert.That(entries.Single().Fields!.Values, Is.EqualTo(new[] { "1", "2", "3", "4" }));
    }

    [Test]
    public async Task Fields_are_looked_up_case_insensitively_and_read_only()
    {
        var entries = await ReadAllAsync(_parser, "email,Team\nx@y.com,Ops");
        var fields = entries.Single().Fields!;

        Assert.That(fields.Count, Is.EqualTo(1));
        Assert.That(fields["team"], Is.EqualTo("Ops"));
        Assert.That(fields.ContainsKey("TEAM"), Is.True);
        Assert.That(fields.ContainsKey("email"), Is.False);
        Assert.That(fields.TryGetValue("missing", out _), Is.False);
        Assert.That(() => fields["missing"], Throws.TypeOf<KeyNotFoundException>());
        Assert.That(fields, Is.EqualTo(new[] { new KeyValuePair<string, string>("Team", "Ops") }));
    }

    [Test]
    public async Task A_file_with_only_an_email_column_has_no_fields()
    {
        var entries = await ReadAllAsync(_parser, "email\na@x.com");

        Assert.That(entries, Is.EqualTo(new[] { new InviteEntry { Line = 2, Address = "a@x.com" } }));
    }

    [Test]
    public async Task A_field_longer_than_the_limit_is_cut_and_makes_the_row_too_long()
    {
        var parser = new CsvInviteParser(new InviteParserOptions { MaxFieldLength = 5 });

        var entries = await ReadAllAsync(parser, "email,note\na@x.com,123456789\nb@x.com,12345   \n");

        Assert.That(entries.Select(e => (e.Address, e.Problem, e.Fields!["note"])), Is.EqualTo(new[]
        {
            ("a@x.com", InvalidReason.EntryTooLong, "12345"), ("b@x.com", InvalidReason.None, "12345"),
        }));
    }

    [Test]
    public async Task An_address_cell_longer_than_the_entry_limit_is_cut_and_too_long()
    {
        var parser = new CsvInviteParser(new InviteParserOptions { MaxEntryLength = 8 });

        var entries = await ReadAllAsync(parser, "note,email\nhello world,abcdefgh@x.com\n");

        Assert.That(entries.Single().Address, Is.EqualTo("abcdefgh"));
        Assert.That(entries.Single().Problem, Is.EqualTo(InvalidReason.EntryTooLong));
        Assert.That(entries.Single().Fields!["note"], Is.EqualTo("hello world"));
    }

    [Test]
    public async Task Columns_beyond_the_column_limit_are_not_read()
    {
        var parser = new CsvInviteParser(new InviteParserOptions { MaxColumns = 2 });

        var entries = await ReadAllAsync(parser, "email,a,b\nx@y.com,1,2");

        Assert.That(entries.Single().Fields, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Test]
    public void An_email_column_beyond_the_column_limit_is_not_found()
    {
        var parser = new CsvInviteParser(new InviteParserOptions { MaxColumns = 2 });

        Assert.ThrowsAsync<InviteFileFormatException>(() => ReadAllAsync(parser, "a,b,email\n1,2,x@y.com"));
    }

    [Test]
    public async Task An_unterminated_quote_runs_to_the_end_of_the_file_as_a_malformed_row()
    {
        var entries = await ReadAllAsync(_parser, "email,note\na@x.com,\"open\nb@x.com,x");

        Assert.That(entries.Single().Line, Is.EqualTo(2));
        Assert.That(entries.Single().Problem, Is.EqualTo(InvalidReason.MalformedEntry));
        Assert.That(entries.Single().Fields!["note"], Is.EqualTo("open\nb@x.com,x"));
    }

    [Test]
    public async Task Invalid_UTF8_in_one_address_makes_only_that_row_invalid()
    {
        byte[] bytes = [.. Utf8("email,name\na@x.com,Ann\nb"), 0xFE, .. Utf8("@x.com,Bob\nc@x.com,Cy")];

        var entries = await ReadAllAsync(_parser, bytes);

        Assert.That(entries.Select(e => (e.Address, e.Problem)), Is.EqualTo(new[]
        {
            ("a@x.com", InvalidReason.None), ("b\uFFFD@x.com", InvalidReason.InvalidEncoding), ("c@x.com", InvalidReason.None),
        }));
    }

    [Test]
    public async Task A_20_MB_field_is_cut_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("email,note\na@x.com,"), (byte)'x', TwentyMegabytes, Utf8("\nb@x.com,short"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Problem, e.Fields!["note"].Length)), Is.EqualTo(new[]
        {
            (2L, "a@x.com", InvalidReason.EntryTooLong, 4096), (3L, "b@x.com", InvalidReason.None, 5),
        }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public async Task A_20_MB_quoted_field_of_line_breaks_is_cut_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("email,note\na@x.com,\"x"), (byte)'\n', TwentyMegabytes, Utf8("\"\nb@x.com,short"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Problem)), Is.EqualTo(new[]
        {
            (2L, "a@x.com", InvalidReason.None), (TwentyMegabytes + 3L, "b@x.com", InvalidReason.None),
        }));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public async Task A_20_MB_header_cell_is_cut_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Utf8("email,"), (byte)'x', TwentyMegabytes, Utf8("\na@x.com,1"));

        var (entries, allocated) = await ReadAllMeasuringAsync(_parser, stream);

        Assert.That(entries.Single().Fields!.Keys.Single(), Has.Length.EqualTo(4096));
        Assert.That(allocated, Is.LessThan(AllocationBudget));
    }

    [Test]
    public void A_cancelled_token_stops_the_parse()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var stream = new MemoryStream(Utf8("email\na@x.com"));

        Assert.CatchAsync<OperationCanceledException>(() => ReadAllAsync(_parser, stream, cancellation.Token));
    }

    [Test]
    public void A_null_stream_is_rejected_when_the_parse_is_asked_for()
    {
        Assert.Throws<ArgumentNullException>(() => _parser.ParseAsync(null!));
    }

    [TestCase(nameof(InviteParserOptions.MaxEntryLength))]
    [TestCase(nameof(InviteParserOptions.MaxFieldLength))]
    [TestCase(nameof(InviteParserOptions.MaxColumns))]
    public void A_limit_below_one_is_rejected_naming_the_setting(string setting)
    {
        var options = new InviteParserOptions();
        typeof(InviteParserOptions).GetProperty(setting)!.SetValue(options, 0);
        var parser = new CsvInviteParser(options);

        Assert.That(() => parser.ParseAsync(Stream.Null), Throws.InvalidOperationException.With.Message.Contains(setting));
    }

    [TestCase("people.csv", "anything", 90)]
    [TestCase("PEOPLE.CSV", "", 90)]
    [TestCase("people.tsv", "anything", 70)]
    [TestCase("people.dat", "Name,Email\nAnn,a@x.com", 80)]
    [TestCase("people.dat", "\r\n\"Name\";\"E-Mail\"\r\n", 80)]
    [TestCase("people.dat", "Name\tUser Email", 80)]
    [TestCase("people.dat", "Name,Phone\nAnn,a@x.com", 0)]
    [TestCase("people.dat", "email\na@x.com", 0)]
    [TestCase("people.dat", "a@x.com,b@x.com", 0)]
    [TestCase("people.dat", "", 0)]
    [TestCase("people", "Name,Email\n", 80)]
    public void The_score_comes_from_the_extension_or_an_email_header(string fileName, string text, int score)
    {
        Assert.That(_parser.Score(new InviteFileProbe { FileName = fileName, Head = Encoding.UTF8.GetBytes(text), Text = text }), Is.EqualTo(score));
    }

    [Test]
    public void The_name_is_csv()
    {
        Assert.That(_parser.Name, Is.EqualTo("csv"));
    }
}
