using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite;

/// <content>Connections, transactions and the schema.</content>
public sealed partial class SqliteInviteHistoryStore
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;
    private long _committedWrites;
    private int _disposed;
    private volatile bool _connected;

    /// <summary>The full path of the database file.</summary>
    internal string DatabasePath { get; }

    /// <summary>How many write transactions this store has committed (one per write call, however many rows).</summary>
    internal long CommittedWriteTransactions => Interlocked.Read(ref _committedWrites);

    /// <summary>Runs one write in one transaction (<c>BEGIN IMMEDIATE</c>), one at a time within this store.</summary>
    private Task WriteAsync<TState>(TState state, Func<SqliteConnection, SqliteTransaction, TState, CancellationToken, Task> write, CancellationToken cancellationToken)
        => WriteAsync(state, write, fence: null, cancellationToken);

    /// <summary>
    /// Runs one write in one transaction (<c>BEGIN IMMEDIATE</c>), one at a time within this store; with a lease, first
    /// checks in the transaction that the lease is still held (<see cref="ImportLeaseLostException"/> otherwise, and
    /// nothing is written). The transaction holds the database's write lock from its start, so no claim in any process
    /// can come between the check and the write.
    /// </summary>
    private async Task WriteAsync<TState>(TState state, Func<SqliteConnection, SqliteTransaction, TState, CancellationToken, Task> write, ImportLease? fence, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = connection.BeginTransaction(deferred: false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (fence is not null)
                    {
                        await ThrowIfLeaseLostAsync(connection, transaction, fence, cancellationToken).ConfigureAwait(false);
                    }

                    await write(connection, transaction, state, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _committedWrites);
                }
            }
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Runs a read in one deferred transaction, so that a page and its count see the same snapshot.</summary>
    private async Task<TResult> ReadAsync<TState, TResult>(TState state, Func<SqliteConnection, SqliteTransaction, TState, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = connection.BeginTransaction(deferred: true);
                await using (transaction.ConfigureAwait(false))
                {
                    return await read(connection, transaction, state, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(ex);
        }
    }

    /// <summary>
    /// Copies the write-ahead log into the database file and truncates it (<c>wal_checkpoint(TRUNCATE)</c>), one at a
    /// time with this store's writes, so that pages as they were before a delete are no longer on disk.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = Command(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)");
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>SQLite found the file damaged (a malformed page or tree), or found no database in it.</summary>
    private static bool IsDamage(SqliteException exception) => exception.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase;

    private InviteHistoryCorruptException Damaged(SqliteException exception)
        => Damaged($"SQLite reports: {exception.Message.TrimEnd('.')}", exception);

    /// <summary>The error for a database file whose data cannot all be read.</summary>
    private InviteHistoryCorruptException Damaged(string what, Exception? cause = null)
        => new($"The history database '{DatabasePath}' is damaged ({what}). Nothing is repaired; restore the file from a backup.", cause);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static bool IsPrimaryKeyViolation(SqliteException exception)
        => exception.SqliteErrorCode == SqliteConstraint
           && exception.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique;

    /// <summary>The number of the tenant's import, which its entries are keyed by; throws when the tenant has no such import.</summary>
    private static async Task<long> ImportNumberAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, SqliteSql.ImportNumberOfTenant);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            command.Parameters.AddWithValue("$tenant_id", tenantId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long number
                ? number
                : throw new KeyNotFoundException($"Tenant has no import {importId}.");
        }
    }

    /// <summary>Opens a pooled connection with the per-connection settings, creating the schema on first use.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        _connected = true;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pragmas = Command(connection, null, _connectionPragmas);
            await using (pragmas.ConfigureAwait(false))
            {
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Turns on write-ahead logging and creates the schema in an empty database (<c>user_version</c> 0, with or
    /// without other tables) or migrates an older one; refuses a database whose schema is newer than this store knows.
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

            var folder = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var version = await ReadSchemaVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
                ThrowIfNewer(version);
                if (version == 0)
                {
                    // Only a file without the schema: the size holds once the first page is written, here by the WAL
                    // mode below, and is ignored by a file that has pages already.
                    var pageSize = Command(connection, null, SqliteSql.NewFilePageSize);
                    await using (pageSize.ConfigureAwait(false))
                    {
                        await pageSize.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                var journal = Command(connection, null, "PRAGMA journal_mode = WAL");
                await using (journal.ConfigureAwait(false))
                {
                    await journal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }

                if (version < SqliteSql.SchemaVersion)
                {
                    var transaction = connection.BeginTransaction(deferred: false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        // Another process may have created the schema since the first look.
                        version = await ReadSchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                        ThrowIfNewer(version);
                        if (version < SqliteSql.SchemaVersion)
                        {
                            var create = Command(connection, transaction, SqliteSql.ScriptFrom[(int)version]);
                            await using (create.ConfigureAwait(false))
                            {
                                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                            }
                        }

                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private static async Task<long> ReadSchemaVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, "PRAGMA user_version");
        await using (command.ConfigureAwait(false))
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    private void ThrowIfNewer(long version)
    {
        if (version < 0)
        {
            throw new InvalidOperationException(
                $"The database '{DatabasePath}' says schema version {version}, which no version of BulkInvite.Sqlite writes: it is not a BulkInvite history.");
        }

        if (version > SqliteSql.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The database '{DatabasePath}' was written by a newer version of BulkInvite.Sqlite (schema version {version}); "
                + $"this version reads schema version {SqliteSql.SchemaVersion} at most. Upgrade the BulkInvite.Sqlite package to use this database.");
        }
    }

    /// <summary>
    /// Closes the pooled connections to the database file, so that the file can be moved or deleted. A store that never
    /// connected has none, and leaves SQLite unloaded (a preview or a summary that stored nothing never needs it).
    /// </summary>
    private void ClearPool()
    {
        if (!_connected)
        {
            return;
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
