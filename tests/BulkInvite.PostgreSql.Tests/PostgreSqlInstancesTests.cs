using System.Security.Cryptography;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>Several instances of a host on one database: each its own store and data source, as separate processes would have.</summary>
[TestFixture]
public sealed class PostgreSqlInstancesTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly List<PostgreSqlInviteHistoryStore> _stores = [];
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _connectionString = await PostgresServer.Current.CreateDatabaseAsync();

    [TearDown]
    public async Task DisposeStoresAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }

    private PostgreSqlInviteHistoryStore NewStore()
    {
        var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });
        _stores.Add(store);
        return store;
    }

    private static BulkInviteReport NewImport() => TestImports.New(Tenant, T0);

    private static InvitationSend Send(Guid importId, long sequence, string address) => new()
    {
        InvitationId = Guid.CreateVersion7(),
        ImportId = importId,
        Sequence = sequence,
        Line = sequence,
        Address = address,
        AddressKey = address,
        InitiatedBy = "admin",
        TokenHash = RandomNumberGenerator.GetBytes(32),
        TokenKeyId = "k1",
        SentAt = T0,
        ExpiresAt = T0.AddDays(7),
    };

    [Test]
    public async Task Two_instances_that_send_overlapping_addresses_in_opposite_orders_invite_each_address_once()
    {
        const int Addresses = 40;
        var addresses = Enumerable.Range(1, Addresses).Select(i => $"shared{i}@example.com").ToArray();
        var (first, second) = (NewStore(), NewStore());
        var (forward, backward) = (NewImport(), NewImport());
        await first.CreateImportAsync(forward);
        await second.CreateImportAsync(backward);
        var forwardSends = addresses.Select((a, i) => Send(forward.ImportId, i + 1, a)).ToList();
        var backwardSends = addresses.Reverse().Select((a, i) => Send(backward.ImportId, i + 1, a)).ToList();

        // The two transactions insert the same keys of ux_invitations_live in opposite orders: each waits for the other,
        // PostgreSQL ends one as a deadlock, and the store runs that one again.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = Task.Run(async () => { await start.Task; return await first.RecordInvitationSendsAsync(Tenant, forward.ImportId, [], forwardSends); });
        var b = Task.Run(async () => { await start.Task; return await second.RecordInvitationSendsAsync(Tenant, backward.ImportId, [], backwardSends); });
        start.SetResult();
        var statuses = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(60));

        var recorded = statuses.SelectMany(s => s).Count(s => s == InvitationSendStatus.Recorded);
        var invitations = await first.ListInvitationsAsync(Tenant, new InvitationQuery { Limit = 1_000 }, T0);
        var live = await first.FindLiveInvitationsAsync(Tenant, addresses, T0);
        TestContext.Out.WriteLine($"recorded by the first: {statuses[0].Count(s => s == InvitationSendStatus.Recorded)}, by the second: "
                                  + $"{statuses[1].Count(s => s == InvitationSendStatus.Recorded)}, transactions run again: {first.TransientRetries + second.TransientRetries}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded, Is.EqualTo(Addresses), "each address recorded by exactly one of the two");
            Assert.That(statuses.SelectMany(s => s).Count(s => s == InvitationSendStatus.AddressInvited), Is.EqualTo(Addresses));
            Assert.That(invitations.Items.Select(i => i.AddressKey), Is.EquivalentTo(addresses), "one invitation per address");
            Assert.That(live, Has.All.Not.Null);
        }
    }

    [Test]
    public async Task Four_instances_staging_and_updating_one_import_at_once_lose_nothing()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToArray();
        var import = NewImport();
        await stores[0].CreateImportAsync(import);

        await Task.WhenAll(stores.Select((store, n) => Task.Run(async () =>
        {
            for (var batch = 0; batch < 25; batch++)
            {
                var first = (((batch * 4) + n) * 100) + 1;
                var entries = Enumerable.Range(first, 100).Select(i => new InviteEntryResult
                {
                    Sequence = i, Line = i, Address = $"user{i}@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0,
                }).ToList();
                await store.AddEntriesAsync(Tenant, import.ImportId, entries);
                await store.UpdateEntriesAsync(Tenant, import.ImportId, entries.Where(e => e.Sequence % 2 == 0)
                    .Select(e => new InviteEntryUpdate { Sequence = e.Sequence, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }).ToList());
                await store.UpdateImportAsync(import with { Counts = new OutcomeCounts { Invited = batch } });
            }
        }))).WaitAsync(TimeSpan.FromSeconds(120));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await stores[1].ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Limit = 1 })).TotalCount, Is.EqualTo(10_000));
            Assert.That((await stores[2].ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited, Limit = 1 })).TotalCount, Is.EqualTo(5_000));
            Assert.That((await stores[3].GetImportAsync(Tenant, import.ImportId))!.Counts.Invited, Is.EqualTo(24));
        }
    }
}
