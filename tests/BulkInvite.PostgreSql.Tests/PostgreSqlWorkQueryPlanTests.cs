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
        "chunk_no" or "error_code" => 0,
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
    public async Task A_claim_takes_the_oldest_free_row_past_the_live_leases()
    {
        await using var store = new PostgreSqlInviteHistoryStore(new PostgreSqlHistoryStoreOptions { ConnectionString = _connectionString });
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var oldest = new NpgsqlCommand(
            "SELECT import_id FROM bulkinvite.work WHERE status = 1 AND lease_expires_at <= @now ORDER BY queued_at, import_id LIMIT 1", connection);
        oldest.Parameters.AddWithValue("now", Now);
        var expected = (Guid)(await oldest.ExecuteScalarAsync())!;

        var lease = await store.ClaimAsync("instance-b", TimeSpan.FromMinutes(1), new DateTimeOffset(Now, TimeSpan.Zero));

        Assert.That((lease?.ImportId, lease?.Fence, lease?.Attempt), Is.EqualTo(((Guid?)expected, (long?)2, (int?)2)), "the oldest expired lease, before every queued row");
    }
}
