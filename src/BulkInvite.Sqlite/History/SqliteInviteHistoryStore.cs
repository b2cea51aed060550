using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite;

/// <summary>
/// A durable history store in one SQLite database file: every import and the outcome of each of its entries, per
/// tenant, kept across restarts.
/// </summary>
/// <remarks>
/// <para>
/// The schema is created on first use and versioned with <c>PRAGMA user_version</c>; a database written by a newer
/// version of this package is refused with an <see cref="InvalidOperationException"/>. The database runs in
/// write-ahead-log mode, so reads never wait for writes.
/// </para>
/// <para>
/// Thread-safe: each call takes a pooled connection of its own. Writes of one store run one at a time, each call
/// in one transaction however many entries it carries; writers in other processes are waited for up to
/// <see cref="SqliteHistoryStoreOptions.BusyTimeout"/>. Every statement names the tenant, so an import id of
/// another tenant reads as missing.
/// </para>
/// <para>
/// It is also an <see cref="IImportWorkStore"/>: the queue of background imports, with their uploads, in the same file,
/// shared by every process that opens it (instances of a host on one machine). Claims run in <c>BEGIN IMMEDIATE</c>
/// transactions, which SQLite runs one at a time across processes; a wait for work ends early when this instance queues
/// or gives back an import, and otherwise polls.
/// </para>
/// </remarks>
public sealed partial class SqliteInviteHistoryStore : IInviteHistoryStore, IImportWorkStore, IAsyncDisposable, IDisposable
{
    /// <summary>Creates a store on a database file; nothing is opened until the first call.</summary>
    /// <param name="options">Where the database is and how long to wait for it when busy.</param>
    /// <exception cref="ArgumentException">The database path is empty, or the busy timeout is negative or too long.</exception>
    public SqliteInviteHistoryStore(SqliteHistoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));
        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BusyTimeout, "BusyTimeout must be between 0 and int.MaxValue milliseconds.");
        }

        DatabasePath = Path.GetFullPath(options.DatabasePath);
        var busyMilliseconds = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,

            // Whole seconds, at least one: 0 would make Microsoft.Data.Sqlite retry a busy database forever.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {busyMilliseconds}; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA cell_size_check = ON; PRAGMA secure_delete = ON;");
    }

    /// <inheritdoc />
    public Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => CreateImportAsync(import, fence: null, cancellationToken);

    private Task CreateImportAsync(BulkInviteReport import, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return WriteAsync(import, static async (connection, transaction, import, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.InsertImport);
            await using (command.ConfigureAwait(false))
            {
                SqliteRows.BindImport(command, import);
                try
                {
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (IsPrimaryKeyViolation(ex))
                {
                    throw new InvalidOperationException($"An import with id {import.ImportId} exists already.", ex);
                }
            }
        }, fence, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        => UpdateImportAsync(import, fence: null, cancellationToken);

    private Task UpdateImportAsync(BulkInviteReport import, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return WriteAsync(import, static async (connection, transaction, import, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.UpdateImport);
            await using (command.ConfigureAwait(false))
            {
                SqliteRows.BindImport(command, import);
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    throw new KeyNotFoundException($"Tenant has no import {import.ImportId}.");
                }
            }
        }, fence, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The whole batch is written in one transaction: when one entry cannot be added, none is.</remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import.</exception>
    /// <exception cref="InvalidOperationException">An entry with one of the sequence numbers exists.</exception>
    public Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
        => AddEntriesAsync(tenantId, importId, entries, fence: null, cancellationToken);

    private Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckEntries(entries);
        return WriteAsync((tenantId, importId, entries), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, entries) = state;
            var importNumber = await ImportNumberAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            SqliteEntryInserter.Insert(connection, importId, importNumber, entries);
        }, fence, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The whole batch is written in one transaction: when one entry cannot be changed, none is.</remarks>
    /// <exception cref="KeyNotFoundException">The tenant has no such import, or the import has no entry with one of the sequence numbers.</exception>
    public Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
        => UpdateEntriesAsync(tenantId, importId, updates, fence: null, cancellationToken);

    private Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(updates);
        return WriteAsync((tenantId, importId, updates), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, updates) = state;
            var importNumber = await ImportNumberAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false);
            await UpdateEntriesAsync(connection, transaction, tenantId, importId, importNumber, updates, ct).ConfigureAwait(false);
        }, fence, cancellationToken);
    }

    /// <summary>
    /// Changes the outcomes of entries inside a write, and deletes the pending invitation of each entry an update says
    /// was not sent (<see cref="InviteEntryUpdate.WithdrawsInvitation"/>); a missing entry fails the write.
    /// </summary>
    private static async Task UpdateEntriesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string tenantId, Guid importId, long importNumber, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken)
    {
        if (updates.Count == 0)
        {
            return;
        }

        var command = Command(connection, transaction, SqliteSql.UpdateEntry);
        var withdraw = Command(connection, transaction, SqliteSql.WithdrawPendingInvitation);
        await using (command.ConfigureAwait(false))
        await using (withdraw.ConfigureAwait(false))
        {
            SqliteRows.AddUpdateParameters(command, importNumber);
            command.Prepare();
            withdraw.Parameters.AddWithValue("$tenant_id", tenantId);
            withdraw.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            var sequence = withdraw.Parameters.Add("$sequence", SqliteType.Integer);
            foreach (var update in updates)
            {
                SqliteRows.BindUpdate(command, update);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new KeyNotFoundException($"Import {importId} has no entry {update.Sequence}.");
                }

                if (update.WithdrawsInvitation)
                {
                    sequence.Value = update.Sequence;
                    await withdraw.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
            var command = Command(connection, transaction, SqliteSql.SelectImport);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                command.Parameters.AddWithValue("$tenant_id", state.tenantId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? SqliteRows.ReadImport(reader) : null;
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
            void Bind(SqliteCommand command)
            {
                command.Parameters.AddWithValue("$tenant_id", tenantId);
                command.Parameters.AddWithValue("$from", query.From is { } from ? from.UtcTicks : long.MinValue);
                command.Parameters.AddWithValue("$to", query.To is { } to ? to.UtcTicks : long.MaxValue);
                if (query.ContentHash is { } hash)
                {
                    command.Parameters.AddWithValue("$content_hash", hash);
                    command.Parameters.AddWithValue("$previews", query.IncludePreviews ? 1 : 0);
                }
            }

            long total;
            var count = Command(
                connection,
                transaction,
                query.ContentHash is not null ? SqliteSql.CountImportsWithContentHash : query.IncludePreviews ? SqliteSql.CountImportsWithPreviews : SqliteSql.CountImports);
            await using (count.ConfigureAwait(false))
            {
                Bind(count);
                total = Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            var items = new List<BulkInviteReport>();
            if (query.Offset < total)
            {
                var list = Command(
                    connection,
                    transaction,
                    query.ContentHash is not null ? SqliteSql.ListImportsWithContentHash : query.IncludePreviews ? SqliteSql.ListImportsWithPreviews : SqliteSql.ListImports);
                await using (list.ConfigureAwait(false))
                {
                    Bind(list);
                    list.Parameters.AddWithValue("$limit", query.Limit);
                    list.Parameters.AddWithValue("$offset", query.Offset);
                    var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            items.Add(SqliteRows.ReadImport(reader));
                        }
                    }
                }
            }

            return new InvitePage<BulkInviteReport> { Items = items, TotalCount = total, HasMore = query.Offset + items.Count < total };
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every page is checked to come in sequence order, and a page of all entries, read by the primary key, is checked
    /// against the outcome index, which holds every entry that has an outcome (all but the pending ones) as well: a
    /// damaged tree that ends early, skips such rows or holds rows of another place is found, not returned as a shorter
    /// page. A page of one outcome is read from the outcome index alone (a count by the primary key would read the whole
    /// import), a page of pending entries from the primary key; SQLite's own checks of each page it reads
    /// (<c>cell_size_check</c>) and the order check find damage there.
    /// </remarks>
    /// <exception cref="InviteHistoryCorruptException">The database file is damaged: the page cannot be read whole.</exception>
    public Task<InvitePage<InviteEntryResult>> ListEntriesAsync(string tenantId, Guid importId, EntryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        HistoryArguments.CheckQuery(query);
        return ReadAsync((tenantId, importId, query), async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, query) = state;
            // The import, the tenant and the outcome, as the page and its counts bind them.
            var keys = new List<KeyValuePair<string, object>> { new("$import_id", SqliteRows.Key(importId)), new("$tenant_id", tenantId) };
            if (query.Outcome is { } outcome and not InviteOutcome.Pending)
            {
                keys.Add(new("$outcome", (long)outcome));
            }

            void Bind(SqliteCommand command)
            {
                foreach (var (name, value) in keys)
                {
                    command.Parameters.AddWithValue(name, value);
                }
            }

            List<KeyValuePair<string, object>> parameters = [.. keys, new("$after", query.AfterSequence), new("$last", query.LastSequence), new("$limit", (long)query.Limit + 1)];
            var (items, hasMore) = SqliteEntryReader.ReadPage(
                connection,
                query.Outcome switch
                {
                    null => SqliteSql.ListEntries,
                    InviteOutcome.Pending => SqliteSql.ListPendingEntries,
                    _ => SqliteSql.ListEntriesWithOutcome,
                },
                parameters,
                query.Limit,
                query.AfterSequence,
                what => Damaged($"import {importId}: {what}"),
                ct);

            if (query.Outcome is null)
            {
                // The page came from the primary key, in order (checked above); a damaged tree can also end early or
                // skip rows without an error, so the same range is counted in the outcome index, which holds every
                // entry that has an outcome (all but the pending ones) too.
                var last = hasMore ? items[^1].Sequence : query.LastSequence;
                var check = Command(connection, transaction, SqliteSql.CountEntriesInOutcomeIndex);
                await using (check.ConfigureAwait(false))
                {
                    Bind(check);
                    check.Parameters.AddWithValue("$after", query.AfterSequence);
                    check.Parameters.AddWithValue("$last", last);
                    var indexed = Convert.ToInt64(await check.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    var read = items.Count(e => e.Outcome != InviteOutcome.Pending);
                    if (indexed != read)
                    {
                        var range = hasMore ? $"entries {query.AfterSequence + 1} to {last}" : $"the entries after {query.AfterSequence}";
                        throw Damaged($"import {importId}: {read} of {range} that have an outcome were read from its table, its outcome index holds {indexed}");
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
                null => SqliteSql.CountEntries,
                InviteOutcome.Pending => SqliteSql.CountPendingEntries,
                _ => SqliteSql.CountEntriesWithOutcome,
            });
            await using (count.ConfigureAwait(false))
            {
                Bind(count);
                var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
                return new InvitePage<InviteEntryResult> { Items = items, TotalCount = total, HasMore = hasMore };
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Entries and imports are deleted in one transaction, by index, with the queue's ended work of those imports and
    /// the ended work queued before the cutoff that never got a report; queued and running work is never deleted.
    /// </remarks>
    public async Task<int> DeleteImportsCreatedBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var deleted = 0;
        await WriteAsync((tenantId, cutoff), async (connection, transaction, state, ct) =>
        {
            await DeleteInvitationsAsync(connection, transaction, SqliteSql.DeleteInvitationsOfImportsCreatedBefore, c =>
            {
                c.Parameters.AddWithValue("$tenant_id", state.tenantId);
                c.Parameters.AddWithValue("$cutoff", SqliteRows.Ticks(state.cutoff));
            }, ct).ConfigureAwait(false);
            var work = Command(connection, transaction, SqliteSql.DeleteEndedWorkBefore);
            await using (work.ConfigureAwait(false))
            {
                work.Parameters.AddWithValue("$tenant_id", state.tenantId);
                work.Parameters.AddWithValue("$cutoff", SqliteRows.Ticks(state.cutoff));
                await work.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var entries = Command(connection, transaction, SqliteSql.DeleteEntriesOfImportsCreatedBefore);
            await using (entries.ConfigureAwait(false))
            {
                entries.Parameters.AddWithValue("$tenant_id", state.tenantId);
                entries.Parameters.AddWithValue("$cutoff", SqliteRows.Ticks(state.cutoff));
                await entries.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var imports = Command(connection, transaction, SqliteSql.DeleteImportsCreatedBefore);
            await using (imports.ConfigureAwait(false))
            {
                imports.Parameters.AddWithValue("$tenant_id", state.tenantId);
                imports.Parameters.AddWithValue("$cutoff", SqliteRows.Ticks(state.cutoff));
                deleted = await imports.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    /// <remarks>The entries are deleted by primary key, in one transaction.</remarks>
    public Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
        => DeleteEntriesAsync(tenantId, importId, fence: null, cancellationToken);

    private async Task<long> DeleteEntriesAsync(string tenantId, Guid importId, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        long deleted = 0;
        await WriteAsync((tenantId, importId), async (connection, transaction, state, ct) =>
        {
            await DeleteInvitationsAsync(connection, transaction, SqliteSql.DeleteInvitationsOfImport, c =>
            {
                c.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                c.Parameters.AddWithValue("$tenant_id", state.tenantId);
            }, ct).ConfigureAwait(false);
            var command = Command(connection, transaction, SqliteSql.DeleteEntriesOfImport);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                command.Parameters.AddWithValue("$tenant_id", state.tenantId);
                deleted = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, fence, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The entries are found by their key (<c>address_key</c>, or <c>upper(address)</c> where it is empty) and deleted in one transaction, with the tenant's invitations of the address. Deleted content is overwritten
    /// with zeros (<c>secure_delete</c>), and the write-ahead log, which still holds the pages as they were, is then
    /// checkpointed into the file and truncated: no readable copy of the address is left in the database's files, unless
    /// another connection is reading an older snapshot at that moment (its pages stay in the log until the next checkpoint).
    /// </remarks>
    public async Task<long> DeleteAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(address);
        long deleted = 0;
        var invitationsDeleted = 0;
        await WriteAsync((tenantId, address), async (connection, transaction, state, ct) =>
        {
            invitationsDeleted = await DeleteInvitationsAsync(connection, transaction, SqliteSql.DeleteInvitationsWithAddress, c =>
            {
                c.Parameters.AddWithValue("$tenant_id", state.tenantId);
                c.Parameters.AddWithValue("$address_key", SqliteRows.AddressKey(state.address));
            }, ct).ConfigureAwait(false);
            var command = Command(connection, transaction, SqliteSql.DeleteEntriesWithAddress);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$tenant_id", state.tenantId);
                command.Parameters.AddWithValue("$address_key", SqliteRows.AddressKey(state.address));
                deleted = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (deleted > 0 || invitationsDeleted > 0)
        {
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>Closes the store's pooled connections to the database file; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ClearPool();
        }
    }

    /// <summary>Closes the store's pooled connections to the database file; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
