using BulkInvite.Testing;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// The history-store contract against the test run's PostgreSQL server: one database for the fixture, emptied before
/// each test; reopening and concurrent stores each get a data source of their own, as other instances would.
/// </summary>
[TestFixture]
public sealed class PostgreSqlInviteHistoryStoreContractTests : InviteHistoryStoreContractTests
{
    private readonly List<PostgreSqlInviteHistoryStore> _concurrent = [];
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        _connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = NewStore();
        await store.GetImportAsync("setup", Guid.NewGuid());
    }

    private PostgreSqlInviteHistoryStore NewStore() => new(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });

    protected override async Task<IInviteHistoryStore> CreateStoreAsync()
    {
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var truncate = new NpgsqlCommand("TRUNCATE bulkinvite.invitations, bulkinvite.entries, bulkinvite.imports", connection);
            await truncate.ExecuteNonQueryAsync();
        }

        return NewStore();
    }

    protected override Task<IReadOnlyList<IInviteHistoryStore>> OpenConcurrentStoresAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _concurrent.Add(NewStore());
        }

        return Task.FromResult<IReadOnlyList<IInviteHistoryStore>>(_concurrent.ToArray());
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

    protected override async Task<IInviteHistoryStore> ReopenStoreAsync(IInviteHistoryStore store)
    {
        await ((PostgreSqlInviteHistoryStore)store).DisposeAsync();
        return NewStore();
    }
}
