namespace BulkInvite.Testing;

/// <summary>
/// The behaviour every <see cref="IInviteHistoryStore"/> must have, run against each store by a derived
/// <c>[TestFixture]</c>: tenant scoping, ordering and paging, errors, round trips of every field, concurrency and
/// argument validation. A durable store overrides <see cref="ReopenStoreAsync"/>, so that round trips are read
/// back from storage rather than from the instance that wrote them.
/// </summary>
public abstract partial class InviteHistoryStoreContractTests
{
    /// <summary>The tenant most tests write as.</summary>
    protected const string TenantA = "tenant-a";

    /// <summary>Another tenant, which must see nothing of <see cref="TenantA"/>.</summary>
    protected const string TenantB = "tenant-b";

    /// <summary>A fixed point in time that test data is dated from.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The store under test, new for each test.</summary>
    protected IInviteHistoryStore Store { get; private set; } = null!;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IInviteHistoryStore> CreateStoreAsync();

    /// <summary>
    /// Closes a store and opens it again on the same storage. A store that keeps nothing beyond its instance
    /// returns it unchanged (the default).
    /// </summary>
    /// <param name="store">The store to close.</param>
    /// <returns>The reopened store.</returns>
    protected virtual Task<IInviteHistoryStore> ReopenStoreAsync(IInviteHistoryStore store) => Task.FromResult(store);

    /// <summary>Creates the store for a test.</summary>
    /// <returns>A task that completes when the store exists.</returns>
    [SetUp]
    public async Task CreateStoreForTestAsync() => Store = await CreateStoreAsync().ConfigureAwait(false);

    /// <summary>Disposes the store after a test, if it is disposable.</summary>
    /// <returns>A task that completes when the store is disposed.</returns>
    [TearDown]
    public async Task DisposeStoreAfterTestAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Replaces <see cref="Store"/> with the store reopened on the same storage.</summary>
    /// <returns>A task that completes when the store is open again.</returns>
    protected async Task ReopenAsync() => Store = await ReopenStoreAsync(Store).ConfigureAwait(false);

    /// <summary>A new import summary.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="minutes">Minutes after <see cref="T0"/> that it was created.</param>
    /// <param name="preview">Whether it is a preview.</param>
    /// <returns>The summary.</returns>
    protected static BulkInviteReport NewImport(string tenant = TenantA, int minutes = 0, bool preview = false) => new()
    {
        ImportId = Guid.NewGuid(),
        TenantId = tenant,
        FileName = $"invitees-{minutes}.txt",
        InitiatedBy = "admin@example.com",
        CreatedAt = T0.AddMinutes(minutes),
        IsPreview = preview,
    };

    /// <summary>A new staged entry.</summary>
    /// <param name="sequence">The entry's sequence number (also its line).</param>
    /// <param name="outcome">Its outcome.</param>
    /// <param name="address">Its address; <c>user{sequence}@example.com</c> when not given.</param>
    /// <returns>The entry.</returns>
    protected static InviteEntryResult NewEntry(long sequence, InviteOutcome outcome = InviteOutcome.Pending, string? address = null) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = address ?? $"user{sequence}@example.com",
        Outcome = outcome,
        UpdatedAt = T0,
    };

    /// <summary>Stores a new import.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="minutes">Minutes after <see cref="T0"/> that it was created.</param>
    /// <param name="preview">Whether it is a preview.</param>
    /// <returns>The stored summary.</returns>
    protected async Task<BulkInviteReport> CreateImportAsync(string tenant = TenantA, int minutes = 0, bool preview = false)
    {
        var import = NewImport(tenant, minutes, preview);
        await Store.CreateImportAsync(import).ConfigureAwait(false);
        return import;
    }

    /// <summary>Reads every entry of an import, a few at a time.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="outcome">Only entries with this outcome, if given.</param>
    /// <returns>The entries in sequence order.</returns>
    protected async Task<List<InviteEntryResult>> ReadAllEntriesAsync(string tenant, Guid importId, InviteOutcome? outcome = null)
    {
        var all = new List<InviteEntryResult>();
        var after = 0L;
        while (true)
        {
            var page = await Store.ListEntriesAsync(tenant, importId, new EntryQuery { Outcome = outcome, AfterSequence = after, Limit = 7 }).ConfigureAwait(false);
            all.AddRange(page.Items);
            if (!page.HasMore)
            {
                return all;
            }

            after = page.Items[^1].Sequence;
        }
    }

    /// <summary>How many entries of an import have an outcome, as the store counts them.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="outcome">The outcome, or all entries when <see langword="null"/>.</param>
    /// <returns>The count.</returns>
    protected async Task<long> CountAsync(string tenant, Guid importId, InviteOutcome? outcome)
        => (await Store.ListEntriesAsync(tenant, importId, new EntryQuery { Outcome = outcome, Limit = 1 }).ConfigureAwait(false)).TotalCount;
}
