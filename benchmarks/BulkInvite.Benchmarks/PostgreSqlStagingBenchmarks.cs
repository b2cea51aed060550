using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BulkInvite.PostgreSql.Tests;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.Benchmarks;

/// <summary>
/// Storing one million staged entries, in batches of 10,000 (a transaction each, one after the other, as the stager
/// stores them): the PostgreSQL store (binary COPY), a batched INSERT into the same table (1,000 statements a round trip)
/// and the SQLite store, in one run. The benchmark starts its own PostgreSQL cluster (initdb + pg_ctl on 127.0.0.1, with
/// <c>fsync=off</c>, <c>synchronous_commit=off</c> and <c>full_page_writes=off</c>: the figures leave out the disk's
/// flushes, as the SQLite file here is on the same disk with <c>synchronous = NORMAL</c>); the entries table is emptied
/// before each iteration.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PostgreSqlStagingBenchmarks
{
    public const int Entries = 1_000_000;
    public const int BatchSize = 10_000;
    private const string Tenant = "bench";

    private PostgresServer _server = null!;
    private string _connectionString = string.Empty;
    private InviteEntryResult[] _entries = [];
    private string _directory = string.Empty;
    private string _databasePath = string.Empty;
    private ServiceProvider _postgres = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _entries = CreateEntries(Entries);
        _server = new PostgresServer();
        await _server.StartAsync();
        _connectionString = await _server.CreateDatabaseAsync();
        _postgres = Store(b => b.AddPostgreSqlHistoryStore(o => o.ConnectionString = _connectionString));
        _directory = Path.Combine(Path.GetTempPath(), "bulkinvite-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        // The schema, created by the store on first use.
        await StageAsync(_postgres.GetRequiredService<IInviteHistoryStore>(), _entries.AsMemory(0, 1));
    }

    [IterationSetup]
    public void NewIteration()
    {
        _databasePath = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db");
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("TRUNCATE bulkinvite.entries; CHECKPOINT", connection);
        command.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _postgres.DisposeAsync();
        await _server.StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "1M entries, PostgreSQL, batched INSERT")]
    public Task BatchedInsert() => InsertAsync(_connectionString, _entries);

    [Benchmark(Description = "1M entries, PostgreSQL store (binary COPY)")]
    public Task PostgreSqlStore() => StageAsync(_postgres.GetRequiredService<IInviteHistoryStore>(), _entries);

    [Benchmark(Description = "1M entries, SQLite store")]
    public async Task SqliteStore()
    {
        await using var sqlite = Store(b => b.AddSqliteHistoryStore(o => o.DatabasePath = _databasePath));
        await StageAsync(sqlite.GetRequiredService<IInviteHistoryStore>(), _entries);
    }

    /// <summary>Entries as staging stores them: about 90 % pending, 5 % invalid with a reason, 5 % duplicates.</summary>
    public static InviteEntryResult[] CreateEntries(int count)
    {
        var addresses = AddressCorpus.Create(count, seed: 7);
        var now = DateTimeOffset.UtcNow;
        var entries = new InviteEntryResult[count];
        for (var i = 0; i < count; i++)
        {
            var kind = i % 20;
            entries[i] = new InviteEntryResult
            {
                Sequence = i + 1,
                Line = i + 1,
                Address = addresses[i],
                Outcome = kind == 0 ? InviteOutcome.Invalid : kind == 1 ? InviteOutcome.Duplicate : InviteOutcome.Pending,
                Reason = kind == 0 ? "MissingAt" : kind == 1 ? "Duplicate" : null,
                DuplicateOfLine = kind == 1 ? Math.Max(1, i - 100) : null,
                UpdatedAt = now,
            };
        }

        return entries;
    }

    /// <summary>A new import, and its entries in batches of <see cref="BatchSize"/>, one after the other.</summary>
    public static async Task<Guid> StageAsync(IInviteHistoryStore store, ReadOnlyMemory<InviteEntryResult> entries, int batchSize = BatchSize)
    {
        var importId = Guid.NewGuid();
        await store.CreateImportAsync(new BulkInviteReport
        {
            ImportId = importId,
            TenantId = Tenant,
            FileName = "big.txt",
            InitiatedBy = "bench",
            IsPreview = true,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        for (var start = 0; start < entries.Length; start += batchSize)
        {
            var batch = entries.Slice(start, Math.Min(batchSize, entries.Length - start));
            await store.AddEntriesAsync(Tenant, importId, new ArraySegment<InviteEntryResult>(batch.ToArray()));
        }

        return importId;
    }

    /// <summary>The peer: each batch in a transaction, as INSERT statements sent 1,000 to a round trip.</summary>
    public static async Task InsertAsync(string connectionString, InviteEntryResult[] entries)
    {
        var importId = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var start = 0; start < entries.Length; start += BatchSize)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var end = Math.Min(start + BatchSize, entries.Length);
            for (var first = start; first < end; first += 1_000)
            {
                await using var batch = new NpgsqlBatch(connection, transaction);
                for (var i = first; i < Math.Min(first + 1_000, end); i++)
                {
                    var e = entries[i];
                    var command = new NpgsqlBatchCommand(
                        "INSERT INTO bulkinvite.entries (import_id, sequence, line, address, address_key, outcome, reason, detail, duplicate_of_line, status_code, display_name, fields, updated_at, updated_offset) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, NULL, NULL, NULL, $9, $10)");
                    command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId, NpgsqlDbType = NpgsqlDbType.Uuid });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence, NpgsqlDbType = NpgsqlDbType.Bigint });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Line, NpgsqlDbType = NpgsqlDbType.Bigint });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Address, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Address.ToUpperInvariant(), NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)e.Outcome, NpgsqlDbType = NpgsqlDbType.Smallint });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = e.DuplicateOfLine is { } d ? d : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.UpdatedAt.UtcTicks, NpgsqlDbType = NpgsqlDbType.Bigint });
                    command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)e.UpdatedAt.Offset.TotalMinutes, NpgsqlDbType = NpgsqlDbType.Smallint });
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    public static ServiceProvider Store(Action<IBulkInviteBuilder> add)
    {
        var services = new ServiceCollection();
        add(services.AddBulkInvite());
        return services.BuildServiceProvider();
    }
}
