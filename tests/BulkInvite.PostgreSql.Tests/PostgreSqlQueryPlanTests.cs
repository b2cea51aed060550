using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// The plans PostgreSQL chooses for the store's hot statements, on a database with enough rows (and fresh statistics)
/// that a missing index would show as a sequential scan or a sort.
/// </summary>
[TestFixture]
public sealed partial class PostgreSqlQueryPlanTests
{
    private const string Tenant = "tenant-a";
    private static readonly Guid BigImport = new("0194f3a0-0000-7000-8000-000000000001");
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task FillDatabaseAsync()
    {
        _connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await store.CreateImportAsync(new BulkInviteReport { ImportId = BigImport, TenantId = Tenant, FileName = "big.csv", InitiatedBy = "admin", CreatedAt = t0 });
        await store.AddEntriesAsync(Tenant, BigImport, Enumerable.Range(1, 20_000).Select(i => new InviteEntryResult
        {
            Sequence = i,
            Line = i,
            Address = $"user{i}@example.com",
            // Half way through sending: the second half still pending, with a few failures among what was sent.
            Outcome = i > 10_000 ? InviteOutcome.Pending : i % 100 == 0 ? InviteOutcome.Failed : InviteOutcome.Invited,
            UpdatedAt = t0,
        }).ToList());
        for (var n = 0; n < 40; n++)
        {
            var other = Guid.CreateVersion7();
            await store.CreateImportAsync(new BulkInviteReport { ImportId = other, TenantId = Tenant, FileName = "other.csv", InitiatedBy = "admin", CreatedAt = t0.AddMinutes(n) });
            await store.AddEntriesAsync(Tenant, other, Enumerable.Range(1, 2_500).Select(i => new InviteEntryResult
            {
                Sequence = i, Line = i, Address = $"other{i}@example.com", Outcome = InviteOutcome.Invited, UpdatedAt = t0,
            }).ToList());
        }

        await ExecuteAsync("""
            INSERT INTO bulkinvite.imports
            SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN 'tenant-a' ELSE 'tenant-' || (i % 50) END, 'f.csv', 'admin', i % 7 = 0, 1, 638000000000000000 + i * 10000000::bigint, 0,
                   NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, false, 'hash-' || i, NULL, NULL
            FROM generate_series(1, 40000) AS i;
            INSERT INTO bulkinvite.invitations
            SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN 'tenant-b' ELSE 'tenant-a' END,
                   CASE WHEN i % 100 = 0 THEN '0194f3a0-0000-7000-8000-000000000001'::uuid ELSE gen_random_uuid() END, i, i,
                   'user' || i || '@example.com', 'user' || i || '@example.com', upper('user' || i || '@example.com'), NULL, NULL, 'admin',
                   (i % 4)::smallint, 638000000000000000, 639000000000000000, NULL, NULL, 1, 638000000000000000, NULL,
                   sha256(convert_to(i::text, 'UTF8')), 'k1'
            FROM generate_series(1, 20000) AS i;
            """);
        await ExecuteAsync("VACUUM ANALYZE");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A value for each parameter name that the statements use: the big import, a rare outcome, a token that exists.</summary>
    private static object Value(string name) => name switch
    {
        "tenant_id" => Tenant,
        "import_id" => BigImport,
        "invitation_id" => Guid.CreateVersion7(),
        "outcome" => (short)InviteOutcome.Failed,
        "state" => (short)InvitationState.Accepted,
        "after" => 0L,
        "from" => long.MinValue,
        "to" => long.MaxValue,
        "cutoff" => 638000010000000000L,
        "limit" => 101,
        "offset" => 0,
        "previews" => false,
        "content_hash" => "hash-77",
        "address_key" => "user77@example.com",
        "address_keys" => new[] { "user77@example.com", "user78@example.com", "nobody@example.com" },
        "last" => 200L,
        "token_hash" => System.Security.Cryptography.SHA256.HashData("77"u8),
        "reason" or "detail" => "x",
        "status_code" => 250,
        "updated_offset" => (short)0,
        "is_preview" or "resend" => false,
        _ => 638500000000000000L,
    };

    private static IEnumerable<TestCaseData> HotStatements()
    {
        static TestCaseData Case(string sql, string index, string name) => new TestCaseData(sql, index).SetName(name);
        yield return Case(PostgreSqlSql.ListEntries, "entries_pkey", "An entry page is a range of the entries' primary key");
        yield return Case(PostgreSqlSql.ListEntriesWithOutcome, "ix_entries_outcome", "An entry page of one outcome is a range of ix_entries_outcome");
        yield return Case(PostgreSqlSql.ListPendingEntries, "entries_pkey", "An entry page of pending entries is a range of the entries' primary key");
        yield return Case(PostgreSqlSql.CountEntries, "Index Only Scan", "An entry count reads an index only");
        yield return Case(PostgreSqlSql.CountEntriesWithOutcome, "Index Only Scan using ix_entries_outcome", "An entry count of one outcome reads ix_entries_outcome only");
        yield return Case(PostgreSqlSql.CountPendingEntries, "entries_pkey", "An entry count of pending entries reads the import's range of the primary key");
        yield return Case(PostgreSqlSql.UpdateEntry, "entries_pkey", "An entry update finds its row by the primary key");
        yield return Case(PostgreSqlSql.DeleteEntriesOfImport, "entries_pkey", "A refused import's entries are deleted by the primary key");
        yield return Case(PostgreSqlSql.SelectImport, "imports_pkey", "An import is read by its primary key");
        yield return Case(PostgreSqlSql.LockImportOfTenant, "imports_pkey", "A write finds its import by the primary key");
        yield return Case(PostgreSqlSql.ListImports, "ix_imports_history", "A history page is a range of ix_imports_history");
        yield return Case(PostgreSqlSql.CountImports, "ix_imports_history", "A history count reads ix_imports_history");
        yield return Case(PostgreSqlSql.ListImportsWithPreviews, "ix_imports_all", "A history page with previews is a range of ix_imports_all");
        yield return Case(PostgreSqlSql.ListImportsWithContentHash, "ix_imports_content", "A repeat-upload lookup uses ix_imports_content");
        yield return Case(PostgreSqlSql.LockImportsCreatedBefore, "ix_imports_all", "Retention finds old imports by ix_imports_all");
        yield return Case(PostgreSqlSql.SelectInvitationByToken, "ux_invitations_token", "A token hash finds its invitation by ux_invitations_token");
        yield return Case(PostgreSqlSql.AcceptInvitation, "ux_invitations_token", "An accept finds its invitation by ux_invitations_token");
        yield return Case(PostgreSqlSql.SelectLiveInvitations, "ux_invitations_live", "Each address's live invitation is one entry of ux_invitations_live");
        yield return Case(PostgreSqlSql.SelectInvitationsOfEntries, "ux_invitations_entry", "A page's invitations are a range of ux_invitations_entry");
        yield return Case(PostgreSqlSql.CountInvitationsOfImport, "ux_invitations_entry", "An import's invitations are counted in a range of ux_invitations_entry");
        yield return Case(PostgreSqlSql.SelectInvitation, "invitations_pkey", "An invitation is read by its primary key");
        yield return Case(PostgreSqlInviteHistoryStore.ListInvitationsSql(new InvitationQuery()), "invitations_pkey", "An invitation page is a range of the primary key");
        yield return Case(PostgreSqlInviteHistoryStore.ListInvitationsSql(new InvitationQuery { State = InvitationState.Pending }), "invitations_pkey", "A page of pending invitations is a range of the primary key");
        yield return Case(PostgreSqlSql.RevokeInvitationsOfImport, "ux_invitations_entry", "Revoking an import's invitations finds them by ux_invitations_entry");
        yield return Case(PostgreSqlSql.DeleteInvitationsOfImport, "ux_invitations_entry", "Deleting an import's invitations finds them by ux_invitations_entry");
        yield return Case(PostgreSqlSql.DeleteInvitationsOfImportsCreatedBefore, "ux_invitations_entry", "Retention finds the old imports' invitations by ux_invitations_entry");
    }

    [TestCaseSource(nameof(HotStatements))]
    public async Task The_statement_uses_its_index(string sql, string expected)
    {
        var text = await QueryPlan.ExplainAsync(_connectionString, sql, name => name == "after" && sql.Contains("invitation_id > @after", StringComparison.Ordinal) ? Guid.Empty : Value(name));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain(expected));
            Assert.That(text, Does.Not.Contain("Seq Scan"), text);
            Assert.That(text, Does.Not.Contain("Sort"), "rows come in index order, no sort:\n" + text);
        }
    }

    /// <summary>
    /// A new database with one import of a million entries that the statistics do not know (autovacuum off for the
    /// table, so that nothing analyzes it), as after a new database's first big import, or a big import staged since
    /// the table was last analyzed: the planner estimates a range of it at a few hundred rows.
    /// </summary>
    private static async Task<(string ConnectionString, Guid ImportId)> ImportTheStatisticsDoNotKnowAsync()
    {
        var connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        var id = Guid.CreateVersion7();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = connectionString });
        await store.CreateImportAsync(new BulkInviteReport { ImportId = id, TenantId = Tenant, FileName = "new.csv", InitiatedBy = "admin", CreatedAt = t0 });
        await ScalarAsync(connectionString, "ALTER TABLE bulkinvite.entries SET (autovacuum_enabled = false)");
        await ScalarAsync(connectionString, $"""
            INSERT INTO bulkinvite.entries (import_id, sequence, line, address, address_key, outcome, updated_at, updated_offset)
            SELECT '{id}', i, i, 'user' || i || '@example.com', 'USER' || i || '@EXAMPLE.COM', (CASE WHEN i % 50 = 0 THEN 2 ELSE 0 END)::smallint, {t0.UtcTicks}, 0
            FROM generate_series(1, {BigUnknownImport}) AS i
            """);
        return (connectionString, id);
    }

    private const int BigUnknownImport = 1_000_000;

    [Test]
    public async Task Entry_pages_of_an_import_the_statistics_do_not_know_are_ordered_ranges_of_an_index()
    {
        var (connectionString, id) = await ImportTheStatisticsDoNotKnowAsync();

        object ValueOf(string name) => name switch
        {
            "import_id" => id,
            "outcome" => (short)InviteOutcome.Invalid,
            "after" => BigUnknownImport / 2L,
            "last" => long.MaxValue,
            _ => Value(name),
        };

        var unguarded = await QueryPlan.ExplainAsync(connectionString, PostgreSqlSql.ListEntries, ValueOf);
        TestContext.Out.WriteLine("without the settings:\n" + unguarded);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(unguarded, Does.Contain("Sort"), "the trap the settings keep the pages out of: every entry after the page's start read and sorted");
            foreach (var sql in new[] { PostgreSqlSql.ListEntries, PostgreSqlSql.ListPendingEntries, PostgreSqlSql.ListEntriesWithOutcome })
            {
                var plan = await QueryPlan.ExplainAsync(connectionString, sql, ValueOf, PostgreSqlSql.OrderedEntryRanges);
                Assert.That(plan, Does.Contain("Index Scan using"), plan);
                Assert.That(plan, Does.Not.Contain("Sort").And.Not.Contain("Bitmap").And.Not.Contain("Seq Scan"), plan);
            }
        }
    }

    [Test]
    public async Task The_store_reads_the_report_of_an_import_the_statistics_do_not_know_once_not_page_after_page()
    {
        // The plan test above shows what the settings do; this one shows that the store runs them: the heap blocks of
        // entries that the server touches while the store reads 20 pages half way through the import, of all entries
        // and of the pending ones.
        const int Pages = 20;
        var (connectionString, id) = await ImportTheStatisticsDoNotKnowAsync();
        NpgsqlConnection.ClearAllPools();
        var before = await SettledHeapBlocksAsync(connectionString);
        var read = 0L;
        await using (var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = connectionString }))
        {
            foreach (var outcome in new InviteOutcome?[] { null, InviteOutcome.Pending })
            {
                var after = BigUnknownImport / 2L;
                for (var page = 0; page < Pages; page++)
                {
                    var items = (await store.ListEntriesAsync(Tenant, id, new EntryQuery { Outcome = outcome, AfterSequence = after, Limit = 1000, IncludeTotalCount = false })).Items;
                    Assert.That(items, Has.Count.EqualTo(1000));
                    read += items.Count;
                    after = items[^1].Sequence;
                }
            }
        }

        // The store's connections end, and with them their sessions, which report what they read.
        NpgsqlConnection.ClearAllPools();
        var touched = await SettledHeapBlocksAsync(connectionString) - before;
        var tableBlocks = (long)(await ScalarAsync(connectionString, "SELECT pg_relation_size('bulkinvite.entries') / current_setting('block_size')::bigint"))!;
        TestContext.Out.WriteLine($"{read:N0} entries read in {2 * Pages} pages of 1,000; heap blocks touched: {touched:N0}; the table has {tableBlocks:N0}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.EqualTo(2L * Pages * 1000));
            Assert.That(touched, Is.GreaterThan(0), "the sessions reported what they read");
            // Read in order, a page touches its own blocks: about a fortieth of the table in all. Read whole and
            // sorted, each page touches the half of the table after its start: twenty times the table.
            Assert.That(touched, Is.LessThan(tableBlocks / 5));
        }
    }

    /// <summary>The heap blocks of the entries table touched so far, once the sessions that ended have reported them.</summary>
    private static async Task<long> SettledHeapBlocksAsync(string connectionString)
    {
        const string Sql = "SELECT coalesce(heap_blks_read, 0) + coalesce(heap_blks_hit, 0) FROM pg_statio_user_tables WHERE schemaname = 'bulkinvite' AND relname = 'entries'";
        const string Sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        for (var attempt = 0; attempt < 50 && (long)(await ScalarAsync(connectionString, Sessions))! > 0; attempt++)
        {
            // A session leaves pg_stat_activity first, then reports what it read.
            await Task.Delay(100);
        }

        var last = -1L;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var now = (long)(await ScalarAsync(connectionString, Sql))!;
            if (now == last)
            {
                return now;
            }

            last = now;
            await Task.Delay(200);
        }

        return last;
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
