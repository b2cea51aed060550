using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Cli.Tests;

/// <summary>
/// The exactly-once promise of <c>bulkinvite send</c>, broken on purpose with the real tool as a child process, a real
/// SQLite file and a real pickup folder: Ctrl+C and SIGTERM mid-send, another process holding the database's write
/// lock, and kill -9. Each test counts the messages written against what the history recorded.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SendingFaultTests
{
    /// <summary>The tool's default <c>MaxParallelSends</c>: the most messages that may be sent but not recorded.</summary>
    private const int Window = 4;

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
        SqliteConnection.ClearAllPools();
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

    private string InputFile(int count)
    {
        var path = Path.Combine(_folder, "invitees.txt");
        File.WriteAllLines(path, Enumerable.Range(1, count).Select(i => $"user{i}@example.com"));
        return path;
    }

    /// <summary>The tool as a child process with its standard streams captured.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Task<string> _output;
        private readonly Task<string> _error;

        public Child(params string[] args)
        {
            // As from a terminal: a process started in the background by a script (as a CI job is) inherits SIGINT
            // ignored, and the runtime keeps it so; env (coreutils) restores the default before it runs the tool.
            var start = new ProcessStartInfo("env")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BulkInvite.Cli.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            Process = Process.Start(start)!;
            Process.StandardInput.Close();
            _output = Process.StandardOutput.ReadToEndAsync();
            _error = Process.StandardError.ReadToEndAsync();
        }

        public Process Process { get; }

        public void Signal(string name)
        {
            using var kill = Process.Start("kill", ["-s", name, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }

        public async Task<(int ExitCode, string Output, string Error)> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            await Process.WaitForExitAsync(cts.Token);
            return (Process.ExitCode, await _output, await _error);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    /// <summary>
    /// The pickup folder's messages per recipient: a file name ends with the address, and a "-N" when a message to the
    /// same address was written in the same second.
    /// </summary>
    private Dictionary<string, int> MessagesPerAddress()
        => Directory.Exists(Pickup)
            ? Directory.EnumerateFiles(Pickup, "*.eml")
                .Select(f => System.Text.RegularExpressions.Regex.Replace(Path.GetFileNameWithoutExtension(f).Split('-', 5)[4], "-[0-9]+$", string.Empty))
                .GroupBy(a => a, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)
            : [];

    private int MessageCount() => Directory.Exists(Pickup) ? Directory.EnumerateFiles(Pickup, "*.eml").Count() : 0;

    private async Task WaitForMessagesAsync(Child child, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (MessageCount() < count && deadline.Elapsed < TimeSpan.FromSeconds(90) && !child.Process.HasExited)
        {
            await Task.Delay(10);
        }

        Assert.That(child.Process.HasExited, Is.False, "the import must still be sending");
    }

    private async Task<JsonElement> OnlyImportAsync()
    {
        var history = await CliRunner.RunAsync(string.Empty, "history", "--db", Database, "--format", "json");
        using var json = JsonDocument.Parse(history.Output);
        return json.RootElement.GetProperty("imports")[0].Clone();
    }

    private static long Count(JsonElement import, string outcome) => import.GetProperty("counts").GetProperty(outcome).GetInt64();

    /// <summary>Sends <paramref name="signal"/> mid-send: the tool winds down, records every message it wrote, and exits with the signal's code.</summary>
    [TestCase("INT", 130)]
    [TestCase("TERM", 143)]
    public async Task A_signal_mid_send_ends_the_import_Cancelled_with_every_message_recorded_and_resume_sends_the_rest_once(string signal, int exitCode)
    {
        const int Total = 20_000;
        using var child = new Child("send", InputFile(Total), "--pickup", Pickup, "--db", Database, "--format", "json");
        await WaitForMessagesAsync(child, 500);

        child.Signal(signal);
        var (exit, output, error) = await child.WaitAsync(TimeSpan.FromSeconds(60));

        var import = await OnlyImportAsync();
        var written = MessageCount();
        var stopLines = error.Split('\n').Where(l => l.Contains("cancelled", StringComparison.Ordinal)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(exitCode), error);
            Assert.That(stopLines, Has.Count.EqualTo(1), error);
            Assert.That(stopLines[0], Does.Contain("bulkinvite resume " + import.GetProperty("importId").GetString()));
            Assert.That(error, Does.Not.Contain("   at ").And.Not.Contain("Unhandled"));
            Assert.That(output, Is.Empty);
            Assert.That(import.GetProperty("status").GetString(), Is.EqualTo("Cancelled"));
            Assert.That(Count(import, "Invited"), Is.EqualTo(written), "every message written is recorded");
            Assert.That(Count(import, "Sending"), Is.Zero);
            Assert.That(Count(import, "Invited") + Count(import, "Skipped"), Is.EqualTo(Total));
            Assert.That(written, Is.LessThan(Total), "the signal stopped sending");
        }

        // A cancelled import is resumed at once (no --force), and sends what was skipped.
        var resumed = await CliRunner.RunProcessAsync("resume", import.GetProperty("importId").GetString()!, "--pickup", Pickup, "--db", Database, "--summary", "--format", "json");
        var perAddress = MessagesPerAddress();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
            Assert.That(perAddress, Has.Count.EqualTo(Total), "nobody is lost");
            Assert.That(perAddress.Values.Max(), Is.EqualTo(1), "nobody is invited twice");
        }
    }

    /// <summary>
    /// Another process takes the database's write lock mid-send and keeps it past the store's busy timeout (30 s):
    /// sending stalls at once with at most MaxParallelSends messages unrecorded, the import stops Failed, and resume
    /// sends every address once, with at most MaxParallelSends sent twice.
    /// </summary>
    [Test]
    public async Task A_database_locked_by_another_process_stalls_sending_and_resume_sends_each_address_once_beyond_the_window()
    {
        const int Total = 50_000;
        using var child = new Child("send", InputFile(Total), "--pickup", Pickup, "--db", Database, "--format", "json");
        await WaitForMessagesAsync(child, 1_000);

        var maxUnrecorded = 0L;
        await using (var locker = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }

            // While the lock is held nothing can be recorded: count what is recorded, then what was written.
            var held = Stopwatch.StartNew();
            while (held.Elapsed < TimeSpan.FromSeconds(33))
            {
                await using var count = locker.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM entries WHERE outcome IN (1, 6)";
                var recorded = (long)(await count.ExecuteScalarAsync())!;
                var written = MessageCount();
                maxUnrecorded = Math.Max(maxUnrecorded, written - recorded);
                await Task.Delay(250);
            }

            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        var (exit, _, error) = await child.WaitAsync(TimeSpan.FromSeconds(120));
        var import = await OnlyImportAsync();
        var id = import.GetProperty("importId").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(maxUnrecorded, Is.InRange(0, Window), "sent but not recorded while the store was locked");
            Assert.That(exit, Is.EqualTo(1), error);
            Assert.That(error, Does.Contain("bulkinvite resume " + id));
            Assert.That(error, Does.Not.Contain("   at "));
            Assert.That(MessageCount(), Is.LessThan(Total), "sending stopped with the store");
            Assert.That(Count(import, "Sending"), Is.InRange(0, Window));
        }

        var resumed = await CliRunner.RunProcessAsync("resume", id, "--force", "--pickup", Pickup, "--db", Database, "--summary", "--format", "json");
        var perAddress = MessagesPerAddress();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
            Assert.That(perAddress, Has.Count.EqualTo(Total), "nobody is lost");
            Assert.That(perAddress.Values.Count(n => n > 1), Is.InRange(0, Window), "at most MaxParallelSends invited twice");
            Assert.That(perAddress.Values.Max(), Is.LessThanOrEqualTo(2));
        }
    }

    /// <summary>kill -9 at several moments of a send: resume leaves nobody out and invites at most MaxParallelSends twice.</summary>
    [TestCase(300)]
    [TestCase(2_000)]
    [TestCase(6_000)]
    public async Task A_send_killed_at_any_moment_is_resumed_with_at_most_MaxParallelSends_invited_twice(int killAfter)
    {
        const int Total = 10_000;
        using (var child = new Child("send", InputFile(Total), "--pickup", Pickup, "--db", Database, "--format", "json"))
        {
            await WaitForMessagesAsync(child, killAfter);
            child.Process.Kill(entireProcessTree: true);
            await child.Process.WaitForExitAsync();
        }

        var import = await OnlyImportAsync();
        var id = import.GetProperty("importId").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(import.GetProperty("status").GetString(), Is.EqualTo("Running"));
            Assert.That(Count(import, "Sending"), Is.InRange(0, Window));
        }

        var resumed = await CliRunner.RunProcessAsync("resume", id, "--force", "--pickup", Pickup, "--db", Database, "--format", "json");
        var perAddress = MessagesPerAddress();
        using var report = JsonDocument.Parse(resumed.Output);
        var entries = report.RootElement.GetProperty("entries").EnumerateArray().ToList();
        var twice = perAddress.Where(p => p.Value > 1).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
            Assert.That(perAddress, Has.Count.EqualTo(Total), "nobody is lost; " + string.Join(", ", perAddress.Keys.Where(k => !k.StartsWith("user", StringComparison.Ordinal) || !k.EndsWith("@example.com", StringComparison.Ordinal)).Take(5)));
            Assert.That(twice, Has.Count.InRange(0, Window));
            Assert.That(perAddress.Values.Max(), Is.LessThanOrEqualTo(2));
            Assert.That(
                entries.Where(e => twice.Contains(e.GetProperty("address").GetString()!)).Select(e => e.GetProperty("reason").GetString()),
                Is.All.EqualTo("InFlightAfterCrash"),
                "an address invited twice was in flight at the kill, and its entry says so");
        }
    }
    [Test]
    public async Task Resume_with_in_flight_MarkUnknown_sends_nobody_twice_and_reports_the_entries_in_flight_as_Unknown()
    {
        const int Total = 10_000;
        using (var child = new Child("send", InputFile(Total), "--pickup", Pickup, "--db", Database, "--format", "json"))
        {
            await WaitForMessagesAsync(child, 1_000);
            child.Process.Kill(entireProcessTree: true);
            await child.Process.WaitForExitAsync();
        }

        var import = await OnlyImportAsync();
        var id = import.GetProperty("importId").GetString()!;
        var inFlight = Count(import, "Sending");

        var resumed = await CliRunner.RunProcessAsync("resume", id, "--force", "--in-flight", "MarkUnknown", "--pickup", Pickup, "--db", Database, "--format", "json");
        using var report = JsonDocument.Parse(resumed.Output);
        var unknown = report.RootElement.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("outcome").GetString() == "Unknown").ToList();
        var perAddress = MessagesPerAddress();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
            Assert.That(report.RootElement.GetProperty("status").GetString(), Is.EqualTo(inFlight > 0 ? "CompletedWithErrors" : "Completed"));
            Assert.That(unknown, Has.Count.EqualTo(inFlight));
            Assert.That(unknown.Select(e => e.GetProperty("reason").GetString()), Is.All.EqualTo("InFlightAfterCrash"));
            Assert.That(report.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64() + unknown.Count, Is.EqualTo(Total));
            Assert.That(perAddress.Values.Max(), Is.EqualTo(1), "nobody is invited twice");
            Assert.That(perAddress.Count, Is.InRange(Total - Window, Total), "only an entry in flight that never left can be missing");
        }
    }
}
