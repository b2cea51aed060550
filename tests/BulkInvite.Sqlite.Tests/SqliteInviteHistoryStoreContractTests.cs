using BulkInvite.Testing;

namespace BulkInvite.Sqlite.Tests;

/// <summary>The history-store contract against a fresh database file per test; reopening reads the same file anew.</summary>
[TestFixture]
public sealed class SqliteInviteHistoryStoreContractTests : InviteHistoryStoreContractTests
{
    private readonly List<SqliteInviteHistoryStore> _concurrent = [];
    private TempFolder _folder = null!;
    private string _databasePath = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [OneTimeTearDown]
    public void DeleteFolder() => _folder.Dispose();

    protected override Task<IInviteHistoryStore> CreateStoreAsync()
    {
        _databasePath = _folder.File($"{Guid.NewGuid():N}.db");
        return Task.FromResult<IInviteHistoryStore>(new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath }));
    }

    /// <summary>Other stores on the same file: each its own connections and write lock, as other processes would have.</summary>
    protected override Task<IReadOnlyList<IInviteHistoryStore>> OpenConcurrentStoresAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _concurrent.Add(new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath }));
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
        await ((SqliteInviteHistoryStore)store).DisposeAsync();
        return new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath });
    }
}
