using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite.Tests;

/// <summary>What only the SQLite store has: the file, its schema, its settings, its query plans and its transactions.</summary>
[TestFixture]
public sealed partial class SqliteInviteHistoryStoreTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private SqliteInviteHistoryStore NewStore(string? path = null)
        => new(new SqliteHistoryStoreOptions { DatabasePath = path ?? _folder.File() });

    private static BulkInviteReport NewImport(int minutes = 0) => new()
    {
        ImportId = Guid.NewGuid(),
        TenantId = Tenant,
        FileName = "invitees.txt",
        InitiatedBy = "admin",
        CreatedAt = T0.AddMinutes(minutes),
    };

    private static InviteEntryResult NewEntry(long sequence, string? address = null) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = address ?? $"user{sequence}@example.com",
        Outcome = InviteOutcome.Pending,
        Fields = new Dictionary<string, string> { ["row"] = sequence.ToString(CultureInfo.InvariantCulture) },
    };

    /// <summary>Runs SQL on a connection of its own (not pooled, so the file is free afterwards).</summary>
    private static async Task<object?> ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The schema of the first version (user_version 1), as it was created.</summary>
    internal const string SchemaVersion1 = """
        CREATE TABLE imports (
        import_id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        file_name TEXT NOT NULL,
        initiated_by TEXT NOT NULL,
        is_preview INTEGER NOT NULL,
        status INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_offset INTEGER NOT NULL,
        completed_at INTEGER NULL,
        completed_offset INTEGER NULL,
        parser_name TEXT NULL,
        error TEXT NULL,
        pending_count INTEGER NOT NULL,
        invited_count INTEGER NOT NULL,
        invalid_count INTEGER NOT NULL,
        duplicate_count INTEGER NOT NULL,
        existing_user_count INTEGER NOT NULL,
        already_invited_count INTEGER NOT NULL,
        failed_count INTEGER NOT NULL,
        skipped_count INTEGER NOT NULL,
        sender_name TEXT NULL,
        resend INTEGER NOT NULL,
        content_hash TEXT NULL,
        updated_at INTEGER NULL,
        updated_offset INTEGER NULL
        );
        CREATE INDEX ix_imports_history ON imports (tenant_id, is_preview, created_at DESC, import_id DESC);
        CREATE INDEX ix_imports_content ON imports (tenant_id, content_hash, created_at);
        CREATE TABLE entries (
        import_id TEXT NOT NULL REFERENCES imports (import_id),
        sequence INTEGER NOT NULL,
        line INTEGER NOT NULL,
        address TEXT NOT NULL,
        address_key TEXT NOT NULL,
        outcome INTEGER NOT NULL,
        reason TEXT NULL,
        detail TEXT NULL,
        duplicate_of_line INTEGER NULL,
        status_code INTEGER NULL,
        display_name TEXT NULL,
        fields TEXT NULL,
        updated_at INTEGER NOT NULL,
        updated_offset INTEGER NOT NULL,
        PRIMARY KEY (import_id, sequence)
        ) WITHOUT ROWID;
        CREATE INDEX ix_entries_outcome ON entries (import_id, outcome, sequence);
        PRAGMA user_version = 1;
        """;

    [Test]
    public async Task A_database_of_schema_1_is_migrated_and_keeps_its_imports()
    {
        var path = _folder.File();
        await ExecuteAsync(path, SchemaVersion1);
        await ExecuteAsync(path, """
            INSERT INTO imports VALUES ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 'tenant-a', 'old.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 0, 3, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL);
            """);

        await using (var store = NewStore(path))
        {
            var old = await store.GetImportAsync(Tenant, Guid.Parse("7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01"));
            Assert.That(old, Is.Not.Null);
            Assert.That(old!.Counts.Invited, Is.EqualTo(3));
            Assert.That(old.Counts.Sending, Is.Zero);

            await store.UpdateImportAsync(old with { Counts = old.Counts with { Sending = 2, Unknown = 1 } });
            var updated = await store.GetImportAsync(Tenant, old.ImportId);
            Assert.That(updated!.Counts.Sending, Is.EqualTo(2));
            Assert.That(updated.Counts.Unknown, Is.EqualTo(1));
        }

        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
    }

    [Test]
    public async Task A_new_file_has_pages_of_16_KiB_and_a_file_made_before_keeps_its_own()
    {
        var created = _folder.File();
        await using (var store = NewStore(created))
        {
            Assert.That(await store.GetImportAsync(Tenant, Guid.NewGuid()), Is.Null);
        }

        var older = _folder.File("older.db");
        await ExecuteAsync(older, SchemaVersion1);
        await ExecuteAsync(older, """
            INSERT INTO imports VALUES ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 'tenant-a', 'old.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 0, 3, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL);
            """);
        await using (var store = NewStore(older))
        {
            Assert.That(await store.GetImportAsync(Tenant, Guid.Parse("7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01")), Is.Not.Null);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ExecuteAsync(created, "PRAGMA page_size"), Is.EqualTo(16_384));
            Assert.That(await ExecuteAsync(created, "PRAGMA journal_mode"), Is.EqualTo("wal"));
            Assert.That(await ExecuteAsync(older, "PRAGMA page_size"), Is.EqualTo(4_096), "SQLite's default, as the file was made");
            Assert.That(await ExecuteAsync(older, "PRAGMA journal_mode"), Is.EqualTo("wal"));
            Assert.That(await ExecuteAsync(older, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
        }
    }

    [Test]
    public async Task A_database_of_schema_2_is_migrated_in_place_and_gets_the_invitation_ledger()
    {
        var path = _folder.File();
        await ExecuteAsync(path, SchemaVersion1);
        await ExecuteAsync(path, """
            ALTER TABLE imports ADD COLUMN sending_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE imports ADD COLUMN unknown_count INTEGER NOT NULL DEFAULT 0;
            PRAGMA user_version = 2;
            INSERT INTO imports VALUES ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 'tenant-a', 'old.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 0, 3, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, 1, 0);
            """);
        var importId = Guid.Parse("7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01");
        var hash = new byte[32];
        hash[0] = 7;

        await using (var store = NewStore(path))
        {
            var old = await store.GetImportAsync(Tenant, importId);
            var status = await store.RecordInvitationSendsAsync(Tenant, importId, [], [new InvitationSend
            {
                InvitationId = Guid.CreateVersion7(T0),
                ImportId = importId,
                Sequence = 1,
                Address = "jane@example.com",
                AddressKey = "jane@example.com",
                InitiatedBy = "admin",
                TokenHash = hash,
                TokenKeyId = "k1",
                SentAt = T0,
                ExpiresAt = T0.AddDays(7),
            }]);
            var accepted = await store.AcceptInvitationAsync(hash, T0.AddHours(1));

            using (Assert.EnterMultipleScope())
            {
                Assert.That((old!.Counts.Invited, old.Counts.Sending), Is.EqualTo((3L, 1L)), "the import of schema 2 is kept as it was");
                Assert.That(status.Single(), Is.EqualTo(InvitationSendStatus.Recorded));
                Assert.That(accepted!.State, Is.EqualTo(InvitationState.Accepted));
            }
        }

        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
    }

    [Test]
    public void Every_schema_version_below_the_current_one_has_its_script_and_each_ends_at_the_current_version()
    {
        Assert.That(SqliteSql.ScriptFrom, Has.Count.EqualTo(SqliteSql.SchemaVersion));
        using (Assert.EnterMultipleScope())
        {
            for (var version = 0; version < SqliteSql.SchemaVersion; version++)
            {
                Assert.That(SqliteSql.ScriptFrom[version], Does.EndWith($"PRAGMA user_version = {SqliteSql.SchemaVersion};"), $"from version {version}");
            }
        }
    }

    [Test]
    public async Task A_database_of_a_negative_schema_version_is_refused_and_left_alone()
    {
        var path = _folder.File();
        await ExecuteAsync(path, "CREATE TABLE imports (anything TEXT); PRAGMA user_version = -3;");
        await using var store = NewStore(path);

        Assert.That(() => store.ListImportsAsync(Tenant, new ImportQuery()), Throws.InvalidOperationException.With.Message.Contains("schema version -3").And.Message.Contains(path));
        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(-3L));
    }

    [Test]
    public async Task A_file_of_schema_7_keys_its_entries_by_each_imports_number_and_keeps_them_all()
    {
        // Schema 8 writes the imports and entries anew: each entry goes to its own import's number, with every column.
        var path = _folder.File();
        const string First = "7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01", Second = "0b4a3d2c-1e0f-4a9b-8c7d-6e5f4a3b2c1d", TeamJson = "{\"team\":\"x\"}";
        await ExecuteAsync(path, SchemaVersion1 + $"""
            ALTER TABLE imports ADD COLUMN sending_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE imports ADD COLUMN unknown_count INTEGER NOT NULL DEFAULT 0;
            PRAGMA user_version = 2;
            INSERT INTO imports VALUES ('{First}', '{Tenant}', 'first.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 1, 1, 0, 0, 0, 0, 1, 0, NULL, 0, NULL, NULL, NULL, 0, 0);
            INSERT INTO imports VALUES ('{Second}', 'tenant-b', 'second.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 1, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, 0, 0);
            INSERT INTO entries VALUES
                ('{First}', 1, 3, 'a@example.com', 'A@EXAMPLE.COM', 1, NULL, NULL, NULL, 250, 'Ann', '{TeamJson}', 639030348000000000, 60),
                ('{First}', 2, 4, 'b@example.com', 'B@EXAMPLE.COM', 0, NULL, NULL, NULL, NULL, NULL, NULL, 639030348000000000, 0),
                ('{First}', 3, 5, 'c@example.com', 'C@EXAMPLE.COM', 6, 'Rejected', '550 no', NULL, 550, NULL, NULL, 639030348000000000, 0),
                ('{Second}', 1, 1, 'a@example.com', 'A@EXAMPLE.COM', 0, NULL, NULL, NULL, NULL, NULL, NULL, 639030348000000000, 0);
            """);

        await using (var store = NewStore(path))
        {
            var first = (await store.ListEntriesAsync(Tenant, Guid.Parse(First), new EntryQuery())).Items;
            var second = (await store.ListEntriesAsync("tenant-b", Guid.Parse(Second), new EntryQuery())).Items;
            var failed = (await store.ListEntriesAsync(Tenant, Guid.Parse(First), new EntryQuery { Outcome = InviteOutcome.Failed })).Items;
            await store.AddEntriesAsync(Tenant, Guid.Parse(First), [NewEntry(4, "d@example.com")]);
            await store.UpdateEntriesAsync(Tenant, Guid.Parse(First), [new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }]);
            var removed = await store.DeleteAddressAsync(Tenant, "A@example.com");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(first.Select(e => (e.Sequence, e.Line, e.Address, e.Outcome)), Is.EqualTo(new[]
                {
                    (1L, 3L, "a@example.com", InviteOutcome.Invited), (2L, 4L, "b@example.com", InviteOutcome.Pending), (3L, 5L, "c@example.com", InviteOutcome.Failed),
                }));
                Assert.That((first[0].DisplayName, first[0].Fields?["team"], first[0].StatusCode, first[0].UpdatedAt.Offset), Is.EqualTo(("Ann", "x", (int?)250, TimeSpan.FromMinutes(60))));
                Assert.That(failed.Select(e => (e.Sequence, e.Reason, e.Detail)), Is.EqualTo(new[] { (3L, "Rejected", "550 no") }), "the outcome index, made anew");
                Assert.That(second.Select(e => (e.Sequence, e.Address)), Is.EqualTo(new[] { (1L, "a@example.com") }), "the other import's entry, under its own number");
                Assert.That(removed, Is.EqualTo(1), "the privacy request finds the key as written before, in the tenant's import only");
                Assert.That((await store.ListEntriesAsync(Tenant, Guid.Parse(First), new EntryQuery())).Items.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[]
                {
                    (2L, InviteOutcome.Invited), (3L, InviteOutcome.Failed), (4L, InviteOutcome.Pending),
                }));
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(8L));
            Assert.That(await ExecuteAsync(path, "SELECT group_concat(import_no || '=' || import_id, ' ') FROM (SELECT * FROM imports ORDER BY import_no)"), Is.EqualTo($"1={First} 2={Second}"));
            Assert.That(await ExecuteAsync(path, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%\\_7' ESCAPE '\\'"), Is.Zero, "nothing of the old tables is left");
            Assert.That(await ExecuteAsync(path, "PRAGMA foreign_key_check"), Is.Null);
            Assert.That(await ExecuteAsync(path, "PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
    }

    [Test]
    public async Task An_ASCII_address_is_stored_once_and_a_privacy_request_finds_it_as_it_finds_keys_written_in_full()
    {
        var path = _folder.File();
        var import = NewImport();
        await using (var store = NewStore(path))
        {
            await store.CreateImportAsync(import);
            await store.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(1, "Ann@Example.com"), NewEntry(2, "\u0131van@example.com"), NewEntry(3, "ivan@example.com"), NewEntry(4, "bob@example.com")]);
        }

        // A row as a store of schema 6 wrote it: the key in full.
        await ExecuteAsync(path, $"""
            INSERT INTO entries (import_no, sequence, line, address, address_key, outcome, updated_at, updated_offset)
            VALUES ((SELECT import_no FROM imports WHERE import_id = '{import.ImportId:D}'), 5, 5, 'old@example.com', 'OLD@EXAMPLE.COM', 0, 0, 0)
            """);

        Assert.That(await ExecuteAsync(path, "SELECT group_concat(sequence || '=' || address_key, ' ') FROM (SELECT * FROM entries ORDER BY sequence)"), Is.EqualTo("1= 2=\u0131VAN@EXAMPLE.COM 3= 4= 5=OLD@EXAMPLE.COM"), "only the key of an address that is not ASCII is stored");

        await using (var store = NewStore(path))
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That(await store.DeleteAddressAsync(Tenant, "ann@EXAMPLE.COM"), Is.EqualTo(1));
                Assert.That(await store.DeleteAddressAsync(Tenant, "Old@Example.com"), Is.EqualTo(1), "a key written in full");
                Assert.That(await store.DeleteAddressAsync(Tenant, "\u0131VAN@example.com"), Is.EqualTo(1), "an address that is not ASCII, by its stored key");
                Assert.That(await store.DeleteAddressAsync(Tenant, "IVAN@example.com"), Is.EqualTo(1));
                Assert.That(await store.DeleteAddressAsync(Tenant, "nobody@example.com"), Is.Zero);
                Assert.That((await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery())).Items.Select(e => e.Address), Is.EqualTo(new[] { "bob@example.com" }));
            }
        }
    }

    [Test]
    public async Task A_sequence_that_exists_in_the_middle_of_a_batch_is_named_in_the_error()
    {
        var import = NewImport();
        await using var store = NewStore();
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(23)]);

        var batch = Enumerable.Range(1, 40).Select(i => NewEntry(i)).ToList();
        Assert.That(() => store.AddEntriesAsync(Tenant, import.ImportId, batch), Throws.InvalidOperationException.With.Message.EqualTo($"Entry 23 of import {import.ImportId} exists already."));
        Assert.That((await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery())).Items.Select(e => e.Sequence), Is.EqualTo(new[] { 23L }));
    }

    [Test]
    public async Task History_written_by_one_store_is_read_by_the_next_on_the_same_file()
    {
        var import = NewImport();
        await using (var writer = NewStore())
        {
            await writer.CreateImportAsync(import);
            await writer.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(1), NewEntry(2)]);
            await writer.UpdateEntriesAsync(Tenant, import.ImportId, [new InviteEntryUpdate { Sequence = 2, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }]);
            await writer.UpdateImportAsync(import with { Status = ImportStatus.Completed, Counts = new OutcomeCounts { Pending = 1, Invited = 1 } });
        }

        await using var reader = NewStore();
        var report = await reader.GetImportAsync(Tenant, import.ImportId);
        var entries = await reader.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report, Is.EqualTo(import with { Status = ImportStatus.Completed, Counts = new OutcomeCounts { Pending = 1, Invited = 1 } }));
            Assert.That(entries.Items.Select(e => (e.Sequence, e.Outcome, e.StatusCode)), Is.EqualTo(new[] { (1L, InviteOutcome.Pending, (int?)null), (2L, InviteOutcome.Invited, 250) }));
            Assert.That(entries.Items[1].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["row"] = "2" }));
        }
    }

    [Test]
    public async Task Two_stores_on_one_file_see_each_others_writes_at_once()
    {
        await using var first = NewStore();
        await using var second = NewStore();
        var import = NewImport();

        await first.CreateImportAsync(import);
        await second.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(1)]);

        Assert.That((await first.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery())).Items.Single().Address, Is.EqualTo("user1@example.com"));
    }

    [Test]
    public async Task The_schema_is_created_on_first_use_with_version_1_in_WAL_mode()
    {
        var path = _folder.File(Path.Combine("nested", "folder", "history.db"));
        await using (var store = NewStore(path))
        {
            Assert.That(File.Exists(path), Is.False, "nothing is opened before the first call");
            await store.CreateImportAsync(NewImport());
            await using var connection = await store.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous), (SELECT foreign_keys FROM pragma_foreign_keys)";
            await using var row = await command.ExecuteReaderAsync();
            await row.ReadAsync();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(row.GetString(0), Is.EqualTo("wal"));
                Assert.That(row.GetInt64(1), Is.EqualTo(1), "synchronous = NORMAL");
                Assert.That(row.GetInt64(2), Is.EqualTo(1), "foreign_keys = ON");
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
            Assert.That(await ExecuteAsync(path, "PRAGMA journal_mode"), Is.EqualTo("wal"), "WAL is kept in the file");
            Assert.That(await ExecuteAsync(path, "SELECT COUNT(*) FROM imports"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_database_of_a_newer_schema_version_is_refused_and_left_alone()
    {
        var path = _folder.File();
        await ExecuteAsync(path, "CREATE TABLE imports (anything TEXT); PRAGMA user_version = 9;");
        await using var store = NewStore(path);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => store.ListImportsAsync(Tenant, new ImportQuery()));

        Assert.That(ex!.Message, Does.Contain("newer version of BulkInvite.Sqlite").And.Contain("schema version 9").And.Contain(path));
        Assert.That(() => store.CreateImportAsync(NewImport()), Throws.InvalidOperationException.With.Message.Contains("newer version"));
        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(9));
    }

    [Test]
    public async Task A_database_with_other_tables_and_no_version_gets_the_schema_beside_them()
    {
        var path = _folder.File();
        await ExecuteAsync(path, "CREATE TABLE host_users (email TEXT PRIMARY KEY); INSERT INTO host_users VALUES ('a@example.com');");
        await using (var store = NewStore(path))
        {
            var import = NewImport();
            await store.CreateImportAsync(import);
            Assert.That(await store.GetImportAsync(Tenant, import.ImportId), Is.EqualTo(import));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ExecuteAsync(path, "SELECT COUNT(*) FROM host_users"), Is.EqualTo(1));
            Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
        }
    }

    [Test]
    public async Task A_batch_of_10000_entries_is_written_and_updated_in_one_transaction_each()
    {
        await using var store = NewStore();
        var import = NewImport();
        await store.CreateImportAsync(import);
        var before = store.CommittedWriteTransactions;

        await store.AddEntriesAsync(Tenant, import.ImportId, Enumerable.Range(1, 10_000).Select(i => NewEntry(i)).ToList());
        var afterAdd = store.CommittedWriteTransactions;
        await store.UpdateEntriesAsync(Tenant, import.ImportId, Enumerable.Range(1, 10_000).Select(i => new InviteEntryUpdate { Sequence = i, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }).ToList());
        var afterUpdate = store.CommittedWriteTransactions;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterAdd - before, Is.EqualTo(1));
            Assert.That(afterUpdate - afterAdd, Is.EqualTo(1));
            Assert.That((await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Outcome = InviteOutcome.Invited, Limit = 1 })).TotalCount, Is.EqualTo(10_000));
        }
    }

    [Test]
    public async Task A_failing_batch_writes_none_of_its_entries()
    {
        await using var store = NewStore();
        var import = NewImport();
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(5)]);

        Assert.That(() => store.AddEntriesAsync(Tenant, import.ImportId, [NewEntry(1), NewEntry(2), NewEntry(5), NewEntry(6)]), Throws.InvalidOperationException.With.Message.Contains("Entry 5"));
        Assert.That(
            () => store.UpdateEntriesAsync(Tenant, import.ImportId, [new InviteEntryUpdate { Sequence = 5, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }, new InviteEntryUpdate { Sequence = 9, Outcome = InviteOutcome.Invited, UpdatedAt = T0 }]),
            Throws.InstanceOf<KeyNotFoundException>());

        var entries = (await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery())).Items;
        Assert.That(entries.Select(e => (e.Sequence, e.Outcome)), Is.EqualTo(new[] { (5L, InviteOutcome.Pending) }));
    }

    [Test]
    public async Task Two_stores_writing_one_file_at_once_wait_for_each_other_instead_of_failing()
    {
        // Each store serialises its own writes; between stores (as between processes) SQLite's lock and the busy
        // timeout do.
        await using var first = NewStore();
        await using var second = NewStore();
        var imports = new[] { NewImport(0), NewImport(1), NewImport(2), NewImport(3) };
        await Task.WhenAll(imports.Select((import, i) => (i % 2 == 0 ? first : second).CreateImportAsync(import)));

        await Task.WhenAll(
            from pair in imports.Select((import, i) => (Import: import, Store: i % 2 == 0 ? first : second))
            from batch in Enumerable.Range(0, 20)
            select Task.Run(() => pair.Store.AddEntriesAsync(Tenant, pair.Import.ImportId, Enumerable.Range((batch * 200) + 1, 200).Select(i => NewEntry(i)).ToList())));

        foreach (var import in imports)
        {
            Assert.That((await second.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Limit = 1 })).TotalCount, Is.EqualTo(4_000));
        }
    }

    [Test]
    public async Task Forgetting_an_address_leaves_no_copy_of_it_in_the_database_file_its_log_or_its_shared_memory_file()
    {
        var path = _folder.File();
        await using var store = NewStore(path);
        var import = NewImport();
        await store.CreateImportAsync(import);
        await store.AddEntriesAsync(Tenant, import.ImportId, Enumerable.Range(1, 2_000).Select(i => NewEntry(i, i % 100 == 7 ? "Forget.Me@example.com" : null)).ToList());
        await store.UpdateEntriesAsync(Tenant, import.ImportId, Enumerable.Range(1, 2_000).Select(i => new InviteEntryUpdate { Sequence = i, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }).ToList());
        Assert.That(CopiesOnDisk(path, "forget.me@example.com"), Is.GreaterThan(0), "the address is on disk before it is forgotten");

        var deleted = await store.DeleteAddressAsync(Tenant, "forget.me@EXAMPLE.com");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(20));
            Assert.That(CopiesOnDisk(path, "forget.me@example.com"), Is.Zero, "no copy in the .db, -wal or -shm file, in any case");
            Assert.That(CopiesOnDisk(path, "user1999@example.com"), Is.GreaterThan(0), "the other addresses are kept");
            Assert.That((await store.ListEntriesAsync(Tenant, import.ImportId, new EntryQuery { Limit = 1 })).TotalCount, Is.EqualTo(1_980));
        }
    }

    /// <summary>How often the text occurs, ignoring case, in the database file and the files SQLite keeps beside it.</summary>
    private static int CopiesOnDisk(string path, string text)
    {
        var count = 0;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            var content = reader.ReadToEnd();
            for (var at = content.IndexOf(text, StringComparison.OrdinalIgnoreCase); at >= 0; at = content.IndexOf(text, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    [Test]
    public async Task A_disposed_store_refuses_further_calls()
    {
        var store = NewStore();
        await store.CreateImportAsync(NewImport());
        await store.DisposeAsync();
        await store.DisposeAsync();

        Assert.That(() => store.ListImportsAsync(Tenant, new ImportQuery()), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void The_constructor_validates_the_options()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new SqliteInviteHistoryStore(null!), Throws.ArgumentNullException);
            Assert.That(() => new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = " " }), Throws.ArgumentException);
            Assert.That(() => new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = "x.db", BusyTimeout = TimeSpan.FromSeconds(-1) }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    private static IEnumerable<TestCaseData> IndexedQueries()
    {
        yield return new TestCaseData(SqliteSql.ListEntries, "USING PRIMARY KEY").SetName("Entry page uses the primary key");
        yield return new TestCaseData(SqliteSql.ListEntriesWithOutcome, "USING INDEX ix_entries_outcome").SetName("Entry page of one outcome uses ix_entries_outcome");
        yield return new TestCaseData(SqliteSql.ListPendingEntries, "USING PRIMARY KEY (import_no=? AND sequence>? AND sequence<?)").SetName("Entry page of pending entries is a range of the primary key");
        yield return new TestCaseData(SqliteSql.CountEntries, "USING PRIMARY KEY (import_no=?)").SetName("Entry count is the import's range of the primary key");
        yield return new TestCaseData(SqliteSql.CountEntriesWithOutcome, "USING COVERING INDEX ix_entries_outcome").SetName("Entry count of one outcome uses ix_entries_outcome alone");
        yield return new TestCaseData(SqliteSql.CountPendingEntries, "USING PRIMARY KEY (import_no=?)").SetName("Entry count of pending entries is the import's range of the primary key");
        yield return new TestCaseData(SqliteSql.CountEntriesInOutcomeIndex, "USING COVERING INDEX ix_entries_outcome (import_no=? AND outcome=? AND sequence>? AND sequence<?)")
            .SetName("The check of an entry page counts ranges of ix_entries_outcome alone");
        yield return new TestCaseData(SqliteSql.ListImports, "USING INDEX ix_imports_history").SetName("History page uses ix_imports_history");
        yield return new TestCaseData(SqliteSql.CountImports, "USING COVERING INDEX ix_imports_history").SetName("History count uses ix_imports_history alone");
        yield return new TestCaseData(SqliteSql.ListImportsWithPreviews, "USING INDEX ix_imports_history").SetName("History page with previews uses ix_imports_history");
        yield return new TestCaseData(SqliteSql.CountImportsWithPreviews, "USING COVERING INDEX ix_imports_history").SetName("History count with previews uses ix_imports_history alone");
        yield return new TestCaseData(SqliteSql.ListImportsWithContentHash, "USING INDEX ix_imports_content").SetName("Repeat-upload lookup uses ix_imports_content");
        yield return new TestCaseData(SqliteSql.CountImportsWithContentHash, "USING INDEX ix_imports_content").SetName("Repeat-upload count uses ix_imports_content");
        yield return new TestCaseData(SqliteSql.SelectImport, "USING INDEX sqlite_autoindex_imports_1").SetName("Import lookup uses the unique index of import ids");
        yield return new TestCaseData(SqliteSql.UpdateEntry, "USING PRIMARY KEY").SetName("Entry update uses the primary key");
        yield return new TestCaseData(SqliteSql.DeleteImportsCreatedBefore, "INDEX ix_imports_history (tenant_id=? AND is_preview=? AND created_at<?)").SetName("Retention finds old imports by ix_imports_history");
        yield return new TestCaseData(SqliteSql.DeleteEntriesOfImportsCreatedBefore, "USING PRIMARY KEY").SetName("Retention deletes entries by the primary key");
        yield return new TestCaseData(SqliteSql.DeleteEntriesOfImport, "USING PRIMARY KEY (import_no=?)").SetName("A refused import's entries are deleted by the primary key");
        yield return new TestCaseData(SqliteSql.SelectLiveInvitations, "USING INDEX ux_invitations_live (tenant_id=? AND address_key=?)").SetName("Live invitations of a batch of addresses are probes of ux_invitations_live");
        yield return new TestCaseData(SqliteSql.SelectInvitationsOfEntries, "USING INDEX ux_invitations_entry (tenant_id=? AND import_id=? AND sequence>? AND sequence<?)").SetName("The invitations of a report page are a range of ux_invitations_entry");
        yield return new TestCaseData(SqliteSql.ExpireStaleOfAddress, "ux_invitations_live (tenant_id=? AND address_key=?)").SetName("A send expires a stale invitation of its address through ux_invitations_live");
        yield return new TestCaseData(SqliteSql.RevokePendingOfAddress, "ux_invitations_live (tenant_id=? AND address_key=?)").SetName("A replacing send revokes the pending invitation of its address through ux_invitations_live");
        yield return new TestCaseData(SqliteSql.SelectInvitationByToken, "ux_invitations_token").SetName("A token lookup uses ux_invitations_token");
        yield return new TestCaseData(SqliteSql.AcceptInvitation, "ux_invitations_token").SetName("An accept finds its row through ux_invitations_token");
        yield return new TestCaseData(SqliteSql.SelectInvitation, "PRIMARY KEY").SetName("An invitation lookup uses the primary key");
        yield return new TestCaseData(SqliteSql.ListInvitations, "PRIMARY KEY").SetName("An invitation page is a range of the primary key");
        yield return new TestCaseData(SqliteSql.RevokeInvitation, "PRIMARY KEY").SetName("A revoke finds its row by the primary key");
        yield return new TestCaseData(SqliteSql.RevokeInvitationsOfImport, "ux_invitations_entry").SetName("An import's invitations are revoked through ux_invitations_entry");
        yield return new TestCaseData(SqliteSql.ExpireInvitations, "PRIMARY KEY").SetName("The expiry sweep walks the tenant's part of the primary key");
        yield return new TestCaseData(SqliteSql.DeleteInvitationsOfImport, "ux_invitations_entry").SetName("A refused import's invitations are deleted through ux_invitations_entry");
        yield return new TestCaseData(SqliteSql.CountInvitationsOfImport, "USING INDEX ux_invitations_entry (tenant_id=? AND import_id=?)").SetName("An import's invitations are counted in a range of ux_invitations_entry");
        yield return new TestCaseData(SqliteSql.NextQueuedWork, "USING COVERING INDEX ix_work_claim (status=?)").SetName("A claim finds the oldest queued import at the head of ix_work_claim");
        yield return new TestCaseData(SqliteSql.NextExpiredWork, "USING COVERING INDEX ix_work_claim (status=?)").SetName("A claim finds the oldest expired lease among the running rows of ix_work_claim");
        yield return new TestCaseData(SqliteSql.ClaimWork, "USING PRIMARY KEY (import_id=?)").SetName("A claim takes its row by the primary key");
        yield return new TestCaseData(SqliteSql.LeaseHeld, "USING PRIMARY KEY (import_id=?)").SetName("A fenced write checks its lease by the primary key");
        yield return new TestCaseData(SqliteSql.RenewWork, "USING PRIMARY KEY (import_id=?)").SetName("A renewal finds its row by the primary key");
        yield return new TestCaseData(SqliteSql.CompleteWork, "USING PRIMARY KEY (import_id=?)").SetName("An end finds its row by the primary key");
        yield return new TestCaseData(SqliteSql.SelectWork, "USING PRIMARY KEY (import_id=?)").SetName("An import's queue state is read by the primary key");
        yield return new TestCaseData(SqliteSql.SelectUploadChunk, "USING INDEX sqlite_autoindex_work_uploads_1 (import_id=? AND chunk=?)").SetName("A chunk of an upload is read by its key");
        yield return new TestCaseData(SqliteSql.DeleteUpload, "USING INDEX sqlite_autoindex_work_uploads_1 (import_id=?)").SetName("An upload is deleted through its key");
        yield return new TestCaseData(SqliteSql.CountUnfinishedWork, "USING COVERING INDEX ix_work_claim (status=?)").SetName("Unfinished imports are counted in ix_work_claim alone");
        yield return new TestCaseData(SqliteSql.NextQueuedPart, "USING COVERING INDEX ix_work_parts_claim (status=?)").SetName("A claim finds the oldest queued part at the head of ix_work_parts_claim");
        yield return new TestCaseData(SqliteSql.NextExpiredPart, "USING COVERING INDEX ix_work_parts_claim (status=?)").SetName("A claim finds the oldest expired part among the running rows of ix_work_parts_claim");
        yield return new TestCaseData(SqliteSql.ClaimPart, "USING PRIMARY KEY (import_id=? AND part_no=?)").SetName("A claim takes its part by the primary key");
        yield return new TestCaseData(SqliteSql.PartLeaseHeld, "USING PRIMARY KEY (import_id=? AND part_no=?)").SetName("A fenced write checks its part's lease by the primary key");
        yield return new TestCaseData(SqliteSql.RenewPart, "USING PRIMARY KEY (import_id=? AND part_no=?)").SetName("A part's renewal finds its row by the primary key");
        yield return new TestCaseData(SqliteSql.ReopenSplitWork, "USING PRIMARY KEY (import_id=?)").SetName("The end of the last part finds its import and the other parts by primary keys");
        yield return new TestCaseData(SqliteSql.SelectPartOwners, "USING PRIMARY KEY (import_id=?)").SetName("The owners of an import's parts are a range of the primary key");
        yield return new TestCaseData(SqliteSql.DeleteParts, "USING PRIMARY KEY (import_id=?)").SetName("An ended import's parts are deleted through the primary key");
        yield return new TestCaseData(SqliteSql.DeleteEndedWorkBefore, "USING INDEX ix_work_tenant (tenant_id=? AND status=?)").SetName("Retention finds ended work through ix_work_tenant");
    }

    [TestCaseSource(nameof(IndexedQueries))]
    public async Task The_query_uses_its_index(string sql, string expected)
    {
        await using var store = NewStore();
        await store.CreateImportAsync(NewImport());
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in ParameterName().Matches(sql).Select(m => m.Value).Distinct())
        {
            command.Parameters.AddWithValue(name, 1);
        }

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var text = string.Join(" | ", plan);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain(expected));
            // Only the array of keys a batch asks about is walked whole.
            Assert.That(plan.Where(p => !p.StartsWith("SCAN k VIRTUAL TABLE", StringComparison.Ordinal)), Has.None.StartsWith("SCAN"), text);
        }

        if (sql is SqliteSql.ListEntries or SqliteSql.ListEntriesWithOutcome or SqliteSql.ListPendingEntries or SqliteSql.ListImports or SqliteSql.NextQueuedWork or SqliteSql.NextExpiredWork
            or SqliteSql.NextQueuedPart or SqliteSql.NextExpiredPart)
        {
            Assert.That(text, Does.Not.Contain("TEMP B-TREE"), "rows come in index order, no sort");
        }
    }

    [GeneratedRegex(@"\$[a-z_]+")]
    private static partial Regex ParameterName();
}
