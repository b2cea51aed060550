using System.Diagnostics;
using System.Text.Json;
using BulkInvite.Smtp.Tests.Transport;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class HistoryAndResumeTests
{
    private static string NewDatabase() => Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "history.db");

    private static string NewPickup() => Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "pickup");

    [Test]
    public async Task History_lists_imports_across_runs_and_report_shows_one_of_them()
    {
        var db = NewDatabase();
        var first = CliRunner.TempFile("first.txt", "a@example.com\nbad\n");
        var second = CliRunner.TempFile("second.txt", "b@example.com\nc@example.com\n");
        Assert.That((await CliRunner.RunAsync(string.Empty, "send", first, "--db", db, "--pickup", NewPickup())).ExitCode, Is.Zero);
        Assert.That((await CliRunner.RunAsync(string.Empty, "send", second, "--db", db, "--pickup", NewPickup())).ExitCode, Is.Zero);

        var history = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--format", "json");

        using var json = JsonDocument.Parse(history.Output);
        var imports = json.RootElement.GetProperty("imports").EnumerateArray().ToList();
        Assert.That(imports.Select(i => i.GetProperty("fileName").GetString()), Is.EqualTo(new[] { "second.txt", "first.txt" }));
        var firstId = imports[1].GetProperty("importId").GetString()!;

        var report = await CliRunner.RunAsync(string.Empty, "report", firstId, "--db", db, "--outcome", "Invalid", "--format", "json");

        using var reportJson = JsonDocument.Parse(report.Output);
        Assert.That(reportJson.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(1));
        Assert.That(reportJson.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("address").GetString()), Is.EqualTo(new[] { "bad" }));
    }

    [Test]
    public async Task History_and_report_say_why_an_import_failed_and_history_refuses_a_limit_under_1_and_csv()
    {
        var db = NewDatabase();
        var file = CliRunner.TempFile("too-many.txt", "a@example.com\nb@example.com\nc@example.com\n");
        var refused = await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", NewPickup(), "--max-entries", "2");

        var history = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--format", "json");
        using var json = JsonDocument.Parse(history.Output);
        var import = json.RootElement.GetProperty("imports").EnumerateArray().Single();
        var id = import.GetProperty("importId").GetString()!;
        var report = await CliRunner.RunAsync(string.Empty, "report", id, "--db", db, "--format", "json");
        using var reportJson = JsonDocument.Parse(report.Output);
        var table = await CliRunner.RunAsync(string.Empty, "report", id, "--db", db, "--format", "table");
        var none = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--limit", "0");
        var negative = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--limit", "-1");
        var csv = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--format", "csv");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ExitCode, Is.Not.Zero);
            Assert.That(import.GetProperty("status").GetString(), Is.EqualTo("Failed"));
            Assert.That(import.GetProperty("error").GetString(), Does.Contain("2"), "the limit the file went over");
            Assert.That(reportJson.RootElement.GetProperty("error").GetString(), Is.EqualTo(import.GetProperty("error").GetString()));
            Assert.That(table.Text, Does.Contain("Error: " + import.GetProperty("error").GetString()));
            Assert.That(new[] { none.ExitCode, negative.ExitCode, csv.ExitCode }, Has.All.Not.Zero);
            Assert.That(none.Error, Does.Contain("--limit is 0; it must be at least 1"));
            Assert.That(csv.Error, Does.Contain("--format of history is table or json"));
        }
    }

    [Test]
    public async Task Commands_that_read_the_history_refuse_a_database_file_that_does_not_exist_and_create_nothing()
    {
        var db = NewDatabase();
        var commands = new[]
        {
            new[] { "history" },
            ["report", Guid.NewGuid().ToString()],
            ["export", Guid.NewGuid().ToString()],
            ["invitations", "list"],
            ["accept", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
        };

        using (Assert.EnterMultipleScope())
        {
            foreach (var command in commands)
            {
                var result = await CliRunner.RunAsync(string.Empty, [.. command, "--db", db]);
                Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError), command[0]);
                Assert.That(result.Error, Does.StartWith($"bulkinvite: there is no history database '{db}'"), command[0]);
            }

            Assert.That(Directory.Exists(Path.GetDirectoryName(db)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(db)!).Any(), Is.False, "no database, no key file");
        }
    }

    [Test]
    public async Task The_same_file_sent_twice_is_refused_unless_allowed()
    {
        var db = NewDatabase();
        var file = CliRunner.TempFile("list.txt", "a@example.com\n");
        await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", NewPickup());

        var again = await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", NewPickup());
        var allowed = await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", NewPickup(), "--allow-repeat");

        Assert.That(again.ExitCode, Is.Not.Zero);
        Assert.That(again.Error, Does.Contain("--allow-repeat"));
        Assert.That(allowed.ExitCode, Is.Zero, allowed.Error);
    }

    [Test]
    public async Task A_damaged_history_database_is_a_one_line_error_without_a_stack_trace()
    {
        var db = NewDatabase();
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await File.WriteAllTextAsync(db, string.Concat(Enumerable.Repeat("this is not a SQLite database. ", 200)));

        var result = await CliRunner.RunAsync(string.Empty, "history", "--db", db);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("bulkinvite: ").And.Not.Contain("   at "));
    }

    // With 18, SQLite walks the damaged tree without an error unless it checks each page's cells: 1,712 rows of 3,000.
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(18)]
    public async Task Report_and_export_of_a_database_damaged_in_the_middle_exit_non_zero_with_one_line_instead_of_fewer_rows(int seed)
    {
        var db = NewDatabase();
        var file = CliRunner.TempFile("invitees.txt", string.Concat(Enumerable.Range(1, 3000).Select(i => $"user{i}@example.com\n")));
        var sent = await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", NewPickup(), "--format", "json");
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);
        Assert.That(File.Exists(db + "-wal"), Is.False, "closed: everything is in the database file");
        using var json = JsonDocument.Parse(sent.Output);
        var id = json.RootElement.GetProperty("importId").GetString()!;
        var garbage = new byte[64 * 1024];
        new Random(seed).NextBytes(garbage);
        await using (var stream = new FileStream(db, FileMode.Open, FileAccess.Write))
        {
            stream.Position = (stream.Length / 2) - (garbage.Length / 2);
            await stream.WriteAsync(garbage);
        }

        var report = await CliRunner.RunProcessAsync("report", id, "--db", db, "--format", "csv");
        var export = await CliRunner.RunProcessAsync("export", id, "--db", db);

        using (Assert.EnterMultipleScope())
        {
            foreach (var result in new[] { report, export })
            {
                Assert.That(result.ExitCode, Is.Not.Zero, $"{result.Lines.Length} lines written");
                Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Error);
                Assert.That(result.Error, Does.StartWith($"bulkinvite: The history database '{db}' is damaged").And.Contain("restore the file from a backup"));
            }
        }
    }

    [Test]
    public async Task A_report_of_an_unknown_import_is_a_one_line_error()
    {
        var db = NewDatabase();
        Assert.That((await CliRunner.RunAsync(string.Empty, "preview", CliRunner.TempFile("one.txt", "one@example.com\n"), "--db", db)).ExitCode, Is.Zero);

        var result = await CliRunner.RunAsync(string.Empty, "report", Guid.NewGuid().ToString(), "--db", db);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.StartWith("bulkinvite: there is no import"));
    }

    /// <summary>
    /// The promise of resume, proven with a real crash: the sending process is killed in the middle of sending, then
    /// the import is resumed against the same database file and the same SMTP server. Every address receives its
    /// invitation; only a message the server had accepted but whose outcome was not yet stored can arrive twice,
    /// and with one connection there is at most one such message. The resume needs no <c>--force</c>: it is refused while
    /// the killed process's lease holds, and goes ahead once it has expired.
    /// </summary>
    [Test]
    public async Task An_import_killed_while_sending_is_resumed_and_every_address_gets_exactly_one_invitation_but_at_most_one()
    {
        const int Count = 150;
        await using var server = await TestSmtpServer.StartAsync(new TestSmtpServerOptions { ReplyDelay = TimeSpan.FromMilliseconds(20) });
        var db = NewDatabase();
        var file = CliRunner.TempFile("crash.txt", string.Join('\n', Enumerable.Range(1, Count).Select(i => $"user{i}@example.com")));
        string[] smtp = ["--smtp", $"127.0.0.1:{server.Port}", "--tls", "none", "--connections", "1"];

        var child = CliRunner.StartProcess(["send", file, "--db", db, .. smtp, "--format", "json"]);
        var deadline = Stopwatch.StartNew();
        while (server.Store.Messages.Count < 30 && deadline.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
        {
            await Task.Delay(10);
        }

        Assert.That(child.HasExited, Is.False, "the import must still be sending when it is killed");
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        var beforeResume = server.Store.Messages.Count;
        Assert.That(beforeResume, Is.InRange(30, Count - 1));

        using var history = JsonDocument.Parse((await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--format", "json")).Output);
        var import = history.RootElement.GetProperty("imports")[0];
        Assert.That(import.GetProperty("status").GetString(), Is.EqualTo("Running"));
        var id = import.GetProperty("importId").GetString()!;

        var refused = await CliRunner.RunAsync(string.Empty, ["resume", id, "--db", db, .. smtp]);
        Assert.That(refused.ExitCode, Is.Not.Zero, "the killed process's lease still holds");
        Assert.That(refused.Error, Does.Contain("still running on"));

        // No --force: once the lease (30 s, renewed every 10 s) has expired, it says the process is gone.
        var killedAt = Stopwatch.StartNew();
        CliResult resumed;
        while (true)
        {
            resumed = await CliRunner.RunAsync(string.Empty, ["resume", id, "--db", db, .. smtp, "--format", "json"]);
            if (resumed.ExitCode == 0 || killedAt.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }

            Assert.That(resumed.Error, Does.Contain("still running on"), "refused only while the lease holds");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
        using var report = JsonDocument.Parse(resumed.Output);
        Assert.That(report.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(Count));
        Assert.That(report.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.Zero);
        var perAddress = server.Store.Messages.SelectMany(m => m.Recipients).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(perAddress.Keys, Is.EquivalentTo(Enumerable.Range(1, Count).Select(i => $"user{i}@example.com")), "nobody is lost");
            Assert.That(perAddress.Values.Count(n => n > 1), Is.LessThanOrEqualTo(1), "at most the one message in flight at the kill arrives twice");
            Assert.That(perAddress.Values.Max(), Is.LessThanOrEqualTo(2));
        });
    }
}
