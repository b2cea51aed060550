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
}
