using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// The plans of the work store's hot statements, on a work table where most rows have ended (as they stay until
/// retention) and some are queued and running, with fresh statistics.
/// </summary>
[TestFixture]
public sealed partial class PostgreSqlWorkQueryPlanTests
{
    private const long Now = 638_500_000_000_000_000;
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task FillDatabaseAsync()
    {
        _connectionString = await PostgresServer.Current.CreateDatabaseAsync();
        await using (var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString }))
        {
            await store.CountUnfinishedAsync();
        }

        // 40,000 ended rows, 200 running (half of them with expired leases) and 200 queued, queued over time in that mix.
        await ExecuteAsync($"""
            INSERT INTO bulkinvite.work (import_id, tenant_id, initiated_by, file_name, mode, allow_repeat_upload, resend, queued_at, queued_offset,
                                         status, owner, fence, attempts, lease_expires_at, upload_bytes, upload_chunks)
            SELECT gen_random_uuid(), 'tenant-' || (i % 50), 'admin', 'f.csv', 0, false, false, {Now} - (40400 - i) * 10000000::bigint, 0,
                   CASE WHEN i <= 40000 THEN 2 + (i % 2) WHEN i <= 40200 THEN 1 ELSE 0 END, 'instance', 1, 1,
                   CASE WHEN i > 40000 AND i <= 40200 THEN {Now} + (i % 2 * 2 - 1) * 600000000::bigint END, 10, 1
            FROM generate_series(1, 40400) AS i;
            -- The running rows with a live lease are split into 100 parts each: 95 ended, 3 running, 2 queued (an import's parts are
            -- deleted when it ends, so only the parts of running imports are kept).
            UPDATE bulkinvite.work SET parts = 100, lease_expires_at = NULL WHERE status = 1 AND lease_expires_at > {Now};
            INSERT INTO bulkinvite.work_parts (import_id, part_no, tenant_id, first_sequence, last_sequence, queued_at, status, owner, fence, attempts, lease_expires_at)
            SELECT import_id, n, tenant_id, n * 100 - 99, n * 100, queued_at, CASE WHEN n <= 95 THEN 2 WHEN n <= 98 THEN 1 ELSE 0 END, 'instance', 1, 1, CASE WHEN n BETWEEN 96 AND 98 THEN {Now} + 600000000::bigint END
              FROM bulkinvite.work, generate_series(1, 100) AS n WHERE parts = 100;
            INSERT INTO bulkinvite.upload_chunks
            SELECT import_id, n, '\x00'::bytea FROM bulkinvite.work, generate_series(0, 49) AS n WHERE status IN (0, 1);
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

    private static object Value(string name) => name switch
    {
        "tenant_id" => "tenant-7",
        "import_id" => Guid.CreateVersion7(),
        "owner" => "instance-b",
        "progress" or "error" => "x",
        "status" or "expires_offset" or "ended_offset" => (short)2,
        "chunk_no" or "error_code" or "part_no" or "parts" => 0,
        "part_nos" => new[] { 1, 2 },
        "first_sequences" or "last_sequences" => new[] { 1L, 2L },
        "cutoff" => Now - (20_000 * 10_000_000L),
        _ => Now,
    };

    private static IEnumerable<TestCaseData> HotStatements()
    {
        static TestCaseData Case(string sql, string index, string name) => new TestCaseData(sql, index).SetName(name);
        yield return Case(PostgreSqlSql.ClaimWork, "Index Scan using ix_work_claim", "A claim reads the unfinished rows in order in ix_work_claim");
        yield return Case(PostgreSqlSql.CountUnfinishedWork, "ix_work_claim", "The unfinished rows are counted in ix_work_claim");
        yield return Case(PostgreSqlSql.RenewWork, "work_pkey", "A renewal finds its row by the primary key");
        yield return Case(PostgreSqlSql.LockWorkFence, "work_pkey", "A fenced write locks its row by the primary key");
        yield return Case(PostgreSqlSql.SelectWorkState, "work_pkey", "A state is read by the primary key");
        yield return Case(PostgreSqlSql.SelectUploadChunk, "upload_chunks_pkey", "A chunk is read by the primary key");
        yield return Case(PostgreSqlSql.DeleteUploadChunks, "upload_chunks_pkey", "An ended import's chunks are deleted by the primary key");
        yield return Case(PostgreSqlSql.ClaimPart, "Index Scan using ix_work_parts_claim", "A claim of a part reads the unfinished parts in order in ix_work_parts_claim");
        yield return Case(PostgreSqlSql.LockPartFence, "work_parts_pkey", "A fenced write of a part locks the part's row by the primary key");
        yield return Case(PostgreSqlSql.RenewPart, "work_parts_pkey", "A part's renewal finds its row by the primary key");
        yield return Case(PostgreSqlSql.ReopenSplitWork, "work_parts_pkey", "The end of the last part looks for the other parts by the primary key");
        yield return Case(PostgreSqlSql.DeleteParts, "work_parts_pkey", "An ended import's parts are deleted by the primary key");
        yield return Case(PostgreSqlSql.DeleteWorkBefore, "ix_work_tenant", "Retention finds a tenant's ended work by ix_work_tenant");
    }

    [TestCaseSource(nameof(HotStatements))]
    public async Task The_statement_uses_its_index(string sql, string expected)
    {
        var text = await QueryPlan.ExplainAsync(_connectionString, sql, Value);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain(expected));
            Assert.That(text, Does.Not.Contain("Seq Scan on work"), text);
            Assert.That(text, Does.Not.Contain("Sort"), "rows come in index order, no sort:\n" + text);
        }
    }

    [Test]
    public async Task A_claim_takes_the_oldest_free_part_and_then_the_oldest_free_row_past_the_live_leases()
    {
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var oldestPart = new NpgsqlCommand(
            "SELECT import_id, part_no FROM bulkinvite.work_parts WHERE status = 0 ORDER BY queued_at, import_id, part_no LIMIT 1", connection);
        (Guid, int) expectedPart;
        await using (var reader = await oldestPart.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            expectedPart = (reader.GetGuid(0), reader.GetInt32(1));
        }

        var part = await store.ClaimAsync("instance-b", TimeSpan.FromMinutes(1), new DateTimeOffset(Now, TimeSpan.Zero));
        Assert.That((part?.ImportId, part?.Part?.Number), Is.EqualTo(((Guid?)expectedPart.Item1, (int?)expectedPart.Item2)), "a part of an import being sent goes first");

        // With no part free (the queued ones taken for a while), the oldest import row whose lease expired.
        await ExecuteAsync($"UPDATE bulkinvite.work_parts SET status = 1, lease_expires_at = {Now} + 600000000::bigint WHERE status = 0");
        try
        {
            await using var oldest = new NpgsqlCommand(
                "SELECT import_id FROM bulkinvite.work WHERE status = 1 AND lease_expires_at <= @now ORDER BY queued_at, import_id LIMIT 1", connection);
            oldest.Parameters.AddWithValue("now", Now);
            var expected = (Guid)(await oldest.ExecuteScalarAsync())!;

            var lease = await store.ClaimAsync("instance-b", TimeSpan.FromMinutes(1), new DateTimeOffset(Now, TimeSpan.Zero));

            Assert.That((lease?.ImportId, lease?.Fence, lease?.Attempt), Is.EqualTo(((Guid?)expected, (long?)2, (int?)2)), "the oldest expired lease, before every queued row");
        }
        finally
        {
            await ExecuteAsync($"UPDATE bulkinvite.work_parts SET status = 0, lease_expires_at = NULL WHERE status = 1 AND part_no > 98");
        }
    }
}
