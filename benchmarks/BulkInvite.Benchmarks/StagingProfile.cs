using System.Diagnostics;
using System.Globalization;
using BulkInvite.PostgreSql.Tests;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.Benchmarks;

/// <summary>
/// <c>staging-profile [--entries N] [--batch B] [--rounds R] [--sqlite-only]</c>: where the time of staging into PostgreSQL goes. Stores the same
/// entries through the SQLite store and the PostgreSQL store, then by the same binary COPY into copies of the entries table without its indexes,
/// with the primary key only, unlogged (no WAL), and prints for each the wall time, the client's processor time and the
/// server's (every process of the cluster, from /proc).
/// </summary>
internal static class StagingProfile
{
    private static readonly (string Name, string Create)[] Tables =
    [
        ("entries as in the schema (PK + ix_entries_outcome)", "CREATE TABLE bulkinvite.t (LIKE bulkinvite.entries INCLUDING ALL)"),
        ("no index", "CREATE TABLE bulkinvite.t (LIKE bulkinvite.entries)"),
        ("primary key only", "CREATE TABLE bulkinvite.t (LIKE bulkinvite.entries); ALTER TABLE bulkinvite.t ADD PRIMARY KEY (import_id, sequence)"),
        ("PK + ix_entries_outcome partial, WHERE outcome <> 0 (a schema change)", "CREATE TABLE bulkinvite.t (LIKE bulkinvite.entries); ALTER TABLE bulkinvite.t ADD PRIMARY KEY (import_id, sequence); CREATE INDEX ON bulkinvite.t (import_id, outcome, sequence) WHERE outcome <> 0"),
        ("unlogged, PK + index", "CREATE UNLOGGED TABLE bulkinvite.t (LIKE bulkinvite.entries INCLUDING ALL)"),
        ("unlogged, no index", "CREATE UNLOGGED TABLE bulkinvite.t (LIKE bulkinvite.entries)"),
    ];

    public static async Task<int> RunAsync(string[] args, Func<string, string?> value)
    {
        var count = int.Parse(value("--entries") ?? "1000000", CultureInfo.InvariantCulture);
        var batch = int.Parse(value("--batch") ?? "10000", CultureInfo.InvariantCulture);
        var entries = PostgreSqlStagingBenchmarks.CreateEntries(count);
        var server = new PostgresServer();
        await server.StartAsync();
        try
        {
            var connectionString = await server.CreateDatabaseAsync();
            await using var provider = PostgreSqlStagingBenchmarks.Store(b => b.AddPostgreSqlHistoryStore(o => o.ConnectionString = connectionString));
            var store = provider.GetRequiredService<IInviteHistoryStore>();
            await PostgreSqlStagingBenchmarks.StageAsync(store, entries.AsMemory(0, 1));
            var postmaster = await PostmasterAsync(connectionString);

            var rounds = int.Parse(value("--rounds") ?? "2", CultureInfo.InvariantCulture);
            for (var round = 0; round < rounds; round++)
            {
                var sqlitePath = Path.Combine(Path.GetTempPath(), $"bulkinvite-profile-{Guid.NewGuid():N}.db");
                await using (var sqlite = PostgreSqlStagingBenchmarks.Store(b => b.AddSqliteHistoryStore(o => o.DatabasePath = sqlitePath)))
                {
                    await MeasureAsync($"SQLite store (batches of {batch:N0})", count, postmaster,
                        () => PostgreSqlStagingBenchmarks.StageAsync(sqlite.GetRequiredService<IInviteHistoryStore>(), entries, batch));
                }

                foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(sqlitePath) + "*"))
                {
                    File.Delete(file);
                }

                if (args.Contains("--sqlite-only"))
                {
                    continue;
                }

                await ResetAsync(connectionString, "TRUNCATE bulkinvite.entries; CHECKPOINT");
                await MeasureAsync($"store (binary COPY, batches of {batch:N0})", count, postmaster,
                    () => PostgreSqlStagingBenchmarks.StageAsync(store, entries, batch));
                foreach (var (name, create) in Tables)
                {
                    await ResetAsync(connectionString, "DROP TABLE IF EXISTS bulkinvite.t; " + create + "; CHECKPOINT");
                    await MeasureAsync($"COPY, {name}", count, postmaster, () => CopyAsync(connectionString, entries, batch, "bulkinvite.t"));
                }
            }
        }
        finally
        {
            await server.StopAsync();
        }

        return 0;
    }

    private static async Task CopyAsync(string connectionString, InviteEntryResult[] entries, int batchSize, string table)
    {
        var importId = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var start = 0; start < entries.Length; start += batchSize)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY {table} (import_id, sequence, line, address, address_key, outcome, reason, detail, duplicate_of_line, status_code, display_name, fields, updated_at, updated_offset) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = start; i < Math.Min(start + batchSize, entries.Length); i++)
                {
                    var e = entries[i];
                    await importer.StartRowAsync();
                    await importer.WriteAsync(importId, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(e.Sequence, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(e.Line, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(e.Address, NpgsqlDbType.Text);
                    await importer.WriteAsync(e.Address.ToUpperInvariant(), NpgsqlDbType.Text);
                    await importer.WriteAsync((short)e.Outcome, NpgsqlDbType.Smallint);
                    if (e.Reason is null)
                    {
                        await importer.WriteNullAsync();
                    }
                    else
                    {
                        await importer.WriteAsync(e.Reason, NpgsqlDbType.Text);
                    }

                    await importer.WriteNullAsync();
                    if (e.DuplicateOfLine is { } d)
                    {
                        await importer.WriteAsync(d, NpgsqlDbType.Bigint);
                    }
                    else
                    {
                        await importer.WriteNullAsync();
                    }

                    await importer.WriteNullAsync();
                    await importer.WriteNullAsync();
                    await importer.WriteNullAsync();
                    await importer.WriteAsync(e.UpdatedAt.UtcTicks, NpgsqlDbType.Bigint);
                    await importer.WriteAsync((short)e.UpdatedAt.Offset.TotalMinutes, NpgsqlDbType.Smallint);
                }

                await importer.CompleteAsync();
            }

            await transaction.CommitAsync();
        }
    }

    private static async Task MeasureAsync(string name, int count, int postmaster, Func<Task> run)
    {
        var server = ServerTicks(postmaster);
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await run();
        var wall = watch.Elapsed.TotalSeconds;
        var clientSeconds = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalSeconds;
        var serverSeconds = (ServerTicks(postmaster) - server) / 100.0;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {wall:0.00} s | {count / wall / 1000:0} k/s | {clientSeconds:0.00} s | {serverSeconds:0.00} s |"));
    }

    private static async Task ResetAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return int.Parse(Stat(backend)[3], CultureInfo.InvariantCulture);
    }

    /// <summary>User and system clock ticks of the postmaster and all its children.</summary>
    private static long ServerTicks(int postmaster)
    {
        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = Stat(pid);
                if (pid == postmaster || stat[3] == postmaster.ToString(CultureInfo.InvariantCulture))
                {
                    ticks += long.Parse(stat[13], CultureInfo.InvariantCulture) + long.Parse(stat[14], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
        }

        return ticks;
    }

    /// <summary>The fields of /proc/PID/stat after the command's name, numbered as in proc(5) from 0.</summary>
    private static string[] Stat(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var end = text.LastIndexOf(')');
        var rest = text[(end + 2)..].Split(' ');
        return ["", "", .. rest];
    }
}
