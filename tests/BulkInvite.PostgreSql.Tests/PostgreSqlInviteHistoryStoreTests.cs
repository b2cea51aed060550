using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>What only the PostgreSQL store has: its schema and versions, staging by COPY, the ledger's bytes, its constructors.</summary>
[TestFixture]
public sealed class PostgreSqlInviteHistoryStoreTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static PostgreSqlInviteHistoryStore NewStore(string connectionString, bool migrate = true)
        => new(new PostgreSqlHistoryStoreOptions { ConnectionString = connectionString, MigrateSchema = migrate });

    private static BulkInviteReport NewImport() => TestImports.New(Tenant, T0);

    private static InviteEntryResult NewEntry(long sequence) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = $"user{sequence}@example.com",
        Outcome = InviteOutcome.Pending,
        UpdatedAt = T0,
    };

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Test]
    public async Task A_new_database_gets_the_schema_with_its_version_in_one_row()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        var log = new RecordingLoggerFactory();
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = database }, log);

        await store.CreateImportAsync(NewImport());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                log.Messages.Where(m => m.EventId == 2101).Select(m => m.Message),
                Is.EqualTo(new[] { $"The BulkInvite schema of the history database was migrated from version 0 to {PostgreSqlSql.SchemaVersion}" }));
            Assert.That(await ScalarAsync(database, "SELECT count(*) FROM bulkinvite.schema_version"), Is.EqualTo(1L));
            Assert.That(await ScalarAsync(database, "SELECT version FROM bulkinvite.schema_version"), Is.EqualTo(PostgreSqlSql.SchemaVersion));
            Assert.That(
                await ScalarAsync(database, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'bulkinvite'"),
                Is.EqualTo("entries,imports,invitations,schema_version,upload_chunks,work,work_parts"));
        }
    }

    [Test]
    public async Task Stores_that_start_together_on_an_empty_database_create_the_schema_once()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore(database)).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = stores.Select(store => Task.Run(async () =>
            {
                await start.Task;
                var import = NewImport();
                await store.CreateImportAsync(import);
                return import.ImportId;
            })).ToArray();
            start.SetResult();
            var created = await Task.WhenAll(first);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(await ScalarAsync(database, "SELECT count(*) FROM bulkinvite.schema_version"), Is.EqualTo(1L));
                Assert.That(await ScalarAsync(database, "SELECT count(*) FROM bulkinvite.imports"), Is.EqualTo(6L), "every store wrote after the schema was there");
                Assert.That(created.Distinct().Count(), Is.EqualTo(6));
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_schema_written_by_a_newer_version_is_refused_with_a_message_that_says_so()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        await using (var first = NewStore(database))
        {
            await first.CreateImportAsync(NewImport());
        }

        await ScalarAsync(database, "UPDATE bulkinvite.schema_version SET version = 99");
        await using var store = NewStore(database);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => store.ListImportsAsync(Tenant, new ImportQuery()));

        Assert.That(ex!.Message, Does.Contain("schema version 99").And.Contain("newer version of BulkInvite.PostgreSql").And.Contain($"schema version {PostgreSqlSql.SchemaVersion} at most"));
    }

    [Test]
    public async Task With_MigrateSchema_off_a_database_without_the_schema_is_refused_and_left_untouched()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = NewStore(database, migrate: false);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateImportAsync(NewImport()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("has no BulkInvite schema").And.Contain("001_create.sql").And.Contain("BulkInvite:PostgreSql:MigrateSchema"));
            Assert.That(await ScalarAsync(database, "SELECT to_regnamespace('bulkinvite') IS NULL"), Is.True, "nothing was created");
        }
    }

    [Test]
    public async Task With_MigrateSchema_off_a_schema_applied_from_the_shipped_scripts_is_used()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        foreach (var (_, name) in PostgreSqlInviteHistoryStore.Scripts())
        {
            await ScalarAsync(database, PostgreSqlInviteHistoryStore.ReadScript(name));
        }

        await using var store = NewStore(database, migrate: false);
        var import = NewImport();
        await store.CreateImportAsync(import);

        Assert.That(await store.GetImportAsync(Tenant, import.ImportId), Is.EqualTo(import));
    }

    [Test]
    public void The_scripts_are_embedded_in_version_order_up_to_the_stores_version()
    {
        var scripts = PostgreSqlInviteHistoryStore.Scripts().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(scripts.Select(s => s.Version), Is.EqualTo(Enumerable.Range(1, PostgreSqlSql.SchemaVersion)));
            Assert.That(scripts[0].Name, Is.EqualTo("001_create.sql"));
            Assert.That(PostgreSqlInviteHistoryStore.ReadScript(scripts[^1].Name), Does.Contain($"VALUES (1, {PostgreSqlSql.SchemaVersion})").Or.Contain($"version = {PostgreSqlSql.SchemaVersion}"));
        }
    }

    [Test]
    public async Task A_large_batch_is_staged_whole_and_a_batch_that_fails_at_its_last_row_writes_nothing()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = NewStore(database);
        var import = NewImport();
        await store.CreateImportAsync(import);

        await store.AddEntriesAsync(Tenant, import.ImportId, Enumerable.Range(1, 100_000).Select(i => NewEntry(i)).ToList());
        var failing = Enumerable.Range(100_001, 50_000).Select(i => NewEntry(i)).Append(NewEntry(100_001)).ToList();
        Assert.That(() => store.AddEntriesAsync(Tenant, import.ImportId, failing), Throws.InvalidOperationException);

        var last = await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { AfterSequence = 99_990 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(last.TotalCount, Is.EqualTo(100_000), "the failed batch left no row");
            Assert.That(last.Items.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(99_991, 10).Select(i => (long)i)));
            Assert.That(last.Items[^1], Is.EqualTo(NewEntry(100_000)).UsingPropertiesComparer());
        }
    }

    [Test]
    public async Task The_token_hash_is_kept_as_its_bytes_and_found_by_them_only()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = NewStore(database);
        var import = NewImport();
        await store.CreateImportAsync(import);
        var hash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var send = new InvitationSend
        {
            InvitationId = Guid.CreateVersion7(), ImportId = import.ImportId, Sequence = 1, Line = 1, Address = "a@example.com", AddressKey = "a@example.com",
            InitiatedBy = "admin", TokenHash = hash, TokenKeyId = "k1", SentAt = T0, ExpiresAt = T0.AddDays(7),
        };
        await store.RecordInvitationSendsAsync(Tenant, import.ImportId, [], [send]);
        var other = (byte[])hash.Clone();
        other[31] ^= 1;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ScalarAsync(database, "SELECT token_hash FROM bulkinvite.invitations"), Is.EqualTo(hash));
            Assert.That(await ScalarAsync(database, "SELECT pg_typeof(token_hash)::text FROM bulkinvite.invitations"), Is.EqualTo("bytea"));
            Assert.That(await store.FindInvitationByTokenHashAsync(hash, T0), Is.Not.Null);
            Assert.That(await store.FindInvitationByTokenHashAsync(other, T0), Is.Null, "one bit changed");
            Assert.That(await store.FindInvitationByTokenHashAsync(hash.AsMemory(0, 31), T0), Is.Null, "a prefix");
        }
    }

    [Test]
    public async Task A_disposed_store_refuses_further_calls_and_a_borrowed_data_source_stays_open()
    {
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var store = new PostgreSqlInviteHistoryStore(dataSource);
        await store.CreateImportAsync(NewImport());
        await store.DisposeAsync();
        store.Dispose();

        Assert.That(() => store.ListImportsAsync(Tenant, new ImportQuery()), Throws.InstanceOf<ObjectDisposedException>());
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(connection.State, Is.EqualTo(System.Data.ConnectionState.Open));
    }

    [Test]
    public void The_constructors_validate_their_arguments_and_never_repeat_the_connection_string()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new PostgreSqlInviteHistoryStore((PostgreSqlHistoryStoreOptions)null!), Throws.ArgumentNullException);
            Assert.That(() => new PostgreSqlInviteHistoryStore((NpgsqlDataSource)null!), Throws.ArgumentNullException);
            Assert.That(() => new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions()), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = " " }), Throws.ArgumentException);
            Assert.That(
                () => new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = "Host=localhost", RetryTimeout = TimeSpan.FromSeconds(-1) }),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(
                () => new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = "Host=localhost;Password=s3cret;Nonsense=1" }),
                Throws.ArgumentException.With.Message.Not.Contain("s3cret"));
            Assert.That(
                () => new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = "Host=localhost;Password=s3cret;=" }),
                Throws.ArgumentException.With.Message.Not.Contain("s3cret"));
        }
    }
}
