using System.Diagnostics;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// The work store on the real server, where PostgreSQL itself matters: notifications between instances, the listening
/// connection killed and opened again, claims raced by two instances, fencing, the uploads' chunks, and the migration of
/// a version-1 database.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlWorkStoreTests
{
    private const string Tenant = "tenant-a";
    private const long MaxBytes = 64L * 1024 * 1024;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(30);
    private readonly List<PostgreSqlInviteHistoryStore> _stores = [];
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _connectionString = await PostgresServer.Current.CreateDatabaseAsync();

    [SetUp]
    public async Task EmptyWorkAsync()
    {
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });
        await store.CountUnfinishedAsync();
        await ExecuteAsync(_connectionString, "TRUNCATE bulkinvite.work_parts, bulkinvite.work, bulkinvite.upload_chunks, bulkinvite.invitations, bulkinvite.entries, bulkinvite.imports");
    }

    [TearDown]
    public async Task DisposeStoresAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }

    private PostgreSqlInviteHistoryStore NewStore(RecordingLoggerFactory? log = null, string? connectionString = null)
    {
        var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = connectionString ?? _connectionString }, log);
        _stores.Add(store);
        return store;
    }

    private static ImportWorkItem NewItem(int minutes = 0) => new()
    {
        ImportId = Guid.CreateVersion7(),
        TenantId = Tenant,
        InitiatedBy = "admin",
        FileName = $"invitees-{minutes}.txt",
        QueuedAt = T0.AddMinutes(minutes),
    };

    private static async Task<ImportWorkItem> EnqueueAsync(PostgreSqlInviteHistoryStore store, int minutes = 0)
    {
        var item = NewItem(minutes);
        await store.EnqueueAsync(item, new MemoryStream("jane@example.com\n"u8.ToArray()), MaxBytes);
        return item;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The sessions of the test database that listen for queued imports.</summary>
    private async Task<long> ListeningSessionsAsync()
        => (long)(await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN bulkinvite_work'"))!;

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), $"waited 10 s for {what}");
            await Task.Delay(10);
        }
    }

    [Test]
    public async Task An_import_queued_by_one_instance_wakes_every_waiter_of_another_at_once()
    {
        var queuing = NewStore();
        var waiting = NewStore();
        var first = waiting.WaitForWorkAsync(LongWait);
        var second = waiting.WaitForWorkAsync(LongWait);
        await UntilAsync(() => waiting.IsListeningForWork, "the listener");
        await Task.Delay(100);
        Assert.That(first.IsCompleted || second.IsCompleted, Is.False, "nothing queued yet");

        var clock = Stopwatch.StartNew();
        await EnqueueAsync(queuing);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "woken by the notification, not the 30 s timeout");
    }

    [Test]
    public async Task A_release_wakes_a_waiter_of_another_instance()
    {
        var running = NewStore();
        var waiting = NewStore();
        await EnqueueAsync(running);
        var lease = (await running.ClaimAsync("instance-a", Lease, T0))!;
        var wait = waiting.WaitForWorkAsync(LongWait);
        await UntilAsync(() => waiting.IsListeningForWork, "the listener");

        Assert.That(await running.ReleaseAsync(lease), Is.True);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That((await waiting.ClaimAsync("instance-b", Lease, T0))?.Attempt, Is.EqualTo(2), "the import given back is claimed at once");
    }

    [Test]
    public async Task Without_work_the_wait_lasts_its_timeout_and_a_cancelled_wait_throws()
    {
        var store = NewStore();
        var clock = Stopwatch.StartNew();
        await store.WaitForWorkAsync(TimeSpan.FromMilliseconds(300));
        var waited = clock.Elapsed;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(() => store.WaitForWorkAsync(LongWait, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => store.WaitForWorkAsync(TimeSpan.FromSeconds(-2)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public async Task The_listener_opens_its_connection_again_after_it_is_terminated_and_is_woken_again()
    {
        var log = new RecordingLoggerFactory();
        var queuing = NewStore();
        var waiting = NewStore(log);
        var wait = waiting.WaitForWorkAsync(LongWait);
        await UntilAsync(() => waiting.IsListeningForWork, "the listener");

        var terminated = (long)(await ScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN bulkinvite_work'"))!;
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        await UntilAsync(() => !waiting.IsListeningForWork, "the lost connection to be let go");

        // The next wait opens the connection again, and ends once it listens: work queued meanwhile woke nobody.
        await waiting.WaitForWorkAsync(LongWait).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(waiting.IsListeningForWork, Is.True);
        var again = waiting.WaitForWorkAsync(LongWait);
        await Task.Delay(100);
        Assert.That(again.IsCompleted, Is.False, "nothing queued yet");
        var clock = Stopwatch.StartNew();
        await EnqueueAsync(queuing);
        await again.WaitAsync(TimeSpan.FromSeconds(20));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(terminated, Is.EqualTo(1), "one listening connection per store");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "woken by the notification on the new connection");
            Assert.That(log.Messages.Select(m => m.EventId), Does.Contain(2102).And.Contain(2103), "the loss and the reconnect are logged");
            Assert.That(await ListeningSessionsAsync(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task While_the_server_is_down_waits_last_their_timeout_and_the_listener_is_back_with_it()
    {
        var log = new RecordingLoggerFactory();
        var queuing = NewStore();
        var waiting = NewStore(log);
        var wait = waiting.WaitForWorkAsync(LongWait);
        await UntilAsync(() => waiting.IsListeningForWork, "the listener");

        TimeSpan whileDown;
        await PostgresServer.Current.StopServerAsync();
        try
        {
            await wait.WaitAsync(TimeSpan.FromSeconds(10));
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                await waiting.WaitForWorkAsync(TimeSpan.FromMilliseconds(300));
            }

            whileDown = clock.Elapsed;
        }
        finally
        {
            await PostgresServer.Current.StartServerAsync();

            // The test's own pooled connections (not the stores') were ended by the restart.
            NpgsqlConnection.ClearAllPools();
        }

        await waiting.WaitForWorkAsync(LongWait).WaitAsync(TimeSpan.FromSeconds(10));
        var next = waiting.WaitForWorkAsync(LongWait);
        await EnqueueAsync(queuing);
        await next.WaitAsync(TimeSpan.FromSeconds(10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(whileDown, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(850)), "each wait lasted its timeout: no spin while the server is down");
            Assert.That(log.Messages.Count(m => m.EventId == 2102), Is.EqualTo(1), "the loss is logged once, not at every wait");
            Assert.That(log.Messages.Count(m => m.EventId == 2103), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Disposing_the_store_closes_its_listening_connection()
    {
        var store = NewStore();
        _ = store.WaitForWorkAsync(LongWait);
        await UntilAsync(() => store.IsListeningForWork, "the listener");
        Assert.That(await ListeningSessionsAsync(), Is.EqualTo(1));

        await store.DisposeAsync();

        var clock = Stopwatch.StartNew();
        while (await ListeningSessionsAsync() > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.That(await ListeningSessionsAsync(), Is.Zero);
    }

    [Test]
    public async Task Ten_claimers_on_each_of_two_instances_claim_each_of_twenty_imports_once()
    {
        var a = NewStore();
        var b = NewStore();
        var queued = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            queued.Add((await EnqueueAsync(a, i)).ImportId);
        }

        using var start = new ManualResetEventSlim();
        var claimers = Enumerable.Range(0, 20).Select(n => Task.Run(async () =>
        {
            var store = n % 2 == 0 ? a : b;
            var leases = new List<ImportLease>();
            start.Wait();
            while (await store.ClaimAsync($"instance-{n % 2}-{n}", Lease, T0.AddSeconds(1)) is { } lease)
            {
                leases.Add(lease);
            }

            return leases;
        })).ToArray();
        start.Set();
        var claimed = (await Task.WhenAll(claimers)).SelectMany(l => l).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed.Select(l => l.ImportId), Is.EquivalentTo(queued), "each import claimed once");
            Assert.That(claimed.Select(l => (l.Fence, l.Attempt)), Is.All.EqualTo((1L, 1)));
            Assert.That(await a.CountUnfinishedAsync(), Has.Property(nameof(ImportWorkCounts.Queued)).EqualTo(0).And.Property(nameof(ImportWorkCounts.Claimed)).EqualTo(20));
        }
    }

    [Test]
    public async Task After_a_takeover_every_write_under_the_old_fence_is_refused_and_changes_nothing()
    {
        var a = NewStore();
        var b = NewStore();
        var item = await EnqueueAsync(a);
        var old = (await a.ClaimAsync("instance-a", Lease, T0))!;
        var report = new BulkInviteReport
        {
            ImportId = item.ImportId, TenantId = Tenant, FileName = item.FileName, InitiatedBy = item.InitiatedBy, Status = ImportStatus.Running, CreatedAt = T0, RunBy = "instance-a",
        };
        var oldView = a.WithLease(old);
        await oldView.CreateImportAsync(report);
        await oldView.AddEntriesAsync(Tenant, item.ImportId, [Entry(1), Entry(2)]);

        var takeover = (await b.ClaimAsync("instance-b", Lease, old.ExpiresAt))!;
        var send = new InvitationSend
        {
            InvitationId = Guid.CreateVersion7(), ImportId = item.ImportId, Sequence = 1, Line = 1, Address = "user1@example.com", AddressKey = "user1@example.com",
            InitiatedBy = "admin", SentAt = T0, ExpiresAt = T0.AddDays(7), TokenHash = new byte[32], TokenKeyId = "k1",
        };
        var update = new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(takeover.Fence, Is.EqualTo(old.Fence + 1));
            Assert.That(() => oldView.UpdateImportAsync(report with { Status = ImportStatus.Completed }), Throws.InstanceOf<ImportLeaseLostException>());
            Assert.That(() => oldView.AddEntriesAsync(Tenant, item.ImportId, [Entry(3)]), Throws.InstanceOf<ImportLeaseLostException>());
            Assert.That(() => oldView.UpdateEntriesAsync(Tenant, item.ImportId, [update]), Throws.InstanceOf<ImportLeaseLostException>());
            Assert.That(() => oldView.RecordInvitationSendsAsync(Tenant, item.ImportId, [update], [send]), Throws.InstanceOf<ImportLeaseLostException>());
            Assert.That(() => oldView.DeleteEntriesAsync(Tenant, item.ImportId), Throws.InstanceOf<ImportLeaseLostException>());
            Assert.That(() => oldView.CreateImportAsync(report), Throws.InstanceOf<ImportLeaseLostException>()
                .With.Property(nameof(ImportLeaseLostException.Fence)).EqualTo(old.Fence)
                .And.Property(nameof(ImportLeaseLostException.ImportId)).EqualTo(item.ImportId));
            Assert.That(await a.RenewAsync(old, Lease, old.ExpiresAt, null), Is.False);
            Assert.That(await a.ReleaseAsync(old), Is.False);
            Assert.That(await a.CompleteAsync(old, QueuedImportStatus.Failed, "lost", ImportErrorCode.ImportFailed, old.ExpiresAt), Is.False);
        }

        var entries = await b.ListEntriesAsync(Tenant, item.ImportId, new EntryQuery());
        var state = await b.GetStateAsync(Tenant, item.ImportId, old.ExpiresAt);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await b.GetImportAsync(Tenant, item.ImportId), Is.EqualTo(report), "the report as the old owner left it");
            Assert.That(entries.Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (1L, InviteOutcome.Pending), (2L, InviteOutcome.Pending) }));
            Assert.That((await b.CountInvitationsAsync(Tenant, item.ImportId, T0)).Pending, Is.Zero);
            Assert.That((state!.Status, state.Owner, state.Attempts, state.LeaseExpiresAt), Is.EqualTo((QueuedImportStatus.Running, "instance-b", 2, (DateTimeOffset?)takeover.ExpiresAt)));
            Assert.That(await b.OpenUploadAsync(takeover), Is.Not.Null, "the upload is kept for the new owner");
        }

        await b.WithLease(takeover).UpdateEntriesAsync(Tenant, item.ImportId, [update]);
        Assert.That((await b.ListEntriesAsync(Tenant, item.ImportId, new EntryQuery { Limit = 1 })).Items.Single().Outcome, Is.EqualTo(InviteOutcome.Invited), "the new owner writes");
    }

    [Test]
    public async Task A_takeover_waits_for_a_write_under_the_old_lease_to_commit_and_renewals_do_not()
    {
        var store = NewStore();
        var item = await EnqueueAsync(store);
        var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;
        await store.WithLease(lease).CreateImportAsync(TestImports.New(Tenant, T0) with { ImportId = item.ImportId });

        // A write under the lease holds the work row as its fence check leaves it until it commits.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var check = new NpgsqlCommand(PostgreSqlSql.LockWorkFence, connection, transaction))
        {
            check.Parameters.AddWithValue("import_id", item.ImportId);
            check.Parameters.AddWithValue("tenant_id", Tenant);
            Assert.That(await check.ExecuteScalarAsync(), Is.EqualTo(lease.Fence));
        }

        var renewed = await store.RenewAsync(lease, Lease, T0.AddSeconds(30), null).WaitAsync(TimeSpan.FromSeconds(10));
        var takeover = NewStore().ClaimAsync("instance-b", Lease, T0.AddSeconds(30) + Lease);
        await Task.Delay(300);
        var waited = !takeover.IsCompleted;
        await transaction.CommitAsync();
        var taken = await takeover.WaitAsync(TimeSpan.FromSeconds(10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.True, "the owner renews while its write runs");
            Assert.That(waited, Is.True, "the takeover waits for the write");
            Assert.That(taken?.Fence, Is.EqualTo(2), "and takes the import once it has committed");
        }
    }

    [Test]
    public async Task A_writer_paused_inside_a_fenced_write_loses_its_session_so_the_takeover_does_not_wait_for_it()
    {
        var store = NewStore();
        var item = await EnqueueAsync(store);
        var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;

        // The fence check exactly as a fenced write sends it, and then nothing: the writer is paused (SIGSTOP) with its
        // transaction open on a live connection.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var limit = new NpgsqlCommand(PostgreSqlSql.LimitWriteIdle, connection, transaction))
        {
            await limit.ExecuteNonQueryAsync();
        }

        await using (var check = new NpgsqlCommand(PostgreSqlSql.LockWorkFence, connection, transaction))
        {
            check.Parameters.AddWithValue("import_id", item.ImportId);
            check.Parameters.AddWithValue("tenant_id", Tenant);
            Assert.That(await check.ExecuteScalarAsync(), Is.EqualTo(lease.Fence));
        }

        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var taken = await NewStore().ClaimAsync("instance-b", Lease, T0 + Lease + Lease).WaitAsync(TimeSpan.FromSeconds(30));
        waiting.Stop();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken?.Fence, Is.EqualTo(2), "taken over although the paused writer never committed");
            Assert.That(waiting.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), $"waited {waiting.Elapsed.TotalSeconds:F1} s, about the idle limit of {PostgreSqlSql.WriteIdleTimeout}");
            Assert.That(connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || !await IsAliveAsync(connection), Is.True, "the paused writer's session was ended by the server");
        }
    }

    [Test]
    public async Task A_worker_paused_inside_a_renewal_loses_its_session_so_another_claim_takes_the_import()
    {
        var store = NewStore();
        var item = await EnqueueAsync(store);
        var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;

        // A renewal's transaction as the store runs it, paused (SIGSTOP) after its update and before its commit: the
        // row is locked, and claims pass it over (SKIP LOCKED) for as long as the transaction stays open.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var limit = new NpgsqlCommand(PostgreSqlSql.LimitWriteIdle, connection, transaction))
        {
            await limit.ExecuteNonQueryAsync();
        }

        await using (var renew = new NpgsqlCommand(PostgreSqlSql.RenewWork, connection, transaction))
        {
            renew.Parameters.AddWithValue("import_id", item.ImportId);
            renew.Parameters.AddWithValue("tenant_id", Tenant);
            renew.Parameters.AddWithValue("fence", lease.Fence);
            renew.Parameters.AddWithValue("expires_at", (T0 + Lease).UtcTicks);
            renew.Parameters.AddWithValue("expires_offset", (short)0);
            renew.Parameters.AddWithValue("progress", NpgsqlTypes.NpgsqlDbType.Text, DBNull.Value);
            Assert.That(await renew.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var other = NewStore();
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        ImportLease? taken = null;
        while (taken is null && waiting.Elapsed < TimeSpan.FromSeconds(30))
        {
            taken = await other.ClaimAsync("instance-b", Lease, T0 + Lease + Lease);
            await Task.Delay(taken is null ? 200 : 0);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken?.Fence, Is.EqualTo(2), "taken over although the paused renewal never committed");
            Assert.That(waiting.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), $"waited {waiting.Elapsed.TotalSeconds:F1} s, about the idle limit of {PostgreSqlSql.WriteIdleTimeout}");
        }
    }

    [Test]
    public async Task Every_write_of_the_store_runs_in_a_transaction_that_may_not_sit_idle()
    {
        // Triggers record the idle limit of the transaction of every statement that changes work rows or entries, as
        // the store's own calls run them: a write without the limit records the server's default (0, none).
        await ExecuteAsync(_connectionString, """
            CREATE TABLE public.write_limits (table_name text NOT NULL, operation text NOT NULL, idle_limit text NOT NULL);
            CREATE FUNCTION public.record_write_limit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO public.write_limits VALUES (TG_TABLE_NAME, TG_OP, current_setting('idle_in_transaction_session_timeout'));
                RETURN NULL;
            END $$;
            CREATE TRIGGER record_write_limit AFTER INSERT OR UPDATE OR DELETE ON bulkinvite.work FOR EACH STATEMENT EXECUTE FUNCTION public.record_write_limit();
            CREATE TRIGGER record_write_limit AFTER INSERT OR UPDATE OR DELETE ON bulkinvite.entries FOR EACH STATEMENT EXECUTE FUNCTION public.record_write_limit();
            """);
        var recorded = new List<(string Table, string Operation, string Limit)>();
        try
        {
            var store = NewStore();
            var item = await EnqueueAsync(store);
            var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;
            var view = store.WithLease(lease);
            await view.CreateImportAsync(new BulkInviteReport
            {
                ImportId = item.ImportId, TenantId = Tenant, FileName = item.FileName, InitiatedBy = item.InitiatedBy, Status = ImportStatus.Running, CreatedAt = T0,
            });
            await view.AddEntriesAsync(Tenant, item.ImportId, [Entry(1), Entry(2)]);
            await view.UpdateEntriesAsync(Tenant, item.ImportId, [new InviteEntryUpdate { Sequence = 1, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]);
            Assert.That(await store.RenewAsync(lease, Lease, T0, null), Is.True);
            Assert.That(await store.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0), Is.True);

            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT table_name, operation, idle_limit FROM public.write_limits", connection);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                recorded.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        finally
        {
            await ExecuteAsync(_connectionString, """
                DROP TRIGGER record_write_limit ON bulkinvite.work;
                DROP TRIGGER record_write_limit ON bulkinvite.entries;
                DROP FUNCTION public.record_write_limit();
                DROP TABLE public.write_limits;
                """);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded.Select(r => (r.Table, r.Operation)).Distinct(), Is.SupersetOf(new[] { ("work", "INSERT"), ("work", "UPDATE"), ("entries", "INSERT"), ("entries", "UPDATE") }));
            Assert.That(recorded.Where(r => r.Limit != PostgreSqlSql.WriteIdleTimeout), Is.Empty, "writes whose transaction may sit idle for ever");
        }
    }

    private static async Task<bool> IsAliveAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    private static InviteEntryResult Entry(long sequence) => new()
    {
        Sequence = sequence, Line = sequence, Address = $"user{sequence}@example.com", Outcome = InviteOutcome.Pending, UpdatedAt = T0,
    };

    [Test]
    public async Task An_upload_is_kept_in_chunks_of_one_MiB_and_read_back_in_order()
    {
        var store = NewStore();
        var item = NewItem();
        var content = new byte[(3 * PostgreSqlInviteHistoryStore.UploadChunkSize) + 12_345];
        new Random(7).NextBytes(content);

        await store.EnqueueAsync(item, new OneWayStream(content), MaxBytes);
        var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;
        await using var upload = await store.OpenUploadAsync(lease);
        var copy = new MemoryStream();
        await upload.CopyToAsync(copy, 77_777);
        upload.Position = PostgreSqlInviteHistoryStore.UploadChunkSize + 5;
        var tail = new byte[10];
        var read = upload.Read(tail);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copy.ToArray(), Is.EqualTo(content));
            Assert.That(upload.Length, Is.EqualTo(content.Length));
            Assert.That(tail.AsSpan(0, read).ToArray(), Is.EqualTo(content.AsSpan(PostgreSqlInviteHistoryStore.UploadChunkSize + 5, read).ToArray()), "a synchronous read after a seek");
            Assert.That(await ScalarAsync($"SELECT count(*) FROM bulkinvite.upload_chunks WHERE import_id = '{item.ImportId}'"), Is.EqualTo(4L));
            Assert.That(await ScalarAsync($"SELECT max(length(data)) FROM bulkinvite.upload_chunks WHERE import_id = '{item.ImportId}'"), Is.EqualTo(PostgreSqlInviteHistoryStore.UploadChunkSize));
        }

        Assert.That(await store.CompleteAsync(lease, QueuedImportStatus.Completed, null, null, T0.AddMinutes(1)), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.upload_chunks"), Is.Zero, "the end deletes the upload");
            Assert.That(() => store.OpenUploadAsync(lease), Throws.InstanceOf<KeyNotFoundException>());
            upload.Position = 0;
            Assert.That(() => upload.ReadAsync(new byte[10]).AsTask(), Throws.InstanceOf<IOException>(), "an open upload whose import ended reads as gone, not as ended early");
        }
    }

    [Test]
    public async Task An_upload_that_stalls_longer_than_a_writes_idle_limit_is_kept_whole()
    {
        // The enqueue's transaction has the idle limit of every write, and reads the upload inside its COPY: a client
        // that stops sending for longer than the limit keeps the server waiting for the copy's data, not idle.
        var store = NewStore();
        var item = NewItem();
        var content = new byte[(2 * PostgreSqlInviteHistoryStore.UploadChunkSize) + 99];
        new Random(3).NextBytes(content);
        var stall = TimeSpan.FromSeconds(int.Parse(PostgreSqlSql.WriteIdleTimeout.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) + 2);

        await store.EnqueueAsync(item, new StallingStream(content, stall), MaxBytes);

        var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;
        await using var upload = await store.OpenUploadAsync(lease);
        var copy = new MemoryStream();
        await upload.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(content));
    }

    [Test]
    public async Task An_upload_over_the_limit_leaves_no_chunk_and_no_row()
    {
        var store = NewStore();
        var item = NewItem();
        var content = new byte[(2 * PostgreSqlInviteHistoryStore.UploadChunkSize) + 1];

        var ex = Assert.ThrowsAsync<InviteLimitExceededException>(() => store.EnqueueAsync(item, new OneWayStream(content), 2L * PostgreSqlInviteHistoryStore.UploadChunkSize));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.LimitName, Is.EqualTo("MaxFileBytes"));
            Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.upload_chunks"), Is.Zero);
            Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.work"), Is.Zero);
        }

        await store.EnqueueAsync(item, new OneWayStream(content), content.Length);
        Assert.That(await store.GetStateAsync(Tenant, item.ImportId, T0), Is.Not.Null, "the same id can be queued after the refused copy");
    }

    [TestCase(true, TestName = "A connection killed in the middle of a seekable upload's copy: the upload is copied again, whole")]
    [TestCase(false, TestName = "A connection killed in the middle of a one-way upload's copy: the enqueue fails and leaves nothing")]
    public async Task A_connection_killed_in_the_middle_of_an_uploads_copy(bool seekable)
    {
        var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString, RetryTimeout = TimeSpan.FromSeconds(30) });
        _stores.Add(store);
        var item = NewItem();
        var content = new byte[12 * PostgreSqlInviteHistoryStore.UploadChunkSize];
        new Random(11).NextBytes(content);

        var enqueue = store.EnqueueAsync(item, new SlowStream(content, seekable), MaxBytes);
        var killed = false;
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            while (!killed && !enqueue.IsCompleted)
            {
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'COPY bulkinvite.upload_chunks%' AND pid <> pg_backend_pid()", admin);
                killed = (long)(await kill.ExecuteScalarAsync())! > 0;
            }
        }

        Assert.That(killed, Is.True, "the COPY was caught and its connection ended");
        if (seekable)
        {
            await enqueue.WaitAsync(TimeSpan.FromSeconds(60));
            var lease = (await store.ClaimAsync("instance-a", Lease, T0))!;
            await using var upload = await store.OpenUploadAsync(lease);
            var copy = new MemoryStream();
            await upload.CopyToAsync(copy);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(store.TransientRetries, Is.GreaterThan(0));
                Assert.That(copy.ToArray(), Is.EqualTo(content), "the upload once, from its first byte");
            }
        }
        else
        {
            Assert.That(() => enqueue, Throws.InstanceOf<NpgsqlException>(), "a one-way upload cannot be read again");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(store.TransientRetries, Is.Zero);
                Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.upload_chunks"), Is.Zero);
                Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.work"), Is.Zero);
            }
        }
    }

    [Test]
    public async Task A_version_1_database_is_migrated_and_keeps_its_imports()
    {
        var connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        var old = TestImports.New(Tenant, T0);
        await ExecuteAsync(connectionString, PostgreSqlInviteHistoryStore.ReadScript("001_create.sql"));
        await ExecuteAsync(connectionString, $"""
            INSERT INTO bulkinvite.imports (import_id, tenant_id, file_name, initiated_by, is_preview, status, created_at, created_offset,
                pending_count, invited_count, invalid_count, duplicate_count, existing_user_count, already_invited_count, failed_count,
                skipped_count, sending_count, unknown_count, resend)
            VALUES ('{old.ImportId}', '{Tenant}', '{old.FileName}', '{old.InitiatedBy}', false, 0, {old.CreatedAt.UtcTicks}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
            INSERT INTO bulkinvite.entries (import_id, sequence, line, address, address_key, outcome, updated_at, updated_offset)
            SELECT '{old.ImportId}', i, i, 'user' || i || '@example.com', 'USER' || i || '@EXAMPLE.COM', (CASE WHEN i % 3 = 0 THEN 6 WHEN i % 3 = 1 THEN 0 ELSE 1 END)::smallint,
                   {old.CreatedAt.UtcTicks}, 0
            FROM generate_series(1, 30) AS i;
            """);
        var log = new RecordingLoggerFactory();
        var store = NewStore(log, connectionString);

        var kept = await store.GetImportAsync(Tenant, old.ImportId);
        var ran = TestImports.New(Tenant, T0) with { RunBy = "instance-a" };
        await store.CreateImportAsync(ran);
        var item = NewItem();
        await store.EnqueueAsync(item, new MemoryStream([1, 2, 3]), MaxBytes);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand("SELECT version FROM bulkinvite.schema_version", connection);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await version.ExecuteScalarAsync(), Is.EqualTo(PostgreSqlSql.SchemaVersion));
            Assert.That(kept, Is.EqualTo(old));
            Assert.That(await store.GetImportAsync(Tenant, ran.ImportId), Is.EqualTo(ran), "RunBy round-trips");
            Assert.That((await store.ClaimAsync("instance-a", Lease, T0))?.ImportId, Is.EqualTo(item.ImportId));
            Assert.That(log.Messages.Where(m => m.EventId == 2101).Select(m => m.Message), Has.One.Contains($"from version 1 to {PostgreSqlSql.SchemaVersion}"));
        }

        foreach (var (outcome, remainder) in new (InviteOutcome, int)[] { (InviteOutcome.Pending, 1), (InviteOutcome.Invited, 2), (InviteOutcome.Failed, 0) })
        {
            var page = await store.ListEntriesAsync(Tenant, old.ImportId, new EntryQuery { Outcome = outcome, Limit = 100 });
            Assert.That(
                (page.Items.Select(e => e.Sequence), page.TotalCount),
                Is.EqualTo((Enumerable.Range(1, 30).Where(i => i % 3 == remainder).Select(i => (long)i), 10L)),
                $"the entries of schema 1 read by outcome after the migration: {outcome}");
        }

        await using var index = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE schemaname = 'bulkinvite' AND indexname = 'ix_entries_outcome'", connection);
        Assert.That(await index.ExecuteScalarAsync(), Does.EndWith("WHERE (outcome <> 0)"), "schema 4: the outcome index leaves pending entries out");
    }

    [Test]
    public async Task Retention_deletes_the_ended_work_of_old_imports_and_keeps_queued_and_running_work()
    {
        var store = NewStore();
        var ended = await EnqueueAsync(store, 0);
        var running = await EnqueueAsync(store, 1);
        var queued = await EnqueueAsync(store, 2);
        var endedLease = (await store.ClaimAsync("instance-a", Lease, T0))!;
        var runningLease = (await store.ClaimAsync("instance-a", Lease, T0))!;
        await store.WithLease(endedLease).CreateImportAsync(TestImports.New(Tenant, T0) with { ImportId = ended.ImportId });
        await store.WithLease(runningLease).CreateImportAsync(TestImports.New(Tenant, T0) with { ImportId = running.ImportId });
        await store.CompleteAsync(endedLease, QueuedImportStatus.Completed, null, null, T0);

        var deleted = await store.DeleteImportsCreatedBeforeAsync(Tenant, T0.AddDays(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(2));
            Assert.That(await store.GetStateAsync(Tenant, ended.ImportId, T0), Is.Null);
            Assert.That((await store.GetStateAsync(Tenant, running.ImportId, T0))?.Status, Is.EqualTo(QueuedImportStatus.Running));
            Assert.That((await store.GetStateAsync(Tenant, queued.ImportId, T0))?.Status, Is.EqualTo(QueuedImportStatus.Queued));
            Assert.That(await ScalarAsync("SELECT count(*) FROM bulkinvite.upload_chunks"), Is.EqualTo(2L), "the uploads of unfinished work are kept");
        }
    }

    /// <summary>An upload that arrives slowly (256 KiB every 20 ms), seekable or not.</summary>
    private sealed class SlowStream(byte[] content, bool seekable) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => seekable && base.CanSeek;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(20, cancellationToken);
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 256 * 1024)], cancellationToken);
        }
    }

    /// <summary>An upload whose sender stops for a while after the first 64 KiB.</summary>
    private sealed class StallingStream(byte[] content, TimeSpan stall) : MemoryStream(content, writable: false)
    {
        private bool _stalled;

        public override bool CanSeek => false;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position > 0 && !_stalled)
            {
                _stalled = true;
                await Task.Delay(stall, cancellationToken);
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 65_536)], cancellationToken);
        }
    }

    /// <summary>An upload as a request body gives it: not seekable, at most 64 KiB a read.</summary>
    private sealed class OneWayStream(byte[] content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 65_536), content.Length - _position);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
