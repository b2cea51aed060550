using System.Text;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class ValidateCommandTests
{
    [Test]
    public async Task Every_line_is_one_candidate_taken_exactly_as_it_is()
    {
        const string Input = "jane@example.com\n jane@example.com\na@example.com,b@example.com\n\nno-at-sign\n";

        var result = await CliRunner.RunAsync(Input, "validate");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Lines, Is.EqualTo(new[]
        {
            "valid\t\tjane@example.com",
            "invalid\tWhitespaceOrControlCharacter\t jane@example.com",
            "invalid\tInvalidLocalPartCharacter\ta@example.com,b@example.com",
            "invalid\tEmpty\t",
            "invalid\tMissingAt\tno-at-sign",
        }));
    }

    [Test]
    public async Task Crlf_line_ends_are_not_part_of_the_candidate_and_a_last_line_needs_no_newline()
    {
        var result = await CliRunner.RunAsync("a@example.com\r\nb@example.com", "validate");

        Assert.That(result.Lines, Is.EqualTo(new[] { "valid\t\ta@example.com", "valid\t\tb@example.com" }));
    }

    [Test]
    public async Task A_byte_order_mark_is_not_part_of_the_first_line_and_a_list_in_utf16_is_read_as_its_text()
    {
        const string Text = "a@example.com\r\nbad\r\nzoë@example.com\r\n";
        byte[] utf8 = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Text)];
        byte[] little = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Text)];
        byte[] big = [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Text)];
        // Long enough that characters are split between reads.
        var many = string.Concat(Enumerable.Range(1, 20_000).Select(i => $"user{i}@example.com\n"));
        byte[] longer = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(many)];

        var expected = new[] { "valid\t\ta@example.com", "invalid\tMissingAt\tbad", "valid\t\tzoë@example.com" };
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, input) in new[] { ("UTF-8", utf8), ("UTF-16 LE", little), ("UTF-16 BE", big) })
            {
                var result = await CliRunner.RunAsync(input, "validate", "--allow-international");
                Assert.That(result.Lines, Is.EqualTo(expected), name);
            }

            var all = await CliRunner.RunAsync(longer, "validate");
            Assert.That(all.Lines, Has.Length.EqualTo(20_000));
            Assert.That(all.Lines, Has.All.StartWith("valid\t\tuser"));
            Assert.That(all.Lines[^1], Is.EqualTo("valid\t\tuser20000@example.com"));
        }
    }

    [Test]
    public async Task Bytes_that_are_not_utf8_are_invalid_and_echoed_unchanged()
    {
        byte[] input = [.. "ok@example.com\n"u8, (byte)'b', 0xC3, 0x28, .. "@example.com\n"u8];

        var result = await CliRunner.RunAsync(input, "validate", "--allow-international");

        var expected = (byte[])[.. "valid\t\tok@example.com\ninvalid\tInvalidEncoding\tb"u8, 0xC3, 0x28, .. "@example.com\n"u8];
        Assert.That(result.Output, Is.EqualTo(expected));
    }

    [Test]
    public async Task Options_relax_the_rules()
    {
        const string Input = "user@localhost\n\"john doe\"@example.com\nuser@[192.0.2.1]\njosé@example.com\n";

        var strict = await CliRunner.RunAsync(Input, "validate");
        var relaxed = await CliRunner.RunAsync(Input, "validate", "--allow-single-label", "--allow-quoted", "--allow-literal", "--allow-international");

        Assert.That(strict.Lines.Select(l => l.Split('\t')[1]), Is.EqualTo(new[] { "SingleLabelDomain", "QuotedLocalPartNotAllowed", "DomainLiteralNotAllowed", "NonAsciiNotAllowed" }));
        Assert.That(relaxed.Lines.All(l => l.StartsWith("valid\t\t", StringComparison.Ordinal)), Is.True, string.Join("\n", relaxed.Lines));
    }

    [Test]
    public async Task A_file_argument_is_read_and_dash_reads_standard_input()
    {
        var path = CliRunner.TempFile("list.txt", "a@example.com\nb@\n");

        var fromFile = await CliRunner.RunAsync(string.Empty, "validate", path);
        var fromStdin = await CliRunner.RunAsync("a@example.com\nb@\n", "validate", "-");

        Assert.That(fromFile.Lines, Is.EqualTo(new[] { "valid\t\ta@example.com", "invalid\tEmptyDomain\tb@" }));
        Assert.That(fromStdin.Output, Is.EqualTo(fromFile.Output));
    }

    [Test]
    public async Task A_line_too_long_to_hold_is_invalid_and_echoed_whole()
    {
        var longLine = new string('a', 3 * 1024 * 1024) + "@example.com";

        var result = await CliRunner.RunAsync(longLine + "\r\nb@example.com\n", "validate");

        Assert.That(result.Lines, Has.Length.EqualTo(2));
        Assert.That(result.Lines[0], Is.EqualTo("invalid\tAddressTooLong\t" + longLine));
        Assert.That(result.Lines[1], Is.EqualTo("valid\t\tb@example.com"));
    }

    [Test]
    public async Task A_missing_file_gives_one_line_on_stderr_and_a_non_zero_exit()
    {
        var result = await CliRunner.RunAsync(string.Empty, "validate", "/nonexistent/list.txt");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("/nonexistent/list.txt"));
    }

    [Test]
    public async Task Output_is_identical_for_the_same_input_in_one_or_many_reads()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => i % 7 == 0 ? $"bad{i}" : $"user{i}@example.com");
        var input = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

        var result = await CliRunner.RunAsync(input, "validate");

        Assert.That(result.Lines, Has.Length.EqualTo(20_000));
        Assert.That(result.Lines[7], Is.EqualTo("invalid\tMissingAt\tbad7"));
        Assert.That(result.Lines[19_999], Is.EqualTo("invalid\tMissingAt\tbad19999"));
        Assert.That(result.Lines[19_998], Is.EqualTo("valid\t\tuser19998@example.com"));
    }

    [Test]
    public async Task Control_characters_from_the_file_are_escaped_not_echoed_to_the_terminal()
    {
        byte[] input =
        [
            .. "a\u001b]0;title\u0007@example.com\n"u8,
            .. "\u001b[2J\n"u8,
            .. "x\u009b31m@example.com\n"u8,
            .. "tab\tand\rcr\u007f\n"u8,
            (byte)'b', 0x9B, (byte)'\n',
            .. "jos\u00e9@example.com\n"u8,
        ];

        var result = await CliRunner.RunAsync(input, "validate", "--allow-international");

        Assert.That(result.Lines, Is.EqualTo(new[]
        {
            "invalid\tWhitespaceOrControlCharacter\ta\\x1b]0;title\\x07@example.com",
            "invalid\tWhitespaceOrControlCharacter\t\\x1b[2J",
            "invalid\tWhitespaceOrControlCharacter\tx\\x9b31m@example.com",
            "invalid\tWhitespaceOrControlCharacter\ttab\\x09and\\x0dcr\\x7f",
            "invalid\tInvalidEncoding\tb\\x9b",
            "valid\t\tjos\u00e9@example.com",
        }));
        AssertNoControlCharactersBesideTheColumns(result.Output);
    }

    [Test]
    public async Task Control_characters_in_a_line_too_long_to_hold_are_escaped_and_characters_split_between_reads_kept_whole()
    {
        // Reads are of 64 KiB: put a two-byte character across the boundaries at 2 MiB and 3 MiB, after the line has
        // started streaming (past 1 MiB), and an ESC in the held part.
        var line = Encoding.UTF8.GetBytes("\u001b[2J" + new string('a', (3 * 1024 * 1024) + 100));
        Encoding.UTF8.GetBytes("\u0100").CopyTo(line, (2 * 1024 * 1024) - 1);
        Encoding.UTF8.GetBytes("\u009b").CopyTo(line, (3 * 1024 * 1024) - 1);
        byte[] input = [.. line, .. "\r\nb@example.com\n"u8];

        var result = await CliRunner.RunAsync(input, "validate");

        var expected = Encoding.UTF8.GetString(line).Replace("\u001b", "\\x1b", StringComparison.Ordinal).Replace("\u009b", "\\x9b", StringComparison.Ordinal);
        Assert.That(result.Lines, Has.Length.EqualTo(2));
        Assert.That(result.Lines[0], Is.EqualTo("invalid\tAddressTooLong\t" + expected));
        Assert.That(result.Lines[0], Does.Contain("\u0100"));
        Assert.That(result.Lines[1], Is.EqualTo("valid\t\tb@example.com"));
        AssertNoControlCharactersBesideTheColumns(result.Output);
    }

    /// <summary>
    /// Only the two tabs of each line and its LF are control characters: nothing of the file's (C0, DEL, C1, as
    /// characters or as stray bytes, which the strict decoding refuses).
    /// </summary>
    private static void AssertNoControlCharactersBesideTheColumns(byte[] output)
    {
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(output);
        var controls = text.Split('\n').SelectMany(l => l.Split('\t', 3)).SelectMany(c => c).Where(char.IsControl).Select(c => (int)c).ToList();
        Assert.That(controls, Is.Empty);
    }
}
