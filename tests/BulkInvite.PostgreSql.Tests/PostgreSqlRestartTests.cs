using Microsoft.Extensions.Logging;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// Transient failures against the real server: a restart in the middle of a run, a connection killed in the middle of
/// a COPY, and a server that stays down longer than the store retries.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlRestartTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _connectionString = await PostgresServer.Current.CreateDatabaseAsync();

    /// <summary>The restarts ended the idle connections of every pool: the fixtures that run next open new ones.</summary>
    [TearDown]
    public void ClearPools() => NpgsqlConnection.ClearAllPools();

    private PostgreSqlInviteHistoryStore NewStore(TimeSpan retryTimeout)
        => new(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString, RetryTimeout = retryTimeout });

    private static List<InviteEntryResult> Entries(int first, int count) => Enumerable.Range(first, count).Select(i => new InviteEntryResult
    {
        Sequence = i,
        Line = i,
        Address = $"user{i}@example.com",
        Outcome = InviteOutcome.Pending,
        UpdatedAt = T0,
    }).ToList();

    private static BulkInviteReport NewImport() => TestImports.New(Tenant, T0);

    [Test]
    public async Task Calls_made_while_the_server_restarts_wait_for_it_and_are_stored_once()
    {
        var log = new RecordingLoggerFactory();
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString, RetryTimeout = TimeSpan.FromSeconds(60) }, log);
        var import = NewImport();
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync(Tenant, import.ImportId, Entries(1, 1_000));

        Task write;
        Task<BulkInviteReport?> read;
        Task update;
        await PostgresServer.Current.StopServerAsync();
        try
        {
            write = store.AddEntriesAsync(Tenant, import.ImportId, Entries(1_001, 1_000));
            read = store.GetImportAsync(Tenant, import.ImportId);
            update = store.UpdateEntriesAsync(Tenant, import.ImportId, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.That(new[] { write.IsCompleted, read.IsCompleted, update.IsCompleted }, Is.All.False, "the calls wait while the server is down");
        }
        finally
        {
            await PostgresServer.Current.StartServerAsync();
        }

        await Task.WhenAll(write, read, update).WaitAsync(TimeSpan.FromSeconds(30));
        var page = await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Limit = 1 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await read, Is.EqualTo(import));
            Assert.That(page.TotalCount, Is.EqualTo(2_000), "the batch written while the server was down is there once");
            Assert.That(page.Items.Single().Outcome, Is.EqualTo(InviteOutcome.Invited));
            Assert.That(store.TransientRetries, Is.GreaterThan(0));
            Assert.That(log.Messages.Where(m => m.Category == "BulkInvite.PostgreSql" && m.EventId == 2100).Select(m => m.Level), Is.Not.Empty.And.All.EqualTo(LogLevel.Warning), "each retry is logged");
        }
    }

    [Test]
    public async Task A_connection_killed_in_the_middle_of_a_copy_leaves_nothing_and_the_batch_is_written_again_whole()
    {
        await using var store = NewStore(TimeSpan.FromSeconds(30));
        var import = NewImport();
        await store.CreateImportAsync(import);
        var entries = Entries(1, 400_000);

        var write = store.AddEntriesAsync(Tenant, import.ImportId, entries);
        var killed = false;
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            while (!killed && !write.IsCompleted)
            {
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'COPY bulkinvite.entries%' AND pid <> pg_backend_pid()", admin);
                killed = (long)(await kill.ExecuteScalarAsync())! > 0;
            }
        }

        await write.WaitAsync(TimeSpan.FromSeconds(60));
        var page = await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { AfterSequence = 399_999 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(killed, Is.True, "the COPY was caught and its connection ended");
            Assert.That(store.TransientRetries, Is.GreaterThan(0));
            Assert.That(page.TotalCount, Is.EqualTo(400_000), "every entry once: the killed COPY left nothing");
            Assert.That(page.Items.Single().Sequence, Is.EqualTo(400_000));
        }
    }

    [Test]
    public async Task A_call_gives_up_once_the_retry_timeout_has_passed_and_wrote_nothing()
    {
        await using var store = NewStore(TimeSpan.FromSeconds(1));
        var import = NewImport();
        await store.CreateImportAsync(import);

        await PostgresServer.Current.StopServerAsync();
        Exception? failure;
        try
        {
            failure = Assert.CatchAsync(() => store.AddEntriesAsync(Tenant, import.ImportId, Entries(1, 10)));
        }
        finally
        {
            await PostgresServer.Current.StartServerAsync();
        }

        Assert.That(failure, Is.InstanceOf<NpgsqlException>());
        Assert.That((await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery())).TotalCount, Is.Zero);
    }
}
