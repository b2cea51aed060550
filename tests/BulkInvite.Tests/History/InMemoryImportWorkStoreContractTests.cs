using BulkInvite.Testing;

namespace BulkInvite.Tests.History;

[TestFixture]
public sealed class InMemoryImportWorkStoreContractTests : ImportWorkStoreContractTests
{
    protected override Task<(IInviteHistoryStore History, IImportWorkStore Work)> CreateStoreAsync()
    {
        var store = new InMemoryInviteHistoryStore();
        return Task.FromResult<(IInviteHistoryStore, IImportWorkStore)>((store, store));
    }
}
