using BulkInvite.Testing;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// The work-store contract against the test run's PostgreSQL server: one database for the fixture, emptied before each
/// test; reopening and concurrent stores each get a data source of their own, as other instances would.
/// </summary>
[TestFixture]
public sealed class PostgreSqlImportWorkStoreContractTests : ImportWorkStoreContractTests
{
    private readonly List<PostgreSqlInviteHistoryStore> _concurrent = [];
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        _connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = NewStore();
        await store.CountUnfinishedAsync();
    }

    private PostgreSqlInviteHistoryStore NewStore() => new(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });

    protected override async Task<(IInviteHistoryStore History, IImportWorkStore Work)> CreateStoreAsync()
    {
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var truncate = new NpgsqlCommand(
                "TRUNCATE bulkinvite.work_parts, bulkinvite.work, bulkinvite.upload_chunks, bulkinvite.invitations, bulkinvite.entries, bulkinvite.imports", connection);
            await truncate.ExecuteNonQueryAsync();
        }

        var store = NewStore();
        return (store, store);
    }

    protected override async Task<(IInviteHistoryStore History, IImportWorkStore Work)> ReopenStoreAsync((IInviteHistoryStore History, IImportWorkStore Work) store)
    {
        await ((PostgreSqlInviteHistoryStore)store.History).DisposeAsync();
        var reopened = NewStore();
        return (reopened, reopened);
    }

    protected override Task<IReadOnlyList<(IInviteHistoryStore History, IImportWorkStore Work)>> OpenConcurrentStoresAsync(int count)
    {
        var stores = new List<(IInviteHistoryStore, IImportWorkStore)>();
        for (var i = 0; i < count; i++)
        {
            var store = NewStore();
            _concurrent.Add(store);
            stores.Add((store, store));
        }

        return Task.FromResult<IReadOnlyList<(IInviteHistoryStore History, IImportWorkStore Work)>>(stores);
    }

    [TearDown]
    public async Task DisposeConcurrentStores()
    {
        foreach (var store in _concurrent)
        {
            await store.DisposeAsync();
        }

        _concurrent.Clear();
    }
}
