using System.Text.Json;

namespace BulkInvite.Cli.Tests.Workers;

/// <summary>
/// <c>bulkinvite enqueue</c> and <c>bulkinvite worker</c> as a user runs them, on a SQLite file and a pickup folder:
/// what they print, their errors and exit codes, and the worker shown by <c>history</c> and <c>report</c>.
/// </summary>
[TestFixture]
public sealed class EnqueueAndWorkerCommandTests
{
    private const string Invitees = "a@example.com\nb@example.com\nnot-an-address\nA@example.com\n";

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is ending: the temp folder is cleaned up later.
        }
    }

    private string Database => Path.Combine(_folder, "history.db");

    private string Pickup => Path.Combine(_folder, "pickup");

    private string InputFile(string content)
    {
        var path = Path.Combine(_folder, $"invitees-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
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

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunProcessAsync([.. args, "--db", Database]);

    [Test]
    public async Task Enqueue_prints_the_import_id_and_worker_runs_it_to_its_end()
    {
        var enqueued = await RunAsync("enqueue", InputFile(Invitees));
        AssertCleanExit(enqueued);
        Assert.That(Guid.TryParse(enqueued.Text.TrimEnd('\n'), out var importId), Is.True, enqueued.Text);
        Assert.That(Directory.Exists(Pickup), Is.False, "enqueue sends nothing");
        var queued = await RunAsync("report", importId.ToString());
        Assert.That(queued.ExitCode, Is.EqualTo(CliApp.ExitError));
        Assert.That(queued.Error, Does.StartWith($"bulkinvite: import {importId} ('").And.Contain("is queued and has not started: it has no report yet."));

        var worker = await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", "--name", "cli-worker-1", "--poll-interval", "0.1");

        AssertCleanExit(worker);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(worker.Text, Is.EqualTo("1 import(s) run to their end.\n"));
            Assert.That(worker.Error, Does.Contain($" 1301 Import {importId} claimed by cli-worker-1 (attempt 1, fencing token 1)"));
            Assert.That(worker.Error, Does.Contain($" 1003 Import {importId} ended Completed"));
            Assert.That(worker.Error, Does.Not.Contain("@example.com"), "the log names no recipient");
            Assert.That(Directory.GetFiles(Pickup, "*.eml"), Has.Length.EqualTo(2));
        }
    }

    [Test]
    public async Task Enqueue_refuses_a_parser_that_does_not_exist_before_anything_is_queued()
    {
        var enqueued = await RunAsync("enqueue", InputFile(Invitees), "--parser", "xml");
        var worker = await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", "--poll-interval", "0.1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(enqueued.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(enqueued.Error.Trim(), Does.StartWith("bulkinvite: cannot queue '").And.EndWith("There is no file parser named 'xml'. Known parsers: text, csv."));
            Assert.That(worker.Text, Is.EqualTo("0 import(s) run to their end.\n"), "nothing was queued");
        }
    }

    [Test]
    public async Task Enqueue_in_json_prints_an_object_and_a_queued_preview_sends_nothing()
    {
        var enqueued = await RunAsync("enqueue", InputFile(Invitees), "--preview", "--format", "json");
        AssertCleanExit(enqueued);
        using var json = JsonDocument.Parse(enqueued.Output);
        var importId = json.RootElement.GetProperty("importId").GetGuid();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.RootElement.GetProperty("preview").GetBoolean(), Is.True);
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Queued"));
            Assert.That(json.RootElement.GetProperty("fileName").GetString(), Does.StartWith("invitees-"));
        }

        AssertCleanExit(await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", "--poll-interval", "0.1"));
        var report = await RunAsync("report", importId.ToString(), "--format", "json", "--summary");
        AssertCleanExit(report);
        using var summary = JsonDocument.Parse(report.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(summary.RootElement.GetProperty("preview").GetBoolean(), Is.True);
            Assert.That(summary.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.EqualTo(2));
            Assert.That(Directory.Exists(Pickup) && Directory.GetFiles(Pickup).Length > 0, Is.False, "a preview sends nothing");
        }
    }

    [Test]
    public async Task History_and_report_show_the_worker_that_ran_an_import()
    {
        var enqueued = await RunAsync("enqueue", InputFile(Invitees));
        AssertCleanExit(enqueued);
        var importId = enqueued.Text.TrimEnd('\n');
        AssertCleanExit(await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", "--name", "night-shift", "--poll-interval", "0.1"));
        AssertCleanExit(await RunAsync("send", InputFile("c@example.com\n"), "--pickup", Pickup, "--format", "json"));

        var table = await RunAsync("history", "--format", "table");
        var json = await RunAsync("history", "--format", "json");
        var report = await RunAsync("report", importId, "--format", "table", "--summary");
        var reportJson = await RunAsync("report", importId, "--format", "json", "--summary");

        AssertCleanExit(table);
        AssertCleanExit(json);
        AssertCleanExit(report);
        AssertCleanExit(reportJson);
        using var history = JsonDocument.Parse(json.Output);
        var imports = history.RootElement.GetProperty("imports").EnumerateArray().ToList();
        using var summary = JsonDocument.Parse(reportJson.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Lines[0], Does.Contain("Run by"));
            Assert.That(table.Lines.Single(l => l.EndsWith(importId, StringComparison.Ordinal)), Does.Contain(" night-shift "));
            Assert.That(imports.Select(i => i.GetProperty("runBy").ValueKind == JsonValueKind.Null ? null : i.GetProperty("runBy").GetString()), Is.EquivalentTo(new[] { "night-shift", null }));
            Assert.That(report.Lines[1], Is.EqualTo("Run by worker night-shift"));
            Assert.That(summary.RootElement.GetProperty("runBy").GetString(), Is.EqualTo("night-shift"));
        }
    }

    [Test]
    public async Task Enqueue_reads_standard_input_and_the_worker_checks_its_existing_users()
    {
        var users = InputFile("b@example.com\n");
        var enqueued = await CliRunner.RunProcessAsync(System.Text.Encoding.UTF8.GetBytes(Invitees), "enqueue", "-", "--db", Database, "--format", "json");
        AssertCleanExit(enqueued);
        using var json = JsonDocument.Parse(enqueued.Output);
        var importId = json.RootElement.GetProperty("importId").GetString()!;

        AssertCleanExit(await RunAsync("worker", "--pickup", Pickup, "--existing-users", users, "--exit-when-idle", "--poll-interval", "0.1"));
        var report = await RunAsync("report", importId, "--format", "json", "--summary");

        AssertCleanExit(report);
        using var summary = JsonDocument.Parse(report.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(summary.RootElement.GetProperty("fileName").GetString(), Is.EqualTo("stdin"));
            Assert.That(summary.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(1));
            Assert.That(summary.RootElement.GetProperty("counts").GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1));
            Assert.That(Directory.GetFiles(Pickup, "*.eml"), Has.Length.EqualTo(1));
        }
    }

    [TestCase("BulkInvite", 1301, true)]
    [TestCase("BulkInvite.Background.ImportWorker", 1303, true)]
    [TestCase("BulkInvite", 1003, true)]
    [TestCase("BulkInvite", 1000, false)]
    [TestCase("Npgsql.Connection", 1300, false)]
    public void The_worker_log_shows_the_SDK_events_of_imports_claimed_and_ended_only(string category, int eventId, bool shown)
    {
        using var error = new StringWriter();
        using var log = new Output.WorkerLog(error, TimeProvider.System);

        Microsoft.Extensions.Logging.LoggerExtensions.Log(log.CreateLogger(category), Microsoft.Extensions.Logging.LogLevel.Information, eventId, "Import {Id} event", Guid.Empty);

        Assert.That(error.ToString(), shown ? Does.Contain($" info {eventId} Import {Guid.Empty} event") : Is.Empty);
    }

    [Test]
    public async Task Enqueue_of_a_missing_file_exits_one_with_one_line()
    {
        var result = await RunAsync("enqueue", Path.Combine(_folder, "missing.txt"));

        AssertCleanExit(result, CliApp.ExitError);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("bulkinvite: cannot read '").And.Contain("missing.txt"));
        Assert.That(result.Text, Is.Empty);
    }

    [Test]
    public async Task Enqueue_of_a_file_over_max_bytes_exits_one_and_queues_nothing()
    {
        var result = await RunAsync("enqueue", InputFile(Invitees), "--max-bytes", "10");
        var worker = await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", "--poll-interval", "0.1");

        AssertCleanExit(result, CliApp.ExitError);
        Assert.That(result.Error, Does.Contain("MaxFileBytes"));
        AssertCleanExit(worker);
        Assert.That(worker.Text, Is.EqualTo("0 import(s) run to their end.\n"));
    }

    [Test]
    public async Task Enqueue_refuses_a_file_when_the_queue_is_full()
    {
        AssertCleanExit(await RunAsync("enqueue", InputFile(Invitees), "--max-queued", "1"));

        var result = await RunAsync("enqueue", InputFile(Invitees), "--max-queued", "1");

        AssertCleanExit(result, CliApp.ExitError);
        Assert.That(result.Error, Does.StartWith("bulkinvite: cannot queue '").And.Contain("MaxQueuedImports"));
    }

    [TestCase("--lease-duration", "0.5")]
    [TestCase("--poll-interval", "0")]
    [TestCase("--concurrency", "0")]
    [TestCase("--max-attempts", "0")]
    public async Task Worker_refuses_a_setting_out_of_range_naming_it(string option, string value)
    {
        var result = await RunAsync("worker", "--pickup", Pickup, "--exit-when-idle", option, value);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain(option).And.Not.Contain("Unhandled exception"));
    }

    [Test]
    public async Task Enqueue_help_says_the_worker_takes_the_existing_users()
    {
        var result = await CliRunner.RunAsync(string.Empty, "enqueue", "--help");

        Assert.That(result.Text, Does.Contain("--existing-users").And.Contain("worker"));
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public async Task Worker_stopped_by_a_signal_exits_zero(string signal)
    {
        using var worker = new ToolProcess("worker", new Dictionary<string, string> { ["BULKINVITE_DB"] = Database }, ["worker", "--pickup", Pickup, "--poll-interval", "0.1"]);
        var started = DateTime.UtcNow;
        while (!worker.Logged("bulkinvite: worker ") && DateTime.UtcNow - started < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(20);
        }

        worker.Signal(signal);
        var exit = await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.That(exit, Is.Zero, worker.Error);
        Assert.That(worker.Error, Does.Contain("bulkinvite: worker stopped").And.Not.Contain("Unhandled exception"));
    }
}
