using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <summary>
/// A history store in a PostgreSQL database that several instances of a host share: every import, the outcome of
/// each of its entries and the invitation ledger, per tenant.
/// </summary>
/// <remarks>
/// <para>
/// The schema (<c>bulkinvite</c>) is created on first use and versioned in <c>bulkinvite.schema_version</c>, under an
/// advisory lock so that instances starting together create it once; a schema written by a newer version of this
/// package is refused with an <see cref="InvalidOperationException"/>. With
/// <see cref="PostgreSqlHistoryStoreOptions.MigrateSchema"/> off the store only checks it.
/// </para>
/// <para>
/// Thread-safe: each call takes a pooled connection and runs in one transaction, however many rows it writes; staged
/// entries go in by binary COPY. A call that meets a transient failure (a dropped connection, a server restart, a
/// serialization failure or a deadlock) runs again for up to <see cref="PostgreSqlHistoryStoreOptions.RetryTimeout"/>,
/// unless it may have committed. Every statement names the tenant, so an id of another tenant reads as missing.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlInviteHistoryStore : IInviteHistoryStore, IImportWorkStore, IAsyncDisposable, IDisposable
{
    /// <summary>Creates a store on the database of a connection string, with a data source of its own (disposed with the store); nothing is opened until the first call.</summary>
    /// <param name="options">The connection string, schema and retry settings.</param>
    /// <exception cref="ArgumentException">The connection string is missing or cannot be read, or the retry timeout is negative.</exception>
    public PostgreSqlInviteHistoryStore(PostgreSqlHistoryStoreOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates a store on the database of a connection string, with a data source of its own (disposed with the store); nothing is opened until the first call.</summary>
    /// <param name="options">The connection string, schema and retry settings.</param>
    /// <param name="loggerFactory">Where the store's messages (category <c>BulkInvite.PostgreSql</c>) and its data source's go; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The connection string is missing or cannot be read, or the retry timeout is negative.</exception>
    public PostgreSqlInviteHistoryStore(PostgreSqlHistoryStoreOptions options, ILoggerFactory? loggerFactory)
        : this(CreateDataSource(options, loggerFactory), ownsDataSource: true, options, loggerFactory)
    {
    }

    /// <summary>Creates a store on a data source that the caller owns (and disposes); nothing is opened until the first call.</summary>
    /// <param name="dataSource">Where connections come from, for example the one registered by <c>AddNpgsqlDataSource</c>.</param>
    /// <param name="options">The schema and retry settings; the connection string, if any, is ignored. Defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the store's messages (category <c>BulkInvite.PostgreSql</c>) go; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The retry timeout is negative.</exception>
    public PostgreSqlInviteHistoryStore(NpgsqlDataSource dataSource, PostgreSqlHistoryStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, options ?? new PostgreSqlHistoryStoreOptions(), loggerFactory)
    {
    }

    private PostgreSqlInviteHistoryStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlHistoryStoreOptions options, ILoggerFactory? loggerFactory)
    {
        CheckRetryTimeout(options);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _migrateSchema = options.MigrateSchema;
        _retryTimeout = options.RetryTimeout;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite.PostgreSql");
    }

    private static NpgsqlDataSource CreateDataSource(PostgreSqlHistoryStoreOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        CheckRetryTimeout(options);
        try
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            return builder.Build();
        }
        catch (ArgumentException ex)
        {
            // The message never repeats the connection string: it may hold a password.
            throw new ArgumentException("The connection string cannot be read as an Npgsql connection string.", nameof(options), ex);
        }
    }

    private static void CheckRetryTimeout(PostgreSqlHistoryStoreOptions options)
    {
        if (options.RetryTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RetryTimeout, "RetryTimeout must not be negative.");
        }
    }

    /// <inheritdoc />
    public Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => CreateImportAsync(import, null, cancellationToken);

    /// <summary>Creates the import; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal Task CreateImportAsync(BulkInviteReport import, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return WriteAsync((import, lease), static async (connection, transaction, state, ct) =>
        {
            var (import, lease) = state;
            await CheckLeaseAsync(connection, transaction, lease, import.TenantId, import.ImportId, ct).ConfigureAwait(false);
            var command = Command(connection, transaction, PostgreSqlSql.InsertImport);
            await using (command.ConfigureAwait(false))
            {
                PostgreSqlRows.BindImport(command.Parameters, import);
                try
                {
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (IsUniqueViolation(ex))
                {
                    throw new InvalidOperationException($"An import with id {import.ImportId} exists already.", ex);
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => UpdateImportAsync(import, null, cancellationToken);

    /// <summary>Updates the import; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal Task UpdateImportAsync(BulkInviteReport import, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return WriteAsync((import, lease), static async (connection, transaction, state, ct) =>
        {
            var (import, lease) = state;
            await CheckLeaseAsync(connection, transaction, lease, import.TenantId, import.ImportId, ct).ConfigureAwait(false);
            var command = Command(connection, transaction, PostgreSqlSql.UpdateImport);
            await using (command.ConfigureAwait(false))
            {
                PostgreSqlRows.BindImport(command.Parameters, import);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0
                    ? throw new KeyNotFoundException($"Tenant has no import {import.ImportId}.")
                    : 1;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The whole batch is written by one binary COPY in one transaction: when one entry cannot be added, none is.</remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    /// <exception cref="InvalidOperationException">An entry with one of the sequence numbers exists.</exception>
    public Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        => AddEntriesAsync(tenantId, importId, entries, null, cancellationToken);

    /// <summary>Stages entries; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckEntries(entries);
        return WriteAsync((tenantId, importId, entries, lease), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, entries, lease) = state;
            await CheckLeaseAsync(connection, transaction, lease, tenantId, importId, ct).ConfigureAwait(false);
            if (!await LockImportOfTenantAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"Tenant has no import {importId}.");
            }

            if (entries.Count == 0)
            {
                return 0;
            }

            try
            {
                await PostgreSqlEntryWriter.WriteAsync(connection, importId, entries, ct).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex))
            {
                throw new InvalidOperationException($"An entry of import {importId} with one of these sequence numbers exists already.", ex);
            }

            return entries.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The whole batch is written in one transaction, its statements sent together: when one entry cannot be changed, none is.</remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import, or the import has no entry with one of the sequence numbers.</exception>
    public Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        => UpdateEntriesAsync(tenantId, importId, updates, null, cancellationToken);

    /// <summary>Changes entries; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(updates);
        return WriteAsync((tenantId, importId, updates, lease), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, updates, lease) = state;
            await CheckLeaseAsync(connection, transaction, lease, tenantId, importId, ct).ConfigureAwait(false);
            if (!await LockImportOfTenantAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"Tenant has no import {importId}.");
            }

            await UpdateEntriesAsync(connection, transaction, tenantId, importId, updates, ct).ConfigureAwait(false);
            return updates.Count;
        }, cancellationToken);
    }

    /// <summary>The most statements sent in one batch.</summary>
    private const int BatchSize = 1_000;

    /// <summary>Changes the outcomes of entries inside a write, a batch of statements per round trip; a missing entry fails the write.</summary>
    private static async Task UpdateEntriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken)
    {
        for (var start = 0; start < updates.Count; start += BatchSize)
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                var end = Math.Min(updates.Count, start + BatchSize);
                for (var i = start; i < end; i++)
                {
                    var command = new NpgsqlBatchCommand(PostgreSqlSql.UpdateEntry);
                    PostgreSqlRows.BindUpdate(command.Parameters, tenantId, importId, updates[i]);
                    batch.BatchCommands.Add(command);
                }

                // After the updates, in the same transaction: the pending invitations of entries whose email was not sent.
                for (var i = start; i < end; i++)
                {
                    if (updates[i].WithdrawsInvitation)
                    {
                        var withdraw = new NpgsqlBatchCommand(PostgreSqlSql.WithdrawPendingInvitation);
                        withdraw.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
                        withdraw.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, importId);
                        withdraw.Parameters.AddValue("sequence", NpgsqlDbType.Bigint, updates[i].Sequence);
                        batch.BatchCommands.Add(withdraw);
                    }
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < end - start; i++)
                {
                    if (batch.BatchCommands[i].RecordsAffected == 0)
                    {
                        throw new KeyNotFoundException($"Import {importId} has no entry {updates[start + i].Sequence}.");
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public Task<BulkInviteReport?> GetImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, importId), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.SelectImport);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.importId);
                command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgreSqlRows.ReadImport(reader) : null;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<InvitePage<BulkInviteReport>> ListImportsAsync(string tenantId, ImportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckQuery(query);
        return ReadAsync((tenantId, query), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, query) = state;
            void Bind(NpgsqlParameterCollection p)
            {
                p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
                p.AddValue("from", NpgsqlDbType.Bigint, query.From is { } from ? from.UtcTicks : long.MinValue);
                p.AddValue("to", NpgsqlDbType.Bigint, query.To is { } to ? to.UtcTicks : long.MaxValue);
                if (query.ContentHash is { } hash)
                {
                    p.AddValue("content_hash", NpgsqlDbType.Text, hash);
                    p.AddValue("previews", NpgsqlDbType.Boolean, query.IncludePreviews);
                }
            }

            long total;
            var count = Command(
                connection,
                transaction,
                query.ContentHash is not null ? PostgreSqlSql.CountImportsWithContentHash : query.IncludePreviews ? PostgreSqlSql.CountImportsWithPreviews : PostgreSqlSql.CountImports);
            await using (count.ConfigureAwait(false))
            {
                Bind(count.Parameters);
                total = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }

            var items = new List<BulkInviteReport>();
            if (query.Offset < total)
            {
                var list = Command(
                    connection,
                    transaction,
                    query.ContentHash is not null ? PostgreSqlSql.ListImportsWithContentHash : query.IncludePreviews ? PostgreSqlSql.ListImportsWithPreviews : PostgreSqlSql.ListImports);
                await using (list.ConfigureAwait(false))
                {
                    Bind(list.Parameters);
                    list.Parameters.AddValue("limit", NpgsqlDbType.Integer, query.Limit);
                    list.Parameters.AddValue("offset", NpgsqlDbType.Integer, query.Offset);
                    var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            items.Add(PostgreSqlRows.ReadImport(reader));
                        }
                    }
                }
            }

            return new InvitePage<BulkInviteReport> { Items = items, TotalCount = total, HasMore = query.Offset + items.Count < total };
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One keyset page (a range of the primary key, for all entries or the pending ones, or of <c>ix_entries_outcome</c>
    /// for one other outcome), the page's invitations when asked (a range of <c>ux_invitations_entry</c>) and its count,
    /// read in one snapshot.
    /// </remarks>
    public Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckQuery(query);
        return ReadAsync((tenantId, importId, query), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, query) = state;
            void Bind(NpgsqlParameterCollection p)
            {
                p.AddValue("import_id", NpgsqlDbType.Uuid, importId);
                p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
                if (query.Outcome is { } outcome and not InviteOutcome.Pending)
                {
                    p.AddValue("outcome", NpgsqlDbType.Smallint, (short)outcome);
                }
            }

            var ordered = Command(connection, transaction, PostgreSqlSql.OrderedEntryRanges);
            await using (ordered.ConfigureAwait(false))
            {
                await ordered.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var items = new List<InviteEntryResult>(Math.Min(query.Limit, 1024));
            var hasMore = false;
            var list = Command(connection, transaction, query.Outcome switch
            {
                null => PostgreSqlSql.ListEntries,
                InviteOutcome.Pending => PostgreSqlSql.ListPendingEntries,
                _ => PostgreSqlSql.ListEntriesWithOutcome,
            });
            await using (list.ConfigureAwait(false))
            {
                Bind(list.Parameters);
                list.Parameters.AddValue("after", NpgsqlDbType.Bigint, query.AfterSequence);
                list.Parameters.AddValue("last", NpgsqlDbType.Bigint, query.LastSequence);
                list.Parameters.AddValue("limit", NpgsqlDbType.Bigint, (long)query.Limit + 1);
                var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        if (items.Count == query.Limit)
                        {
                            hasMore = true;
                            break;
                        }

                        items.Add(PostgreSqlRows.ReadEntry(reader));
                    }
                }
            }

            if (query.InvitationsAsOf is { } asOf && items.Count > 0)
            {
                await AddInvitationsAsync(connection, transaction, tenantId, importId, query.AfterSequence, items, asOf, ct).ConfigureAwait(false);
            }

            if (!query.IncludeTotalCount)
            {
                return new InvitePage<InviteEntryResult> { Items = items, TotalCount = -1, HasMore = hasMore };
            }

            var count = Command(connection, transaction, query.Outcome switch
            {
                null => PostgreSqlSql.CountEntries,
                InviteOutcome.Pending => PostgreSqlSql.CountPendingEntries,
                _ => PostgreSqlSql.CountEntriesWithOutcome,
            });
            await using (count.ConfigureAwait(false))
            {
                Bind(count.Parameters);
                var total = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                return new InvitePage<InviteEntryResult> { Items = items, TotalCount = total, HasMore = hasMore };
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The imports are locked first, then their invitations, entries, ended work rows and themselves deleted, in one
    /// transaction; with them go the tenant's ended work rows queued before the cutoff that have no report. A queued or
    /// running import's work row is kept.
    /// </remarks>
    public Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return WriteAsync((tenantId, cutoff), static async (connection, transaction, state, ct) =>
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var sql in new[]
                {
                    PostgreSqlSql.LockImportsCreatedBefore, PostgreSqlSql.DeleteInvitationsOfImportsCreatedBefore,
                    PostgreSqlSql.DeleteEntriesOfImportsCreatedBefore, PostgreSqlSql.DeleteWorkBefore,
                    PostgreSqlSql.DeleteImportsCreatedBefore,
                })
                {
                    var command = new NpgsqlBatchCommand(sql);
                    command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                    command.Parameters.AddValue("cutoff", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.cutoff));
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return batch.BatchCommands[^1].RecordsAffected;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The import is checked and locked, then its invitations and entries deleted by index, in one transaction.</remarks>
    public Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => DeleteEntriesAsync(tenantId, importId, null, cancellationToken);

    /// <summary>Deletes the import's entries; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal Task<long> DeleteEntriesAsync(string tenantId, Guid importId, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return WriteAsync((tenantId, importId, lease), static async (connection, transaction, state, ct) =>
        {
            await CheckLeaseAsync(connection, transaction, state.lease, state.tenantId, state.importId, ct).ConfigureAwait(false);
            if (!await LockImportOfTenantAsync(connection, transaction, state.tenantId, state.importId, ct).ConfigureAwait(false))
            {
                return 0L;
            }

            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                var invitations = new NpgsqlBatchCommand(PostgreSqlSql.DeleteInvitationsOfImport);
                invitations.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                invitations.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.importId);
                var entries = new NpgsqlBatchCommand(PostgreSqlSql.DeleteEntriesOfImport);
                entries.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.importId);
                entries.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                batch.BatchCommands.Add(invitations);
                batch.BatchCommands.Add(entries);
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return (long)entries.RecordsAffected;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The entries are found by their <c>address_key</c> and deleted in one transaction, with the tenant's invitations of
    /// the address. PostgreSQL keeps the deleted row versions until a vacuum reclaims them, and its write-ahead log keeps
    /// them until it is recycled: plan a <c>VACUUM</c> of <c>bulkinvite.entries</c> where privacy requests must leave no
    /// copy on disk.
    /// </remarks>
    public Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(address);
        return WriteAsync((tenantId, key: PostgreSqlRows.AddressKey(address)), static async (connection, transaction, state, ct) =>
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                var invitations = new NpgsqlBatchCommand(PostgreSqlSql.DeleteInvitationsWithAddress);
                invitations.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                invitations.Parameters.AddValue("address_key", NpgsqlDbType.Text, state.key);
                var entries = new NpgsqlBatchCommand(PostgreSqlSql.DeleteEntriesWithAddress);
                entries.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                entries.Parameters.AddValue("address_key", NpgsqlDbType.Text, state.key);
                batch.BatchCommands.Add(invitations);
                batch.BatchCommands.Add(entries);
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return (long)entries.RecordsAffected;
            }
        }, cancellationToken);
    }

    /// <summary>Closes the connection that listens for queued imports, and disposes the data source when the store created it; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener?.Dispose();
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Closes the connection that listens for queued imports, and disposes the data source when the store created it; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the data source's connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_listener is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
