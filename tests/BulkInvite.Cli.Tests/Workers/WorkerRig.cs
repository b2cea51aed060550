using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BulkInvite.Smtp.Tests.Transport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Tests.Workers;

/// <summary>
/// What the multi-process tests of <c>bulkinvite worker</c> share: one history database (PostgreSQL or a SQLite file),
/// one real SMTP server on 127.0.0.1, the tool's <c>enqueue</c> and <c>worker</c> as child processes with short leases,
/// and the work store read from the test through the SDK, as any instance sees it.
/// </summary>
internal sealed class WorkerRig : IAsyncDisposable
{
    /// <summary>
    /// The tool's <c>MaxParallelSends</c> (4): the most invitations a worker that dies can have sent without a record,
    /// and so the most addresses that may be invited twice when its import is taken over.
    /// </summary>
    public const int Window = 4;

    /// <summary>Leases of 2 s renewed every 0.67 s, and idle workers looking for work every 0.2 s.</summary>
    private static readonly string[] ShortLeases = ["--lease-duration", "2", "--poll-interval", "0.2"];

    private readonly List<ToolProcess> _processes = [];
    private readonly ServiceProvider _sdk;
    private readonly string[] _storeArgs;
    private readonly Dictionary<string, string> _environment;

    private WorkerRig(string folder, TestSmtpServer smtp, string[] storeArgs, Dictionary<string, string> environment, ServiceProvider sdk)
    {
        Folder = folder;
        Smtp = smtp;
        _storeArgs = storeArgs;
        _environment = environment;
        _sdk = sdk;
    }

    public string Folder { get; }

    public TestSmtpServer Smtp { get; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>A rig on a PostgreSQL database; the token key is in <c>$BULKINVITE_TOKEN_KEY</c>.</summary>
    public static async Task<WorkerRig> OnPostgreSqlAsync(string connectionString, TestSmtpServerOptions? smtp = null)
    {
        var folder = NewFolder();
        var environment = new Dictionary<string, string>
        {
            ["BULKINVITE_DB"] = Path.Combine(folder, "unused.db"),
            ["BULKINVITE_TOKEN_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var services = new ServiceCollection();
        services.AddBulkInvite().AddPostgreSqlHistoryStore(o => o.ConnectionString = connectionString).AddBackgroundImports();
        return new WorkerRig(folder, await TestSmtpServer.StartAsync(smtp), ["--postgres", connectionString], environment, services.BuildServiceProvider());
    }

    /// <summary>A rig on a SQLite file that every process opens; the token key file is the one the first worker creates beside it.</summary>
    public static async Task<WorkerRig> OnSqliteAsync(TestSmtpServerOptions? smtp = null)
    {
        var folder = NewFolder();
        var database = Path.Combine(folder, "history.db");
        var services = new ServiceCollection();
        services.AddBulkInvite().AddSqliteHistoryStore(o => o.DatabasePath = database).AddBackgroundImports();
        return new WorkerRig(folder, await TestSmtpServer.StartAsync(smtp), ["--db", database], new Dictionary<string, string> { ["BULKINVITE_DB"] = database }, services.BuildServiceProvider());
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Addresses <c>{prefix}{i}@example.com</c> for i from <paramref name="first"/>, <paramref name="count"/> of them.</summary>
    public static string[] Addresses(string prefix, int first, int count)
        => [.. Enumerable.Range(first, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}@example.com"))];

    /// <summary>Writes an address list, one a line, and returns its path.</summary>
    public string InputFile(string name, IEnumerable<string> addresses)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllLines(path, addresses);
        return path;
    }

    /// <summary>Runs <c>bulkinvite enqueue FILE --format json</c> to its end and returns the import's id.</summary>
    public async Task<Guid> EnqueueAsync(string file)
    {
        var result = await CliRunner.RunProcessAsync(_environment, [], ["enqueue", file, .. _storeArgs, "--format", "json"]);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Queued"));
        return json.RootElement.GetProperty("importId").GetGuid();
    }

    /// <summary>Runs another command of the tool on the rig's database to its end.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunProcessAsync(_environment, [], [.. args, .. _storeArgs]);

    /// <summary>
    /// Starts <c>bulkinvite worker --name NAME</c> on the rig's database and SMTP server, with short leases unless
    /// <paramref name="args"/> give <c>--lease-duration</c>.
    /// </summary>
    public ToolProcess StartWorker(string name, params string[] args)
    {
        var leases = args.Contains("--lease-duration") ? ShortLeases[2..] : ShortLeases;
        var process = new ToolProcess(
            name,
            _environment,
            ["worker", .. _storeArgs, "--smtp", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Smtp.Port}"), "--tls", "none", "--name", name, .. leases, .. args]);
        _processes.Add(process);
        return process;
    }

    /// <summary>How many messages the SMTP server has accepted.</summary>
    public int Received => Smtp.Store.Messages.Count;

    /// <summary>The messages accepted per envelope recipient.</summary>
    public Dictionary<string, int> ReceivedPerAddress()
        => Smtp.Store.Messages.SelectMany(m => m.Recipients).GroupBy(r => r, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The import as every instance sees it in the shared work store.</summary>
    public Task<QueuedImportState?> StateAsync(Guid importId)
        => _sdk.GetRequiredService<IImportWorkStore>().GetStateAsync("cli", importId, DateTimeOffset.UtcNow);

    /// <summary>What is left to run in the shared work store, every tenant's.</summary>
    public Task<ImportWorkCounts> UnfinishedAsync() => _sdk.GetRequiredService<IImportWorkStore>().CountUnfinishedAsync();

    /// <summary>The import's report as <c>bulkinvite report ID --summary --format json</c> prints it.</summary>
    public async Task<JsonElement> ReportAsync(Guid importId)
    {
        var result = await RunAsync("report", importId.ToString(), "--summary", "--format", "json");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.Clone();
    }

    /// <summary>Waits, checking every 20 ms, until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = Clock.Elapsed + timeout;
        while (!condition())
        {
            if (Clock.Elapsed > until)
            {
                Assert.Fail($"Waited {timeout.TotalSeconds:0} s for {what}; {Received} messages received.\n{Logs()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>As <see cref="WaitUntilAsync(Func{bool}, TimeSpan, string)"/>, for a condition read from the store (whose errors mean "not yet").</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var until = Clock.Elapsed + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                // The database is being restarted: ask again.
            }

            if (Clock.Elapsed > until)
            {
                Assert.Fail($"Waited {timeout.TotalSeconds:0} s for {what}; {Received} messages received.\n{Logs()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The worker that logged its claim of the import (attempt <paramref name="attempt"/>), or <see langword="null"/>.</summary>
    public ToolProcess? ClaimerOf(Guid importId, int attempt)
        => _processes.SingleOrDefault(p => p.ErrorLines.Any(l => l.Contains($" 1301 Import {importId} claimed by {p.Name} (attempt {attempt},", StringComparison.Ordinal)));

    /// <summary>The worker that logged the last claim of the import itself (the one that ends a split import), or <see langword="null"/>.</summary>
    public ToolProcess? LastClaimerOf(Guid importId)
        => _processes
            .SelectMany(p => p.ErrorLines.Where(l => l.Contains($" 1301 Import {importId} claimed by {p.Name} ", StringComparison.Ordinal)).Select(l => (Process: p, Line: l)))
            .OrderBy(c => c.Line[..c.Line.IndexOf(' ', StringComparison.Ordinal)], StringComparer.Ordinal)
            .Select(c => c.Process)
            .LastOrDefault();

    /// <summary>The workers that logged a claim of a part of the import.</summary>
    public IReadOnlyList<ToolProcess> PartClaimersOf(Guid importId)
        => _processes.Where(p => p.ErrorLines.Any(l => l.Contains($" 1308 Part ", StringComparison.Ordinal) && l.Contains($" of import {importId} claimed by {p.Name} ", StringComparison.Ordinal))).ToList();

    /// <summary>Every process's stderr, for a failure's message.</summary>
    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Name} ({(p.HasExited ? "exited " + p.Process.ExitCode : "running")}):\n{p.Error}"));

    /// <summary>Writes a line with the time since the rig started to the test's output.</summary>
    public void Print(string line) => TestContext.Out.WriteLine($"[{Clock.Elapsed.TotalSeconds,6:0.00} s] {line}");

    /// <summary>
    /// Asserts that every address arrived, none that was not asked for, none more than twice, and at most
    /// <paramref name="window"/> of them twice; prints how many arrived twice and returns it.
    /// </summary>
    public int AssertEveryAddressReceived(IReadOnlyCollection<string> addresses, int window)
    {
        var received = ReceivedPerAddress();
        var missing = addresses.Where(a => !received.ContainsKey(a)).ToList();
        var twice = received.Where(r => r.Value > 1).ToList();
        var strangers = received.Keys.Except(addresses, StringComparer.OrdinalIgnoreCase).ToList();
        Print($"{addresses.Count} addresses, {received.Values.Sum()} messages received: {missing.Count} missing, {twice.Count} received twice ({string.Join(", ", twice.Select(t => $"{t.Key} x{t.Value}"))}), window {window}.");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing, Is.Empty, "every address is invited");
            Assert.That(strangers, Is.Empty, "nobody else is invited");
            Assert.That(twice.Where(t => t.Value > 2), Is.Empty, "nobody is invited three times");
            Assert.That(twice, Has.Count.LessThanOrEqualTo(window), "at most the sends in flight of a worker that stopped are sent again");
        }

        return twice.Count;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        await Smtp.DisposeAsync();
        await _sdk.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is ending: the temp folder is cleaned up later.
        }
    }
}
