using BulkInvite.Testing;

namespace BulkInvite.Tests.History;

[TestFixture]
public sealed class InMemoryInviteHistoryStoreContractTests : InviteHistoryStoreContractTests
{
    protected override Task<IInviteHistoryStore> CreateStoreAsync() => Task.FromResult<IInviteHistoryStore>(new InMemoryInviteHistoryStore());
}
