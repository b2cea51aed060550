using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <content>
/// The work store (<see cref="IImportWorkStore"/>): the <c>work</c> table, one row per queued import with its lease, and
/// the uploads in <c>upload_chunks</c>; <c>LISTEN</c>/<c>NOTIFY</c> to wake waiting workers.
/// </content>
/// <remarks>
/// <para>
/// A claim is one statement: the oldest claimable row, <c>SELECT … ORDER BY queued_at LIMIT 1 FOR NO KEY UPDATE SKIP
/// LOCKED</c>, then locked <c>FOR UPDATE</c> and updated with the next fencing token, <c>RETURNING</c> it. Concurrent
/// claims, in any number of processes, pass over the row another claim holds instead of waiting for it, and each import
/// is taken by one of them. A claim is never run again once its commit was sent (the claim may have committed; it then
/// simply expires and is taken over).
/// </para>
/// <para>
/// Every write of <see cref="WithLease"/>'s view to the leased import first reads the work row <c>FOR KEY SHARE</c> in
/// its own transaction and checks the fencing token: a claim's <c>FOR UPDATE</c> waits until that write commits, so no
/// claim can come between the check and the write. (<c>FOR SHARE</c> would make the claims' <c>SKIP LOCKED</c> pass the
/// row over for as long as its worker keeps writing, and would hold up the lease's renewals.)
/// </para>
/// <para>
/// <see cref="WaitForWorkAsync"/> listens on one connection per store (opened by the first wait, held from the pool
/// until the store is disposed) for the notification that <see cref="EnqueueAsync"/> and <see cref="ReleaseAsync"/> send
/// when they commit; every waiter of the store is woken by it. When that connection is lost, waits fall back to their
/// timeout and the next one opens it again.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlInviteHistoryStore : IImportWorkStore
{
    /// <summary>The size of an upload's chunks (the last one may be shorter): one row of <c>upload_chunks</c> each.</summary>
    internal const int UploadChunkSize = ImportWorkArguments.ChunkBytes;

    private PostgreSqlWorkListener? _listener;

    /// <summary>The wake-up that was current when the last claim began; the next wait takes it, so that work queued between that claim and the wait is not slept through.</summary>
    private Task? _signalAtClaim;

    /// <summary>Whether this store's connection that listens for queued imports is open and listening.</summary>
    internal bool IsListeningForWork => _listener?.IsListening == true;

    private PostgreSqlWorkListener Listener
    {
        get
        {
            var listener = Volatile.Read(ref _listener);
            if (listener is not null)
            {
                return listener;
            }

            var created = new PostgreSqlWorkListener(_dataSource, _logger);
            return Interlocked.CompareExchange(ref _listener, created, null) ?? created;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The upload is read in chunks of 1 MiB and written by one binary COPY, one row per chunk, never held whole; the
    /// chunks, the work row and the notification that wakes the workers commit together, so a copy that fails, is
    /// cancelled or runs over <paramref name="maxBytes"/> leaves nothing. After a transient failure the call runs again
    /// only while it can read the upload from its start again (it has read nothing yet, or the stream can seek).
    /// </remarks>
    public async Task EnqueueAsync(ImportWorkItem item, Stream upload, long maxBytes, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnqueue(item, upload, maxBytes);
        var state = new EnqueueState(item, upload, maxBytes, upload.CanSeek ? upload.Position : -1);
        // Not WriteAsync: a retry must be able to read the upload again. The upload is read only inside the COPY, where
        // the server waits for it without counting the transaction idle.
        await RunAsync(state, static async (connection, transaction, state, ct) =>
        {
            await LimitIdleAsync(connection, transaction, ct).ConfigureAwait(false);
            var exists = Command(connection, transaction, PostgreSqlSql.WorkExists);
            await using (exists.ConfigureAwait(false))
            {
                exists.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.Item.ImportId);
                if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
                {
                    throw DuplicateImport(state.Item.ImportId, null);
                }
            }

            if (state.Read && state.StartPosition >= 0)
            {
                state.Upload.Position = state.StartPosition;
            }

            var (bytes, chunks) = await CopyUploadAsync(connection, state, ct).ConfigureAwait(false);
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                var insert = new NpgsqlBatchCommand(PostgreSqlSql.InsertWork);
                PostgreSqlRows.BindWorkItem(insert.Parameters, state.Item);
                insert.Parameters.AddValue("upload_bytes", NpgsqlDbType.Bigint, bytes);
                insert.Parameters.AddValue("upload_chunks", NpgsqlDbType.Integer, chunks);
                batch.BatchCommands.Add(insert);
                batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgreSqlSql.NotifyWork));
                try
                {
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (IsUniqueViolation(ex))
                {
                    throw DuplicateImport(state.Item.ImportId, ex);
                }
            }

            return true;
        }, IsolationLevel.ReadCommitted, retryCommit: false, ensureSchema: true, cancellationToken, () => !state.Read || state.StartPosition >= 0).ConfigureAwait(false);
        Listener.Wake();
    }

    private static InvalidOperationException DuplicateImport(Guid importId, Exception? cause)
        => new($"An import with id {importId} is queued, or was queued, already.", cause);

    /// <summary>Copies the upload into its chunks by binary COPY, one chunk of <see cref="UploadChunkSize"/> bytes in memory at a time.</summary>
    private static async Task<(long Bytes, int Chunks)> CopyUploadAsync(NpgsqlConnection connection, EnqueueState state, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(PostgreSqlSql.CopyUploadChunks, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var chunks = 0;
            state.Read = true;
            var bytes = await ImportWorkArguments.CopyInChunksAsync(state.Upload, state.MaxBytes, async (chunk, chunkNo, ct) =>
            {
                await importer.StartRowAsync(ct).ConfigureAwait(false);
                await importer.WriteAsync(state.Item.ImportId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await importer.WriteAsync(chunkNo, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await importer.WriteAsync(chunk, NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
                chunks = chunkNo + 1;
            }, cancellationToken).ConfigureAwait(false);
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return (bytes, chunks);
        }
    }

    /// <inheritdoc />
    public Task<ImportLease?> ClaimAsync(string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaim(owner, leaseDuration);
        Volatile.Write(ref _signalAtClaim, Listener.Signal);
        return WriteAsync((owner, expiresAt: now + leaseDuration, now), static async (connection, transaction, state, ct) =>
        {
            // A part of an import being sent goes first: the import started is finished sooner.
            return await ClaimAsync(connection, transaction, PostgreSqlSql.ClaimPart, state, ct).ConfigureAwait(false)
                   ?? await ClaimAsync(connection, transaction, PostgreSqlSql.ClaimWork, state, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The row is locked <c>FOR UPDATE</c> first (writes in flight under an older lease end first), then claimed by one upsert.</remarks>
    public Task<ImportLease?> ClaimImportAsync(ImportWorkItem item, string owner, TimeSpan leaseDuration, DateTimeOffset now, bool takeOver = false, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaimImport(item, owner, leaseDuration);
        return WriteAsync((item, owner, expiresAt: now + leaseDuration, now, takeOver), static async (connection, transaction, state, ct) =>
        {
            var lockRow = Command(connection, transaction, PostgreSqlSql.LockWorkForClaim);
            await using (lockRow.ConfigureAwait(false))
            {
                lockRow.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.item.ImportId);
                await lockRow.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var claim = Command(connection, transaction, PostgreSqlSql.ClaimImport);
            await using (claim.ConfigureAwait(false))
            {
                PostgreSqlRows.BindWorkItem(claim.Parameters, state.item);
                claim.Parameters.AddValue("owner", NpgsqlDbType.Text, state.owner);
                claim.Parameters.AddValue("expires_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.expiresAt));
                claim.Parameters.AddValue("expires_offset", NpgsqlDbType.Smallint, PostgreSqlRows.OffsetMinutes(state.expiresAt));
                claim.Parameters.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
                claim.Parameters.AddValue("take_over", NpgsqlDbType.Boolean, state.takeOver);
                var reader = await claim.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false)
                        ? new ImportLease { Item = state.item, Owner = state.owner, Fence = reader.GetInt64(0), Attempt = reader.GetInt32(1), ExpiresAt = state.expiresAt, Parts = reader.GetInt32(2) }
                        : null;
                }
            }
        }, cancellationToken);
    }

    /// <summary>Runs one claim statement (of a part, or of an import); <see langword="null"/> when it claimed nothing.</summary>
    private static async Task<ImportLease?> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, (string owner, DateTimeOffset expiresAt, DateTimeOffset now) state, CancellationToken ct)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddValue("owner", NpgsqlDbType.Text, state.owner);
            command.Parameters.AddValue("expires_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.expiresAt));
            command.Parameters.AddValue("expires_offset", NpgsqlDbType.Smallint, PostgreSqlRows.OffsetMinutes(state.expiresAt));
            command.Parameters.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return null;
                }

                return new ImportLease
                {
                    Item = PostgreSqlRows.ReadWorkItem(reader),
                    Owner = state.owner,
                    Fence = reader.GetInt64(11),
                    Attempt = reader.GetInt32(12),
                    ExpiresAt = state.expiresAt,
                    Parts = reader.GetInt32(13),
                    Part = reader.FieldCount > 14
                        ? new ImportWorkPart { Number = reader.GetInt32(14), FirstSequence = reader.GetInt64(15), LastSequence = reader.GetInt64(16) }
                        : null,
                };
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(ImportLease lease, TimeSpan leaseDuration, DateTimeOffset now, BulkInviteProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ImportWorkArguments.CheckDuration(leaseDuration);
        return WriteAsync((lease, expiresAt: now + leaseDuration, progress: ImportProgressJson.Write(progress)), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, state.lease.Part is null ? PostgreSqlSql.RenewWork : PostgreSqlSql.RenewPart);
            await using (command.ConfigureAwait(false))
            {
                BindLease(command.Parameters, state.lease);
                command.Parameters.AddValue("expires_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.expiresAt));
                command.Parameters.AddValue("expires_offset", NpgsqlDbType.Smallint, PostgreSqlRows.OffsetMinutes(state.expiresAt));
                command.Parameters.AddValue("progress", NpgsqlDbType.Text, state.progress);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var released = await WriteAsync(lease, static async (connection, transaction, lease, ct) =>
        {
            var command = Command(connection, transaction, lease.Part is null ? PostgreSqlSql.ReleaseWork : PostgreSqlSql.ReleasePart);
            await using (command.ConfigureAwait(false))
            {
                BindLease(command.Parameters, lease);
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return false;
                }
            }

            await ExecuteAsync(connection, transaction, PostgreSqlSql.NotifyWork, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (released)
        {
            Listener.Wake();
        }

        return released;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The row is ended and the upload's chunks and the parts deleted in one transaction. A part's end takes its import's
    /// row first, so that the ends of one import's parts follow one another, and the last one lets the import be claimed.
    /// </remarks>
    public async Task<bool> CompleteAsync(ImportLease lease, QueuedImportStatus status, string? error, ImportErrorCode? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnd(lease, status);
        if (lease.Part is not null)
        {
            var (ended, reopened) = await WriteAsync((lease, status, now), static async (connection, transaction, state, ct) =>
            {
                var lockWork = Command(connection, transaction, PostgreSqlSql.LockWorkOfPart);
                await using (lockWork.ConfigureAwait(false))
                {
                    lockWork.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.lease.ImportId);
                    await lockWork.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                var complete = Command(connection, transaction, PostgreSqlSql.CompletePart);
                await using (complete.ConfigureAwait(false))
                {
                    BindLease(complete.Parameters, state.lease);
                    complete.Parameters.AddValue("status", NpgsqlDbType.Smallint, (short)state.status);
                    if (await complete.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    {
                        return (false, false);
                    }
                }

                var reopen = Command(connection, transaction, PostgreSqlSql.ReopenSplitWork);
                await using (reopen.ConfigureAwait(false))
                {
                    reopen.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.lease.ImportId);
                    reopen.Parameters.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
                    if (await reopen.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                    {
                        return (true, false);
                    }
                }

                await ExecuteAsync(connection, transaction, PostgreSqlSql.NotifyWork, ct).ConfigureAwait(false);
                return (true, true);
            }, cancellationToken).ConfigureAwait(false);
            if (reopened)
            {
                Listener.Wake();
            }

            return ended;
        }

        return await WriteAsync((lease, status, error, errorCode, now), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.CompleteWork);
            await using (command.ConfigureAwait(false))
            {
                BindLease(command.Parameters, state.lease);
                command.Parameters.AddValue("status", NpgsqlDbType.Smallint, (short)state.status);
                command.Parameters.AddValue("error", NpgsqlDbType.Text, state.error);
                command.Parameters.AddValue("error_code", NpgsqlDbType.Integer, state.errorCode is { } code ? (int)code : null);
                command.Parameters.AddValue("ended_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
                command.Parameters.AddValue("ended_offset", NpgsqlDbType.Smallint, PostgreSqlRows.OffsetMinutes(state.now));
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return false;
                }
            }

            foreach (var sql in (string[])[PostgreSqlSql.DeleteUploadChunks, PostgreSqlSql.DeleteParts])
            {
                var delete = Command(connection, transaction, sql);
                await using (delete.ConfigureAwait(false))
                {
                    delete.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.lease.ImportId);
                    await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The lease's end, the parts and the notification are one transaction.</remarks>
    public async Task<bool> SplitAsync(ImportLease lease, IReadOnlyList<ImportWorkPart> parts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckSplit(lease, parts);
        var split = await WriteAsync((lease, parts, now), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.SplitWork);
            await using (command.ConfigureAwait(false))
            {
                BindLease(command.Parameters, state.lease);
                command.Parameters.AddValue("parts", NpgsqlDbType.Integer, state.parts.Count);
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return false;
                }
            }

            var insert = Command(connection, transaction, PostgreSqlSql.InsertParts);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.lease.ImportId);
                insert.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.lease.TenantId);
                insert.Parameters.AddValue("queued_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
                insert.Parameters.AddValue("part_nos", NpgsqlDbType.Array | NpgsqlDbType.Integer, state.parts.Select(static p => p.Number).ToArray());
                insert.Parameters.AddValue("first_sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint, state.parts.Select(static p => p.FirstSequence).ToArray());
                insert.Parameters.AddValue("last_sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint, state.parts.Select(static p => p.LastSequence).ToArray());
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, PostgreSqlSql.NotifyWork, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (split)
        {
            Listener.Wake();
        }

        return split;
    }

    /// <summary>Binds what names a lease's row: the import, its tenant, the fencing token, and the part for a part's lease.</summary>
    private static void BindLease(NpgsqlParameterCollection parameters, ImportLease lease)
    {
        parameters.AddValue("import_id", NpgsqlDbType.Uuid, lease.ImportId);
        parameters.AddValue("tenant_id", NpgsqlDbType.Text, lease.TenantId);
        parameters.AddValue("fence", NpgsqlDbType.Bigint, lease.Fence);
        if (lease.Part is { } part)
        {
            parameters.AddValue("part_no", NpgsqlDbType.Integer, part.Number);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The stream reads one chunk (1 MiB) at a time, each in a short transaction of its own, so that reading a big upload
    /// holds no connection; it can seek, and knows its length.
    /// </remarks>
    public async Task<Stream> OpenUploadAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var (bytes, chunks) = await ReadAsync(lease, static async (connection, transaction, lease, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.SelectUpload);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, lease.ImportId);
                command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, lease.TenantId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false)
                        ? (reader.GetInt64(0), reader.GetInt32(1))
                        : throw new KeyNotFoundException($"Import {lease.ImportId} has no upload: it is not queued, or it has ended.");
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return new PostgreSqlUploadStream(this, lease.TenantId, lease.ImportId, bytes, chunks);
    }

    /// <summary>Reads one chunk of an upload; <see langword="null"/> when it is gone (the import has ended since the upload was opened).</summary>
    internal Task<byte[]?> ReadUploadChunkAsync(string tenantId, Guid importId, int chunkNo, CancellationToken cancellationToken)
        => ReadAsync((tenantId, importId, chunkNo), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.SelectUploadChunk);
            await using (command.ConfigureAwait(false))
            {
                BindChunk(command.Parameters, state.tenantId, state.importId, state.chunkNo);
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[];
            }
        }, cancellationToken);

    /// <summary>Reads one chunk of an upload for a synchronous read (once, on a connection of its own); <see langword="null"/> when it is gone.</summary>
    internal byte[]? ReadUploadChunk(string tenantId, Guid importId, int chunkNo)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(PostgreSqlSql.SelectUploadChunk, connection);
        BindChunk(command.Parameters, tenantId, importId, chunkNo);
        return command.ExecuteScalar() as byte[];
    }

    private static void BindChunk(NpgsqlParameterCollection parameters, string tenantId, Guid importId, int chunkNo)
    {
        parameters.AddValue("import_id", NpgsqlDbType.Uuid, importId);
        parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
        parameters.AddValue("chunk_no", NpgsqlDbType.Integer, chunkNo);
    }

    /// <inheritdoc />
    public Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, importId, now), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.SelectWorkState);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.importId);
                command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                command.Parameters.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgreSqlRows.ReadWorkState(reader, state.tenantId, state.importId, state.now) : null;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ImportWorkCounts> CountUnfinishedAsync(CancellationToken cancellationToken = default)
        => ReadAsync(0, static async (connection, transaction, _, ct) =>
        {
            var command = Command(connection, transaction, PostgreSqlSql.CountUnfinishedWork);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    return new ImportWorkCounts { Queued = reader.GetInt64(0), Claimed = reader.GetInt64(1) };
                }
            }
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Ends early when any store on the database queues or gives back an import (a notification on the store's
    /// listening connection, opened by the first wait), or when this store does. A notification that came after this
    /// store's last claim began, and before the wait, ends the wait at once. Without a listening connection (it was lost
    /// and cannot be opened again yet) the wait lasts <paramref name="timeout"/>.
    /// </remarks>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckTimeout(timeout);

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var listener = Listener;
        var signal = Interlocked.Exchange(ref _signalAtClaim, null) ?? listener.Signal;
        listener.EnsureListening();
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed while this wait began: the store's disposal may not have seen the listener.
            listener.Dispose();
            throw new ObjectDisposedException(GetType().FullName);
        }
        if (signal.IsCompleted)
        {
            return;
        }

        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, delayCancellation.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await delayCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    public IInviteHistoryStore WithLease(ImportLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new PostgreSqlLeasedHistoryStore(this, lease);
    }

    /// <summary>
    /// Inside a write's transaction: when the write is to the leased import (of its tenant), locks its work row
    /// (<c>FOR KEY SHARE</c>) and refuses the write unless the row still has the lease's fencing token and runs.
    /// </summary>
    private static async Task CheckLeaseAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImportLease? lease, string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        if (lease is null || !ImportWorkArguments.Concerns(lease, tenantId, importId))
        {
            return;
        }

        var command = Command(connection, transaction, lease.Part is null ? PostgreSqlSql.LockWorkFence : PostgreSqlSql.LockPartFence);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, lease.ImportId);
            command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, lease.TenantId);
            if (lease.Part is { } part)
            {
                command.Parameters.AddValue("part_no", NpgsqlDbType.Integer, part.Number);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    || reader.GetInt64(0) != lease.Fence
                    || (QueuedImportStatus)reader.GetInt16(1) != QueuedImportStatus.Running)
                {
                    throw new ImportLeaseLostException(lease.ImportId, lease.Fence);
                }
            }
        }
    }

    /// <summary>An enqueue in progress: whether it has read from the upload, and where the upload started (-1 when it cannot seek).</summary>
    private sealed class EnqueueState(ImportWorkItem item, Stream upload, long maxBytes, long startPosition)
    {
        public ImportWorkItem Item { get; } = item;

        public Stream Upload { get; } = upload;

        public long MaxBytes { get; } = maxBytes;

        public long StartPosition { get; } = startPosition;

        public bool Read { get; set; }
    }
}
