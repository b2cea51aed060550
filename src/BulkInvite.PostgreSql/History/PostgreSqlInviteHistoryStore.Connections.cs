using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <content>Connections, transactions, retries and the schema.</content>
public sealed partial class PostgreSqlInviteHistoryStore
{
    private const string ScriptPrefix = "BulkInvite.PostgreSql.Schema.";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _migrateSchema;
    private readonly TimeSpan _retryTimeout;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;
    private int _disposed;
    private long _retries;

    /// <summary>How many times a call of this store was run again after a transient failure.</summary>
    internal long TransientRetries => Interlocked.Read(ref _retries);

    /// <summary>The data source the store takes its connections from.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Runs one write in one transaction (read committed) that may not sit idle (<see cref="PostgreSqlSql.LimitWriteIdle"/>),
    /// again after a transient failure before its commit.
    /// </summary>
    private Task<TResult> WriteAsync<TState, TResult>(TState state, Func<NpgsqlConnection, NpgsqlTransaction, TState, CancellationToken, Task<TResult>> write, CancellationToken cancellationToken)
        => RunAsync(
            (state, write),
            static async (connection, transaction, s, ct) =>
            {
                await LimitIdleAsync(connection, transaction, ct).ConfigureAwait(false);
                return await s.write(connection, transaction, s.state, ct).ConfigureAwait(false);
            },
            IsolationLevel.ReadCommitted,
            retryCommit: false,
            ensureSchema: true,
            cancellationToken);

    /// <summary>The first statement of a write's transaction: <see cref="PostgreSqlSql.LimitWriteIdle"/>.</summary>
    private static async Task LimitIdleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var limit = Command(connection, transaction, PostgreSqlSql.LimitWriteIdle);
        await using (limit.ConfigureAwait(false))
        {
            await limit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a read in one repeatable-read transaction, so that a page and its count see the same snapshot; again after
    /// any transient failure (a read has nothing to lose).
    /// </summary>
    private Task<TResult> ReadAsync<TState, TResult>(TState state, Func<NpgsqlConnection, NpgsqlTransaction, TState, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
        => RunAsync(state, read, IsolationLevel.RepeatableRead, retryCommit: true, ensureSchema: true, cancellationToken);

    private async Task<TResult> RunAsync<TState, TResult>(
        TState state,
        Func<NpgsqlConnection, NpgsqlTransaction, TState, CancellationToken, Task<TResult>> work,
        IsolationLevel isolation,
        bool retryCommit,
        bool ensureSchema,
        CancellationToken cancellationToken,
        Func<bool>? mayRunAgain = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (ensureSchema && !_schemaReady)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var result = await work(connection, transaction, state, cancellationToken).ConfigureAwait(false);
                        committing = true;
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (Exception ex) when ((retryCommit || !committing)
                                       && (mayRunAgain is null || mayRunAgain())
                                       && !cancellationToken.IsCancellationRequested
                                       && PostgreSqlTransientErrors.IsTransient(ex)
                                       && Stopwatch.GetElapsedTime(started) < _retryTimeout)
            {
                Interlocked.Increment(ref _retries);
                var delay = Backoff(attempt);
                PostgreSqlLog.Retrying(_logger, ex, (ex as PostgresException)?.SqlState, (long)delay.TotalMilliseconds, attempt);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>50 ms doubling up to 2 s, with up to a quarter more at random so that instances that failed together do not retry together.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var milliseconds = Math.Min(2_000, 50 * (1 << Math.Min(attempt - 1, 6)));
        return TimeSpan.FromMilliseconds(milliseconds + Random.Shared.Next(milliseconds / 4 + 1));
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
        => new(sql, connection, transaction);

    /// <summary>A unique violation of one of the store's own constraints or indexes.</summary>
    private static bool IsUniqueViolation(Exception exception, string? constraint = null)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
           && (constraint is null || postgres.ConstraintName == constraint);

    /// <summary>Finds the import of the tenant and keeps it from being deleted until the write commits.</summary>
    private static async Task<bool> LockImportOfTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, PostgreSqlSql.LockImportOfTenant);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, importId);
            command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }

    /// <summary>
    /// Creates the schema in a database without it, or migrates an older one, in one transaction under a transaction-scoped
    /// advisory lock, so that instances starting at once create it once; or, when the store does not manage the schema,
    /// checks it. Refuses a schema newer than this store knows.
    /// </summary>
    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await RunAsync(this, static async (connection, transaction, store, ct) =>
            {
                // A process paused while it holds the schema's lock would keep every instance's first call waiting.
                await LimitIdleAsync(connection, transaction, ct).ConfigureAwait(false);
                if (store._migrateSchema)
                {
                    var lockCommand = Command(connection, transaction, PostgreSqlSql.LockSchema);
                    await using (lockCommand.ConfigureAwait(false))
                    {
                        lockCommand.Parameters.AddValue("key", NpgsqlDbType.Bigint, PostgreSqlSql.SchemaLockKey);
                        await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }

                var version = await ReadSchemaVersionAsync(connection, transaction, ct).ConfigureAwait(false);
                if (version > PostgreSqlSql.SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The PostgreSQL database {store.DatabaseName} holds BulkInvite schema version {version}, written by a newer version of BulkInvite.PostgreSql; "
                        + $"this version works with schema version {PostgreSqlSql.SchemaVersion} at most. Upgrade the BulkInvite.PostgreSql package to use this database.");
                }

                if (version == PostgreSqlSql.SchemaVersion)
                {
                    return true;
                }

                if (!store._migrateSchema)
                {
                    var found = version == 0 ? "has no BulkInvite schema" : $"holds BulkInvite schema version {version}";
                    throw new InvalidOperationException(
                        $"The PostgreSQL database {store.DatabaseName} {found}; this version of BulkInvite.PostgreSql needs schema version {PostgreSqlSql.SchemaVersion}. "
                        + $"Apply the scripts {string.Join(", ", Scripts().Where(s => s.Version > version).Select(s => s.Name))} (in the package's sql folder), "
                        + "or set BulkInvite:PostgreSql:MigrateSchema to true to let the store migrate it.");
                }

                foreach (var (_, name) in Scripts().Where(s => s.Version > version))
                {
                    var script = Command(connection, transaction, ReadScript(name));
                    await using (script.ConfigureAwait(false))
                    {
                        await script.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }

                PostgreSqlLog.SchemaMigrated(store._logger, version, PostgreSqlSql.SchemaVersion);
                return true;
            }, IsolationLevel.ReadCommitted, retryCommit: false, ensureSchema: false, cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    /// <summary>The schema's version: 0 when the database has none.</summary>
    private static async Task<int> ReadSchemaVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var exists = Command(connection, transaction, PostgreSqlSql.SchemaExists);
        await using (exists.ConfigureAwait(false))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        var read = Command(connection, transaction, PostgreSqlSql.ReadSchemaVersion);
        await using (read.ConfigureAwait(false))
        {
            return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : 0;
        }
    }

    /// <summary>The schema scripts embedded in this assembly (<c>Schema/NNN_name.sql</c>), in version order.</summary>
    internal static IEnumerable<(int Version, string Name)> Scripts()
        => typeof(PostgreSqlInviteHistoryStore).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[ScriptPrefix.Length..])
            .Select(n => (Version: int.Parse(n.AsSpan(0, n.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture), Name: n))
            .OrderBy(s => s.Version);

    /// <summary>The text of one schema script.</summary>
    internal static string ReadScript(string name)
    {
        using var stream = typeof(PostgreSqlInviteHistoryStore).Assembly.GetManifestResourceStream(ScriptPrefix + name)
            ?? throw new InvalidOperationException($"The schema script {name} is missing from {typeof(PostgreSqlInviteHistoryStore).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The database and server the store's connection string names, for messages (never its credentials).</summary>
    private string DatabaseName
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"'{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
        }
    }
}
