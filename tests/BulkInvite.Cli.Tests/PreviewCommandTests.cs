using System.Text.Json;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class PreviewCommandTests
{
    private const string Sample = "alice@example.com\n\"Doe, Jane\" <jane@example.com>; bob@example.com\nALICE@example.com\nnot-an-address\nmember@example.com\n";

    private static readonly string[] OutcomeNames = ["Pending", "Invited", "Invalid", "Duplicate", "ExistingUser", "AlreadyInvited", "Failed", "Skipped", "Sending", "Unknown"];

    [Test]
    public async Task Json_output_has_counts_for_every_outcome_and_one_entry_per_input_entry()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);
        var users = CliRunner.TempFile("users.txt", "# existing accounts\nMember@Example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--existing-users", users, "--format", "json");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var counts = json.RootElement.GetProperty("counts");
        Assert.That(counts.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(OutcomeNames));
        Assert.Multiple(() =>
        {
            Assert.That(counts.GetProperty("Pending").GetInt64(), Is.EqualTo(3));
            Assert.That(counts.GetProperty("Duplicate").GetInt64(), Is.EqualTo(1));
            Assert.That(counts.GetProperty("Invalid").GetInt64(), Is.EqualTo(1));
            Assert.That(counts.GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1));
            Assert.That(counts.GetProperty("Invited").GetInt64(), Is.Zero);
        });
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.That(entries.Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("address").GetString(), e.GetProperty("outcome").GetString())), Is.EqualTo(new[]
        {
            (1L, "alice@example.com", "Pending"),
            (2L, "jane@example.com", "Pending"),
            (2L, "bob@example.com", "Pending"),
            (3L, "ALICE@example.com", "Duplicate"),
            (4L, "not-an-address", "Invalid"),
            (5L, "member@example.com", "ExistingUser"),
        }));
        Assert.That(entries[4].GetProperty("reason").GetString(), Is.EqualTo("MissingAt"));
        Assert.That(entries[3].GetProperty("duplicateOfLine").GetInt64(), Is.EqualTo(1));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public async Task Without_an_existing_users_file_it_says_nobody_is_an_existing_user()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "json");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Error, Does.Contain("nobody is treated as an existing user"));
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.EqualTo(4));
    }

    [Test]
    public async Task Summary_prints_the_counts_without_entries()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "json", "--summary");

        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.TryGetProperty("entries", out _), Is.False);
        Assert.That(json.RootElement.GetProperty("total").GetInt64(), Is.EqualTo(6));
    }

    [Test]
    public async Task Table_output_shows_the_summary_and_the_entries()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "table");

        Assert.That(result.Text, Does.Contain("Preview (nothing sent)"));
        Assert.That(result.Text, Does.Match(@"Pending\s+4\s+\(would be invited\)"));
        Assert.That(result.Text, Does.Match(@"4\s+not-an-address\s+Invalid\s+MissingAt"));
    }

    [Test]
    public async Task Table_output_escapes_control_characters_of_the_file_and_its_name()
    {
        var file = CliRunner.TempFile("list\u001b[2J.txt", "a\u001b]0title\u0007b@example.com\nc\u009b31m@example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "table");

        Assert.That(result.Text, Does.Contain("list\\x1b[2J.txt"));
        Assert.That(result.Text, Does.Contain("a\\x1b]0title\\x07b@example.com"));
        Assert.That(result.Text, Does.Contain("c\\x9b31m@example.com"));
        Assert.That(result.Text.Where(c => char.IsControl(c) && c != '\n'), Is.Empty);
    }

    [Test]
    public async Task Csv_output_has_a_header_and_neutralizes_formulas()
    {
        var file = CliRunner.TempFile("invitees.txt", "=cmd@example.com\nok@example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "csv");

        var lines = result.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo(InviteReportExport.CsvHeader), "the SDK's downloadable CSV report");
        Assert.That(lines[1], Does.StartWith("1,'=cmd@example.com,"));
        Assert.That(lines[2], Does.StartWith("2,ok@example.com,,Pending,,,,,"));
    }

    [TestCase(',')]
    [TestCase(';')]
    [TestCase('\t')]
    public async Task Csv_output_read_with_any_locales_separator_has_no_cell_that_starts_a_formula(char separator)
    {
        var file = CliRunner.TempFile(
            "people.csv",
            "Name,Email,Team\n\"x;=cmd|' /C calc'!A0\",ann@example.com,\"y\t+1\"\n\"a,@SUM(1)\",=cmd;-2@example.com,\"b;\uFF1D1\"\n");

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "csv");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var cells = BulkInvite.Tests.Export.CsvCells.Read(result.Text, separator).SelectMany(r => r).ToList();
        Assert.That(cells, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(cells.Where(BulkInvite.Tests.Export.CsvCells.StartsFormula), Is.Empty);
    }

    [Test]
    public async Task Csv_files_are_previewed_by_their_email_column()
    {
        var file = CliRunner.TempFile("people.csv", "Name,E-Mail Address\n\"Doe, Jane\",jane@example.com\nBob,bob@\n");

        var result = await CliRunner.RunAsync(string.Empty, "preview", file, "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("parser").GetString(), Is.EqualTo("csv"));
        Assert.That(json.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()), Is.EqualTo(new[] { "Pending", "Invalid" }));
    }

    [TestCase("missing")]
    [TestCase("binary")]
    [TestCase("limit")]
    public async Task A_file_it_cannot_read_exits_non_zero_with_one_line_on_stderr(string kind)
    {
        string[] args = kind switch
        {
            "missing" => ["preview", "/nonexistent/invitees.txt"],
            "binary" => ["preview", CliRunner.TempFile("people.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0, 0, 0, 0x21, 0, 0, 0])],
            _ => ["preview", CliRunner.TempFile("big.txt", string.Concat(Enumerable.Repeat("a@example.com\n", 50))), "--max-entries", "10"],
        };

        var result = await CliRunner.RunAsync(string.Empty, args);

        Assert.That(result.ExitCode, Is.Not.Zero);
        var errorLines = result.Error.TrimEnd().Split('\n').Where(l => !l.Contains("existing user", StringComparison.Ordinal)).ToList();
        Assert.That(errorLines, Has.Count.EqualTo(1), result.Error);
        Assert.That(errorLines[0], Does.StartWith("bulkinvite: cannot read"));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task The_installed_tool_runs_as_a_process_and_reports_errors_without_a_stack_trace()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);

        var ok = await CliRunner.RunProcessAsync("preview", file, "--format", "json", "--summary");
        var missing = await CliRunner.RunProcessAsync("preview", "/nonexistent/invitees.txt");

        Assert.That(ok.ExitCode, Is.Zero, ok.Error);
        using var json = JsonDocument.Parse(ok.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.EqualTo(4));
        Assert.That(missing.ExitCode, Is.Not.Zero);
        Assert.That(missing.Error, Does.Contain("bulkinvite: cannot read").And.Not.Contain("   at "));
    }
}
