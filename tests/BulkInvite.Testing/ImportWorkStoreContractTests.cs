namespace BulkInvite.Testing;

/// <summary>
/// The behaviour every <see cref="IImportWorkStore"/> must have, run against each store by a derived
/// <c>[TestFixture]</c>: queuing with the upload, claims (the oldest first, each import by one claimer however many
/// race, expired leases taken over with a larger fencing token), renewals, releases and ends, the fenced view of the
/// history store, the state every instance reads, counts, waiting for work, tenancy, retention and argument validation.
/// </summary>
/// <remarks>
/// Time is the suite's: every call is given its <c>now</c> explicitly, and nothing sleeps except
/// <see cref="IImportWorkStore.WaitForWorkAsync"/>. The store's history (<see cref="History"/>) and work
/// (<see cref="Work"/>) are one object in the SDK's stores; a store may return two, as long as they share storage.
/// </remarks>
public abstract partial class ImportWorkStoreContractTests
{
    /// <summary>The tenant most tests queue as.</summary>
    protected const string TenantA = "tenant-a";

    /// <summary>Another tenant, which must see nothing of <see cref="TenantA"/>.</summary>
    protected const string TenantB = "tenant-b";

    /// <summary>The instance most tests claim as.</summary>
    protected const string OwnerA = "instance-a";

    /// <summary>Another instance, which takes imports over.</summary>
    protected const string OwnerB = "instance-b";

    /// <summary>A fixed point in time that test data is dated from.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The lease duration of most claims.</summary>
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);

    /// <summary>The largest upload most tests allow.</summary>
    protected const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>The history store under test, new for each test.</summary>
    protected IInviteHistoryStore History { get; private set; } = null!;

    /// <summary>The work store under test, on the same storage as <see cref="History"/>.</summary>
    protected IImportWorkStore Work { get; private set; } = null!;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store as a history store and as a work store (usually one object).</returns>
    protected abstract Task<(IInviteHistoryStore History, IImportWorkStore Work)> CreateStoreAsync();

    /// <summary>
    /// Closes the store and opens it again on the same storage. A store that keeps nothing beyond its instance
    /// returns it unchanged (the default).
    /// </summary>
    /// <param name="store">The store to close.</param>
    /// <returns>The reopened store.</returns>
    protected virtual Task<(IInviteHistoryStore History, IImportWorkStore Work)> ReopenStoreAsync((IInviteHistoryStore History, IImportWorkStore Work) store)
        => Task.FromResult(store);

    /// <summary>
    /// Stores on the same storage as <see cref="Work"/> that concurrent claims spread over: for a durable store, other
    /// instances (other connections, as other processes would have); by default the store itself.
    /// </summary>
    /// <param name="count">How many stores are wanted.</param>
    /// <returns>The stores; the fixture that opened them disposes them at tear-down.</returns>
    protected virtual Task<IReadOnlyList<(IInviteHistoryStore History, IImportWorkStore Work)>> OpenConcurrentStoresAsync(int count)
        => Task.FromResult<IReadOnlyList<(IInviteHistoryStore History, IImportWorkStore Work)>>(Enumerable.Repeat((History, Work), count).ToArray());

    /// <summary>Creates the store for a test.</summary>
    /// <returns>A task that completes when the store exists.</returns>
    [SetUp]
    public async Task CreateStoreForTestAsync() => (History, Work) = await CreateStoreAsync().ConfigureAwait(false);

    /// <summary>Disposes the store after a test, if it is disposable (once, when both are one object).</summary>
    /// <returns>A task that completes when the store is disposed.</returns>
    [TearDown]
    public async Task DisposeStoreAfterTestAsync()
    {
        await DisposeAsync(History).ConfigureAwait(false);
        if (!ReferenceEquals(History, Work))
        {
            await DisposeAsync(Work).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the store with the store reopened on the same storage.</summary>
    /// <returns>A task that completes when the store is open again.</returns>
    protected async Task ReopenAsync() => (History, Work) = await ReopenStoreAsync((History, Work)).ConfigureAwait(false);

    /// <summary>A new work item.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="minutes">Minutes after <see cref="T0"/> that it was queued.</param>
    /// <param name="mode">Its mode.</param>
    /// <returns>The item.</returns>
    protected static ImportWorkItem NewItem(string tenant = TenantA, int minutes = 0, ImportMode mode = ImportMode.Send) => new()
    {
        ImportId = Guid.NewGuid(),
        TenantId = tenant,
        InitiatedBy = "admin@example.com",
        FileName = $"invitees-{minutes}.txt",
        Mode = mode,
        QueuedAt = T0.AddMinutes(minutes),
    };

    /// <summary>A copy of an item with some of its fields changed (the item has no <c>with</c>).</summary>
    /// <param name="item">The item.</param>
    /// <param name="importId">Another import id.</param>
    /// <param name="tenantId">Another tenant.</param>
    /// <param name="initiatedBy">Another initiator.</param>
    /// <param name="fileName">Another file name.</param>
    /// <param name="mode">Another mode.</param>
    /// <param name="queuedAt">Another time it was queued.</param>
    /// <returns>The copy.</returns>
    protected static ImportWorkItem Copy(
        ImportWorkItem item, Guid? importId = null, string? tenantId = null, string? initiatedBy = null, string? fileName = null, ImportMode? mode = null, DateTimeOffset? queuedAt = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new()
        {
            ImportId = importId ?? item.ImportId,
            TenantId = tenantId ?? item.TenantId,
            InitiatedBy = initiatedBy ?? item.InitiatedBy,
            FileName = fileName ?? item.FileName,
            Mode = mode ?? item.Mode,
            ParserName = item.ParserName,
            SenderName = item.SenderName,
            AllowRepeatUpload = item.AllowRepeatUpload,
            ResendPendingInvitations = item.ResendPendingInvitations,
            QueuedAt = queuedAt ?? item.QueuedAt,
        };
    }

    /// <summary>Queues a new item with a small upload.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="minutes">Minutes after <see cref="T0"/> that it was queued.</param>
    /// <returns>The item queued.</returns>
    protected async Task<ImportWorkItem> EnqueueAsync(string tenant = TenantA, int minutes = 0)
    {
        var item = NewItem(tenant, minutes);
        await EnqueueAsync(item).ConfigureAwait(false);
        return item;
    }

    /// <summary>Queues an item with a small upload.</summary>
    /// <param name="item">The item.</param>
    /// <returns>A task that completes when it is queued.</returns>
    protected async Task EnqueueAsync(ImportWorkItem item)
    {
        using var upload = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{item.ImportId:N}@example.com\n"));
        await Work.EnqueueAsync(item, upload, MaxBytes).ConfigureAwait(false);
    }

    /// <summary>Claims as <see cref="OwnerA"/> at <see cref="T0"/> plus some seconds, and expects an import.</summary>
    /// <param name="seconds">Seconds after <see cref="T0"/>.</param>
    /// <param name="owner">Who claims.</param>
    /// <returns>The lease.</returns>
    protected async Task<ImportLease> ClaimAsync(double seconds = 0, string owner = OwnerA)
    {
        var lease = await Work.ClaimAsync(owner, LeaseDuration, T0.AddSeconds(seconds)).ConfigureAwait(false);
        Assert.That(lease, Is.Not.Null, "an import to claim");
        return lease!;
    }

    /// <summary>The report a worker records for a leased import.</summary>
    /// <param name="lease">The lease.</param>
    /// <returns>The report.</returns>
    protected static BulkInviteReport ReportOf(ImportLease lease) => new()
    {
        ImportId = lease.ImportId,
        TenantId = lease.TenantId,
        FileName = lease.Item.FileName,
        InitiatedBy = lease.Item.InitiatedBy,
        IsPreview = lease.Item.Mode == ImportMode.Preview,
        Status = ImportStatus.Running,
        CreatedAt = lease.Item.QueuedAt,
        RunBy = lease.Owner,
    };

    /// <summary>A new staged entry.</summary>
    /// <param name="sequence">The entry's sequence number (also its line).</param>
    /// <param name="outcome">Its outcome.</param>
    /// <returns>The entry.</returns>
    protected static InviteEntryResult NewEntry(long sequence, InviteOutcome outcome = InviteOutcome.Pending) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = $"user{sequence}@example.com",
        Outcome = outcome,
        UpdatedAt = T0,
    };

    /// <summary>Random bytes, the same for the same seed.</summary>
    /// <param name="length">How many.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The bytes.</returns>
    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reads a whole stream with reads of an odd size, as a parser would.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>Its bytes.</returns>
    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        var buffer = new byte[77_777];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    private static async Task DisposeAsync(object? store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>
    /// An upload as a request body gives it: not seekable, a few bytes at a time; it can fail or cancel a token after a
    /// number of bytes.
    /// </summary>
    private protected sealed class TrickleStream(byte[] content, int maxRead, long failAfter = long.MaxValue, CancellationTokenSource? cancelAfter = null) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter)
            {
                if (cancelAfter is not null)
                {
                    cancelAfter.Cancel();
                    cancelAfter.Token.ThrowIfCancellationRequested();
                }

                throw new IOException("The connection was reset while the upload was read.");
            }

            var count = (int)Math.Min(Math.Min(buffer.Length, maxRead), content.Length - _position);
            count = (int)Math.Min(count, Math.Max(0, failAfter - _position));
            content.AsSpan((int)_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
