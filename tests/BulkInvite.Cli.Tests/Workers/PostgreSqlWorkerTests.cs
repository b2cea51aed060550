using BulkInvite.Cli.Tests.Workers;
using BulkInvite.PostgreSql.Tests;
using BulkInvite.Smtp.Tests.Transport;

// In the namespace of PostgresServerSetUp, which starts the throwaway cluster for the fixtures under it.
namespace BulkInvite.Cli.Tests.PostgreSql;

/// <summary>
/// <c>bulkinvite worker</c> processes sharing one PostgreSQL database and one SMTP server, broken on purpose: a worker
/// killed with SIGKILL half-way through an import, the only worker killed and started again, a worker paused past its
/// lease, the database restarted mid-import, two imports of overlapping addresses at once. No person acts: no
/// <c>resume</c>, no <c>--force</c>. Every address must arrive, and at most the sends in flight of a worker that stopped
/// (<see cref="WorkerRig.Window"/>) may arrive twice.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlWorkerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private WorkerRig _rig = null!;

    private async Task<WorkerRig> StartRigAsync(TestSmtpServerOptions? smtp = null)
        => _rig = await WorkerRig.OnPostgreSqlAsync(await PostgresServer.Current.CreateDatabaseAsync(), smtp);

    [TearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
            {
                await TestContext.Out.WriteLineAsync(_rig.Logs());
            }

            await _rig.DisposeAsync();
            _rig = null!;
        }
    }

    /// <summary>Asserts that a worker exited 0 after <c>--exit-when-idle</c> and returns how many imports it said it ran.</summary>
    private static async Task<int> ExitedIdleAsync(ToolProcess worker)
    {
        var exit = await worker.WaitForExitAsync(Long);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, worker.Error);
            Assert.That(worker.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
            Assert.That(worker.Output, Does.Match(@"^\d+ import\(s\) run to their end\.\n$"));
        }

        return int.Parse(worker.Output.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Stops a worker that runs until a signal with SIGTERM, and asserts that it stopped cleanly with 0.</summary>
    private static async Task StopAsync(ToolProcess worker)
    {
        Assert.That(worker.HasExited, Is.False, $"{worker.Name} is still running: {worker.Error}");
        worker.Signal("TERM");
        var exit = await worker.WaitForExitAsync(Long);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, worker.Error);
            Assert.That(worker.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
            Assert.That(worker.Error, Does.Contain("bulkinvite: worker stopped"));
        }
    }

    /// <summary>Asserts the import ended Completed with every entry invited, nothing left to run, and returns who ran it last.</summary>
    private async Task<string?> AssertCompletedAsync(Guid importId, int entries)
    {
        var state = await _rig.StateAsync(importId);
        var unfinished = await _rig.UnfinishedAsync();
        var report = await _rig.ReportAsync(importId);
        _rig.Print($"import {importId}: {state?.Status} after {state?.Attempts} claim(s), run by {report.GetProperty("runBy")}; {report.GetProperty("counts").GetProperty("Invited")} invited.");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state?.Status, Is.EqualTo(QueuedImportStatus.Completed), state?.Error);
            Assert.That(unfinished.IsIdle, Is.True, "nothing is left queued or claimed");
            Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("Completed"));
            Assert.That(report.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(entries));
            Assert.That(report.GetProperty("total").GetInt64(), Is.EqualTo(entries));
        }

        return report.GetProperty("runBy").GetString();
    }

    [Test]
    public async Task Two_workers_finish_an_import_of_30000_after_the_worker_running_it_is_killed_half_way()
    {
        await StartRigAsync();
        var addresses = WorkerRig.Addresses("big", 1, 30_000);
        var importId = await _rig.EnqueueAsync(_rig.InputFile("big.txt", addresses));
        _rig.Print($"enqueued {importId}");
        ToolProcess[] workers = [_rig.StartWorker("w1", "--exit-when-idle"), _rig.StartWorker("w2", "--exit-when-idle"), _rig.StartWorker("w3", "--exit-when-idle")];

        await _rig.WaitUntilAsync(() => _rig.ClaimerOf(importId, 1) is not null, Long, "a worker to claim the import");
        var killed = _rig.ClaimerOf(importId, 1)!;
        _rig.Print($"{killed.Name} claimed it");
        await _rig.WaitUntilAsync(() => _rig.Received >= addresses.Length / 2, Long, "half of the invitations");
        killed.Signal("KILL");
        _rig.Print($"{killed.Name} killed with SIGKILL at {_rig.Received} messages received");
        await killed.WaitForExitAsync(Long);

        var survivors = workers.Where(w => w != killed).ToList();
        var ran = 0;
        foreach (var worker in survivors)
        {
            ran += await ExitedIdleAsync(worker);
        }

        _rig.Print("the other two workers exited, idle");
        var twice = _rig.AssertEveryAddressReceived(addresses, WorkerRig.Window);
        await TestContext.Out.WriteLineAsync($"Addresses invited twice after the kill: {twice} (window: {WorkerRig.Window}).");
        var runBy = await AssertCompletedAsync(importId, addresses.Length);
        var ended = _rig.LastClaimerOf(importId);
        var senders = _rig.PartClaimersOf(importId);
        _rig.Print($"parts claimed by {string.Join(", ", senders.Select(w => w.Name))}; ended by {ended?.Name}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.EqualTo(1), "one of the two ended it");
            Assert.That(senders, Has.Count.EqualTo(3), "its 6 parts of 5,000 were sent by all three workers at once");
            Assert.That(ended, Is.Not.Null.And.Not.SameAs(killed), "another worker claimed it once its last part had ended");
            Assert.That(runBy, Is.EqualTo(ended?.Name));
        }
    }

    [Test]
    public async Task The_only_worker_killed_and_started_again_continues_the_import_by_itself()
    {
        await StartRigAsync();
        var addresses = WorkerRig.Addresses("again", 1, 2_000);
        var importId = await _rig.EnqueueAsync(_rig.InputFile("again.txt", addresses));
        var first = _rig.StartWorker("w1");

        await _rig.WaitUntilAsync(() => _rig.Received >= addresses.Length / 2, Long, "half of the invitations");
        first.Signal("KILL");
        _rig.Print($"w1 killed with SIGKILL at {_rig.Received} messages received");
        await first.WaitForExitAsync(Long);
        var restarted = _rig.StartWorker("w1-restarted", "--exit-when-idle");

        Assert.That(await ExitedIdleAsync(restarted), Is.EqualTo(1));
        _rig.Print("the restarted worker ran it to its end");
        var twice = _rig.AssertEveryAddressReceived(addresses, WorkerRig.Window);
        await TestContext.Out.WriteLineAsync($"Addresses invited twice after the kill: {twice} (window: {WorkerRig.Window}).");
        Assert.That(await AssertCompletedAsync(importId, addresses.Length), Is.EqualTo("w1-restarted"));
        Assert.That((await _rig.StateAsync(importId))?.Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task A_worker_paused_past_its_lease_has_its_late_writes_refused_and_keeps_running()
    {
        await StartRigAsync();
        var addresses = WorkerRig.Addresses("paused", 1, 2_500);
        var importId = await _rig.EnqueueAsync(_rig.InputFile("paused.txt", addresses));
        var workers = new[] { _rig.StartWorker("w1"), _rig.StartWorker("w2") };

        await _rig.WaitUntilAsync(() => _rig.ClaimerOf(importId, 1) is not null && _rig.Received >= addresses.Length / 4, Long, "a quarter of the invitations");
        var paused = _rig.ClaimerOf(importId, 1)!;
        var other = workers.Single(w => w != paused);
        paused.Signal("STOP");
        var atPause = _rig.Received;
        _rig.Print($"{paused.Name} paused with SIGSTOP at {atPause} messages received");

        // The lease is 2 s: a minute is far past it, on the slowest machine.
        await _rig.WaitUntilAsync(() => _rig.ClaimerOf(importId, 2) == other, TimeSpan.FromMinutes(1), $"{other.Name} to take the import over");
        var atTakeover = _rig.Received;
        _rig.Print($"{other.Name} took it over at {atTakeover} messages received");
        await _rig.WaitUntilAsync(() => _rig.Received >= atTakeover + 200, Long, $"{other.Name} to send");
        paused.Signal("CONT");
        _rig.Print($"{paused.Name} continued with SIGCONT at {_rig.Received} messages received");

        await _rig.WaitUntilAsync(() => paused.Logged($" 1303 Lost the lease on import {importId}"), Long, $"{paused.Name} to find its lease lost");
        _rig.Print($"{paused.Name} found its lease lost");
        await _rig.WaitUntilAsync(async () => (await _rig.StateAsync(importId))?.Status == QueuedImportStatus.Completed, Long, "the import to end");
        _rig.Print("the import ended");

        var twice = _rig.AssertEveryAddressReceived(addresses, WorkerRig.Window);
        await TestContext.Out.WriteLineAsync($"Addresses invited twice after the pause: {twice} (window: {WorkerRig.Window}).");
        Assert.That(await AssertCompletedAsync(importId, addresses.Length), Is.EqualTo(other.Name), "the paused worker did not record over the one that took the import over");
        Assert.That(paused.Logged($" 1003 Import {importId} ended"), Is.False, "the paused worker did not end the import");
        await StopAsync(paused);
        await StopAsync(other);
    }

    [Test]
    public async Task An_import_continues_after_PostgreSQL_is_restarted_in_its_middle()
    {
        await StartRigAsync();
        var addresses = WorkerRig.Addresses("restart", 1, 2_000);
        var importId = await _rig.EnqueueAsync(_rig.InputFile("restart.txt", addresses));
        var worker = _rig.StartWorker("w1", "--exit-when-idle");

        await _rig.WaitUntilAsync(() => _rig.Received >= addresses.Length / 3, Long, "a third of the invitations");
        await PostgresServer.Current.StopServerAsync();
        _rig.Print($"PostgreSQL stopped at {_rig.Received} messages received");
        // The server stays down for a few of the worker's lease renewals, so that they fail.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var atRestart = _rig.Received;
        await PostgresServer.Current.StartServerAsync();
        // The test's own pooled connections died with the server; the next fixture must not be handed one.
        Npgsql.NpgsqlConnection.ClearAllPools();
        _rig.Print($"PostgreSQL started again at {atRestart} messages received");

        Assert.That(await ExitedIdleAsync(worker), Is.EqualTo(1));
        _rig.Print("the worker ran the import to its end");
        foreach (var line in worker.ErrorLines.Where(l => l.Contains(" 130", StringComparison.Ordinal) || l.Contains(" 1102 ", StringComparison.Ordinal)))
        {
            _rig.Print(line);
        }

        var twice = _rig.AssertEveryAddressReceived(addresses, WorkerRig.Window);
        await TestContext.Out.WriteLineAsync($"Addresses invited twice across the restart: {twice} (window: {WorkerRig.Window}).");
        Assert.That(await AssertCompletedAsync(importId, addresses.Length), Is.EqualTo("w1"));
    }

    [Test]
    public async Task Two_imports_of_overlapping_addresses_run_by_two_workers_invite_each_address_once()
    {
        await StartRigAsync();
        var first = WorkerRig.Addresses("both", 1, 1_500);
        var second = WorkerRig.Addresses("both", 751, 1_500);
        var overlap = first.Intersect(second).Count();
        // Leases no stalled renewal outlives on a busy machine: nothing here is taken over, so no send may repeat.
        var workers = new[] { _rig.StartWorker("w1", "--lease-duration", "20"), _rig.StartWorker("w2", "--lease-duration", "20") };
        await _rig.WaitUntilAsync(() => workers.All(w => w.Logged("bulkinvite: worker ")), Long, "both workers to start");
        var firstFile = _rig.InputFile("first.txt", first);
        var secondFile = _rig.InputFile("second.txt", second);

        var ids = await Task.WhenAll(_rig.EnqueueAsync(firstFile), _rig.EnqueueAsync(secondFile));
        _rig.Print("both imports enqueued");
        await _rig.WaitUntilAsync(
            async () => (await _rig.StateAsync(ids[0]))?.Status == QueuedImportStatus.Completed && (await _rig.StateAsync(ids[1]))?.Status == QueuedImportStatus.Completed,
            Long,
            "both imports to end");
        _rig.Print("both imports ended");
        foreach (var worker in workers)
        {
            await StopAsync(worker);
        }

        var union = first.Union(second).ToList();
        _rig.AssertEveryAddressReceived(union, window: 0);
        var reports = new[] { await _rig.ReportAsync(ids[0]), await _rig.ReportAsync(ids[1]) };
        long Count(string outcome) => reports.Sum(r => r.GetProperty("counts").GetProperty(outcome).GetInt64());
        var runBy = reports.Select(r => r.GetProperty("runBy").GetString()).ToList();
        _rig.Print($"run by {string.Join(" and ", runBy)}: {Count("Invited")} invited, {Count("AlreadyInvited")} already invited");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reports.Select(r => r.GetProperty("status").GetString()), Is.All.EqualTo("Completed"));
            Assert.That(Count("Invited"), Is.EqualTo(union.Count), "each address invited once");
            Assert.That(Count("AlreadyInvited"), Is.EqualTo(overlap), "the other import found each overlapping address invited");
            Assert.That(runBy, Is.Unique, "each worker ran one import");
        }
    }
}
