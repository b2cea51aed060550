namespace BulkInvite.Cli.Tests.Workers;

/// <summary>
/// <c>bulkinvite enqueue</c> and <c>bulkinvite worker</c> processes sharing one SQLite file and one SMTP server: a worker
/// killed with SIGKILL half-way and started again continues the import by itself, with nobody running
/// <c>resume --force</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SqliteWorkerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private WorkerRig _rig = null!;

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

    [Test]
    public async Task The_only_worker_killed_and_started_again_continues_the_import_on_a_shared_file()
    {
        _rig = await WorkerRig.OnSqliteAsync();
        var addresses = WorkerRig.Addresses("file", 1, 3_000);
        var importId = await _rig.EnqueueAsync(_rig.InputFile("file.txt", addresses));
        var first = _rig.StartWorker("w1");

        await _rig.WaitUntilAsync(() => _rig.Received >= addresses.Length / 2, Long, "half of the invitations");
        first.Signal("KILL");
        _rig.Print($"w1 killed with SIGKILL at {_rig.Received} messages received");
        await first.WaitForExitAsync(Long);
        var restarted = _rig.StartWorker("w1-restarted", "--exit-when-idle");

        var exit = await restarted.WaitForExitAsync(Long);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, restarted.Error);
            Assert.That(restarted.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
            Assert.That(restarted.Output, Is.EqualTo("1 import(s) run to their end.\n"));
        }

        _rig.Print("the restarted worker ran it to its end");
        var twice = _rig.AssertEveryAddressReceived(addresses, WorkerRig.Window);
        await TestContext.Out.WriteLineAsync($"Addresses invited twice after the kill: {twice} (window: {WorkerRig.Window}).");
        var state = await _rig.StateAsync(importId);
        var report = await _rig.ReportAsync(importId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state?.Status, Is.EqualTo(QueuedImportStatus.Completed), state?.Error);
            Assert.That(state?.Attempts, Is.EqualTo(2));
            Assert.That((await _rig.UnfinishedAsync()).IsIdle, Is.True, "nothing is left queued or claimed");
            Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("Completed"));
            Assert.That(report.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(addresses.Length));
            Assert.That(report.GetProperty("runBy").GetString(), Is.EqualTo("w1-restarted"));
        }
    }
}
