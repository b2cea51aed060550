using BulkInvite.Testing;

namespace BulkInvite.Sqlite.Tests;

/// <summary>The history-store contract against a fresh database file per test; reopening reads the same file anew.</summary>
[TestFixture]
public sealed class SqliteInviteHistoryStoreContractTests : InviteHistoryStoreContractTests
{
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

    protected override async Task<IInviteHistoryStore> ReopenStoreAsync(IInviteHistoryStore store)
    {
        await ((SqliteInviteHistoryStore)store).DisposeAsync();
        return new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = _databasePath });
    }
}
