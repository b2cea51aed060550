using System.Text;
using System.Text.Json;

namespace BulkInvite.Cli.Tests;

/// <summary>
/// Every command run as a user runs it: a child process with real pipes (standard input piped in, standard output
/// and error read to the end). An in-process run does not see a crash in the last flush of standard output.
/// </summary>
[TestFixture]
public sealed class ChildProcessTests
{
    private const string Invitees = "a@example.com\nb@example.com\nnot-an-address\nA@example.com\n";

    private static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static void AssertCleanExit(CliResult result, int exitCode = CliApp.ExitOk)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Error);
            Assert.That(result.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
        }
    }

    /// <summary>Sends <see cref="Invitees"/> into a pickup folder in a child process and returns the import's id.</summary>
    private static async Task<string> SendAsync(string db, string pickup)
    {
        var file = CliRunner.TempFile("invitees.txt", Invitees);
        var sent = await CliRunner.RunProcessAsync("send", file, "--db", db, "--pickup", pickup, "--format", "json");
        AssertCleanExit(sent);
        using var json = JsonDocument.Parse(sent.Output);
        return json.RootElement.GetProperty("importId").GetString()!;
    }

    [Test]
    public async Task Validate_reading_piped_standard_input_exits_zero()
    {
        var result = await CliRunner.RunProcessAsync("a@example.com\nbad\n"u8.ToArray(), "validate", "-");

        AssertCleanExit(result);
        Assert.That(result.Lines, Is.EqualTo(new[] { "valid\t\ta@example.com", "invalid\tMissingAt\tbad" }));
    }

    [Test]
    public async Task Validate_reading_standard_input_without_an_argument_exits_zero()
    {
        var result = await CliRunner.RunProcessAsync("a@example.com\n"u8.ToArray(), "validate");

        AssertCleanExit(result);
        Assert.That(result.Lines, Is.EqualTo(new[] { "valid\t\ta@example.com" }));
    }

    [Test]
    public async Task Validate_reading_a_file_exits_zero()
    {
        var file = CliRunner.TempFile("list.txt", "a@example.com\n");

        var result = await CliRunner.RunProcessAsync("validate", file);

        AssertCleanExit(result);
        Assert.That(result.Lines, Is.EqualTo(new[] { "valid\t\ta@example.com" }));
    }

    [Test]
    public async Task Validate_of_a_missing_file_exits_one_with_one_line()
    {
        var result = await CliRunner.RunProcessAsync("validate", "/nonexistent/list.txt");

        AssertCleanExit(result, CliApp.ExitError);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Preview_of_piped_standard_input_exits_zero()
    {
        var result = await CliRunner.RunProcessAsync(Encoding.UTF8.GetBytes(Invitees), "preview", "-", "--db", Path.Combine(NewFolder(), "history.db"), "--format", "json");

        AssertCleanExit(result);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.EqualTo(2));
    }

    [TestCase("json")]
    [TestCase("csv")]
    [TestCase("table")]
    public async Task Preview_of_a_file_exits_zero(string format)
    {
        var file = CliRunner.TempFile("invitees.txt", Invitees);

        var result = await CliRunner.RunProcessAsync("preview", file, "--db", Path.Combine(NewFolder(), "history.db"), "--format", format);

        AssertCleanExit(result);
        Assert.That(result.Text, Does.Contain("b@example.com"));
    }

    [Test]
    public async Task Preview_summary_exits_zero()
    {
        var file = CliRunner.TempFile("invitees.txt", Invitees);

        var result = await CliRunner.RunProcessAsync("preview", file, "--summary", "--db", Path.Combine(NewFolder(), "history.db"), "--format", "json");

        AssertCleanExit(result);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("Duplicate").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_into_a_pickup_folder_exits_zero()
    {
        var folder = NewFolder();
        var pickup = Path.Combine(folder, "pickup");

        await SendAsync(Path.Combine(folder, "history.db"), pickup);

        Assert.That(Directory.GetFiles(pickup, "*.eml"), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task History_report_and_export_exit_zero()
    {
        var folder = NewFolder();
        var db = Path.Combine(folder, "history.db");
        var id = await SendAsync(db, Path.Combine(folder, "pickup"));

        var history = await CliRunner.RunProcessAsync("history", "--db", db);
        var historyJson = await CliRunner.RunProcessAsync("history", "--db", db, "--format", "json");
        var report = await CliRunner.RunProcessAsync("report", id, "--db", db, "--format", "table");
        var export = await CliRunner.RunProcessAsync("export", id, "--db", db);
        var failedRows = await CliRunner.RunProcessAsync("export", id, "--db", db, "--failed-only");
        var toFile = Path.Combine(folder, "report.jsonl");
        var exportToFile = await CliRunner.RunProcessAsync("export", id, "--db", db, "--format", "jsonl", "-o", toFile);

        AssertCleanExit(history);
        AssertCleanExit(historyJson);
        AssertCleanExit(report);
        AssertCleanExit(export);
        AssertCleanExit(failedRows);
        AssertCleanExit(exportToFile);
        Assert.That(history.Text, Does.Contain(id));
        Assert.That(report.Text, Does.Contain("not-an-address"));
        Assert.That(export.Text, Does.StartWith(InviteReportExport.CsvHeader));
        Assert.That(failedRows.Text.TrimEnd(), Is.EqualTo("not-an-address"));
        Assert.That(File.ReadAllLines(toFile), Has.Length.EqualTo(4));
    }

    [Test]
    public async Task Resume_of_a_finished_import_exits_zero_and_sends_nothing_more()
    {
        var folder = NewFolder();
        var db = Path.Combine(folder, "history.db");
        var pickup = Path.Combine(folder, "pickup");
        var id = await SendAsync(db, pickup);

        var result = await CliRunner.RunProcessAsync("resume", id, "--db", db, "--pickup", pickup, "--format", "json");

        AssertCleanExit(result);
        Assert.That(Directory.GetFiles(pickup, "*.eml"), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task Forget_and_prune_exit_zero()
    {
        var folder = NewFolder();
        var db = Path.Combine(folder, "history.db");
        await SendAsync(db, Path.Combine(folder, "pickup"));

        var forget = await CliRunner.RunProcessAsync("forget", "a@example.com", "--db", db);
        var prune = await CliRunner.RunProcessAsync("prune", "--older-than", "0", "--db", db);

        AssertCleanExit(forget);
        AssertCleanExit(prune);
        Assert.That(forget.Text, Does.StartWith("Deleted 2 report row(s)"));
        Assert.That(prune.Text, Does.StartWith("Deleted 1 import(s)"));
    }

    [Test]
    public async Task A_command_line_error_exits_with_the_parser_code_and_no_stack_trace()
    {
        var result = await CliRunner.RunProcessAsync("prune", "--older-than", "-1");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("--older-than").And.Not.Contain("Unhandled exception"));
    }
}
