using BulkInvite.Testing;

namespace BulkInvite.Sqlite.Tests;

/// <summary>The work-store contract against a fresh database file per test; reopening reads the same file anew, and concurrent claims come from other stores on the file, as other processes would make them.</summary>
[TestFixture]
public sealed class SqliteImportWorkStoreContractTests : ImportWorkStoreContractTests
{
    private readonly List<SqliteInviteHistoryStore> _concurrent = [];
    private TempFolder _folder = null!;
    private string _databasePath = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [OneTimeTearDown]
    public void DeleteFolder() => _folder.Dispose();

    protected override Task<(IInviteHistoryStore History, IImportWorkStore Work)> CreateStoreAsync()
    {
        _databasePath = _folder.File($"{Guid.NewGuid():N}.db");
        var store = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath });
        return Task.FromResult<(IInviteHistoryStore, IImportWorkStore)>((store, store));
    }

    protected override async Task<(IInviteHistoryStore History, IImportWorkStore Work)> ReopenStoreAsync((IInviteHistoryStore History, IImportWorkStore Work) store)
    {
        await ((SqliteInviteHistoryStore)store.Work).DisposeAsync();
        var reopened = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath });
        return (reopened, reopened);
    }

    /// <summary>Other stores on the same file: each its own connections and write lock, as other processes would have.</summary>
    protected override Task<IReadOnlyList<(IInviteHistoryStore History, IImportWorkStore Work)>> OpenConcurrentStoresAsync(int count)
    {
        var stores = new List<(IInviteHistoryStore, IImportWorkStore)>();
        for (var i = 0; i < count; i++)
        {
            var store = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath });
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
