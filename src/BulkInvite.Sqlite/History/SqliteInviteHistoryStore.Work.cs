using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite;

/// <content>The queue of background imports (<see cref="IImportWorkStore"/>): the <c>work</c> and <c>work_uploads</c> tables.</content>
public sealed partial class SqliteInviteHistoryStore
{
    private const int WorkQueued = (int)QueuedImportStatus.Queued;
    private const int WorkRunning = (int)QueuedImportStatus.Running;

    private readonly WorkSignal _workSignal = new();

    /// <inheritdoc />
    /// <remarks>
    /// The upload is first copied to a temporary file beside the database (deleted when closed), checked against
    /// <paramref name="maxBytes"/> as it is read; then the work row and the upload's chunks of 1 MiB are written in one
    /// transaction. So the database's write lock, which every process shares, is held while a local file is copied,
    /// never while a slow client sends its upload, and a copy that fails or is cancelled leaves nothing in the database.
    /// </remarks>
    public async Task EnqueueAsync(ImportWorkItem item, Stream upload, long maxBytes, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnqueue(item, upload, maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var exists = await ReadAsync(item.ImportId, static async (connection, transaction, importId, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.WorkExists);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            throw AlreadyQueued(item.ImportId, null);
        }

        var spoolPath = Path.Combine(Path.GetDirectoryName(DatabasePath)!, $".{Path.GetFileName(DatabasePath)}.{Guid.NewGuid():N}.upload");
        var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81_920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (spool.ConfigureAwait(false))
        {
            var length = await ImportWorkArguments.CopyInChunksAsync(upload, maxBytes, (chunk, _, ct) => spool.WriteAsync(chunk, ct), cancellationToken).ConfigureAwait(false);
            await spool.FlushAsync(cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            await WriteAsync((item, spool, length), static async (connection, transaction, state, ct) =>
            {
                var (item, spool, length) = state;
                var chunks = (int)((length + ImportWorkArguments.ChunkBytes - 1) / ImportWorkArguments.ChunkBytes);
                var insert = Command(connection, transaction, SqliteSql.InsertWork);
                await using (insert.ConfigureAwait(false))
                {
                    BindWorkItem(insert, item);
                    insert.Parameters.AddWithValue("$upload_bytes", length);
                    insert.Parameters.AddWithValue("$upload_chunks", chunks);
                    try
                    {
                        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                    catch (SqliteException ex) when (IsPrimaryKeyViolation(ex))
                    {
                        throw AlreadyQueued(item.ImportId, ex);
                    }
                }

                var chunk = Command(connection, transaction, SqliteSql.InsertUploadChunk);
                await using (chunk.ConfigureAwait(false))
                {
                    chunk.Parameters.AddWithValue("$import_id", SqliteRows.Key(item.ImportId));
                    var index = chunk.Add("$chunk", SqliteType.Integer);
                    var data = chunk.Add("$data", SqliteType.Blob);
                    var full = new byte[ImportWorkArguments.ChunkBytes];
                    for (var i = 0; i < chunks; i++)
                    {
                        var size = (int)Math.Min(ImportWorkArguments.ChunkBytes, length - ((long)i * ImportWorkArguments.ChunkBytes));
                        var buffer = size == full.Length ? full : new byte[size];
                        await spool.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
                        index.Value = i;
                        data.Value = buffer;
                        await chunk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        _workSignal.Set();
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction: the head of the queued imports and the oldest expired lease are read from
    /// <c>ix_work_claim</c>, and the older one is claimed. The transaction holds the database's write lock, so of claims
    /// in any number of processes on the file, one at a time reads and claims.
    /// </remarks>
    public async Task<ImportLease?> ClaimAsync(string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaim(owner, leaseDuration);
        ImportLease? lease = null;
        await WriteAsync((owner, leaseDuration, now), async (connection, transaction, state, ct) =>
        {
            // A part of an import being sent goes first: the import started is finished sooner.
            lease = await ClaimPartAsync(connection, transaction, state.owner, state.now + state.leaseDuration, state.now, ct).ConfigureAwait(false);
            if (lease is not null)
            {
                return;
            }

            var queued = await NextWorkAsync(connection, transaction, SqliteSql.NextQueuedWork, state.now, ct).ConfigureAwait(false);
            var expired = await NextWorkAsync(connection, transaction, SqliteSql.NextExpiredWork, state.now, ct).ConfigureAwait(false);
            var next = queued is not { } q ? expired?.ImportId
                : expired is not { } e ? q.ImportId
                : q.QueuedAt < e.QueuedAt || (q.QueuedAt == e.QueuedAt && string.CompareOrdinal(q.ImportId, e.ImportId) < 0) ? q.ImportId
                : e.ImportId;
            if (next is null)
            {
                return;
            }

            var expiresAt = state.now + state.leaseDuration;
            var claim = Command(connection, transaction, SqliteSql.ClaimWork);
            await using (claim.ConfigureAwait(false))
            {
                claim.Parameters.AddWithValue("$owner", state.owner);
                claim.Parameters.AddWithValue("$expires_at", SqliteRows.Ticks(expiresAt));
                claim.Parameters.AddWithValue("$import_id", next);
                var reader = await claim.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"Import {next} was chosen to be claimed, and is gone.");
                    }

                    lease = new ImportLease
                    {
                        Item = ReadWorkItem(reader),
                        Owner = reader.GetString(12),
                        Fence = reader.GetInt64(13),
                        Attempt = reader.GetInt32(14),
                        ExpiresAt = expiresAt,
                        Parts = reader.GetInt32(20),
                    };
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return lease;
    }

    /// <inheritdoc />
    /// <remarks>One upsert in a <c>BEGIN IMMEDIATE</c> transaction: the write lock of the file orders it with every other claim.</remarks>
    public async Task<ImportLease?> ClaimImportAsync(ImportWorkItem item, string owner, TimeSpan leaseDuration, DateTimeOffset now, bool takeOver = false, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckClaimImport(item, owner, leaseDuration);
        ImportLease? lease = null;
        var expiresAt = now + leaseDuration;
        await WriteAsync(0, async (connection, transaction, _, ct) =>
        {
            var claim = Command(connection, transaction, SqliteSql.ClaimImport);
            await using (claim.ConfigureAwait(false))
            {
                BindWorkItem(claim, item);
                claim.Parameters.AddWithValue("$owner", owner);
                claim.Parameters.AddWithValue("$expires_at", SqliteRows.Ticks(expiresAt));
                claim.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
                claim.Parameters.AddWithValue("$take_over", takeOver ? 1 : 0);
                var reader = await claim.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        lease = new ImportLease { Item = item, Owner = owner, Fence = reader.GetInt64(0), Attempt = reader.GetInt32(1), ExpiresAt = expiresAt, Parts = reader.GetInt32(2) };
                    }
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return lease;
    }

    /// <summary>Binds an item's columns (<c>$import_id</c> to <c>$queued_offset</c>).</summary>
    private static void BindWorkItem(SqliteCommand command, ImportWorkItem item)
    {
        command.Parameters.AddWithValue("$import_id", SqliteRows.Key(item.ImportId));
        command.Parameters.AddWithValue("$tenant_id", item.TenantId);
        command.Parameters.AddWithValue("$initiated_by", item.InitiatedBy);
        command.Parameters.AddWithValue("$file_name", item.FileName);
        command.Parameters.AddWithValue("$mode", (long)item.Mode);
        command.Parameters.AddWithValue("$parser_name", (object?)item.ParserName ?? DBNull.Value);
        command.Parameters.AddWithValue("$sender_name", (object?)item.SenderName ?? DBNull.Value);
        command.Parameters.AddWithValue("$allow_repeat", item.AllowRepeatUpload ? 1 : 0);
        command.Parameters.AddWithValue("$resend", item.ResendPendingInvitations ? 1 : 0);
        command.Parameters.AddWithValue("$queued_at", SqliteRows.Ticks(item.QueuedAt));
        command.Parameters.AddWithValue("$queued_offset", SqliteRows.OffsetMinutes(item.QueuedAt));
    }

    /// <inheritdoc />
    public async Task<bool> RenewAsync(ImportLease lease, TimeSpan leaseDuration, DateTimeOffset now, BulkInviteProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ImportWorkArguments.CheckDuration(leaseDuration);
        var expiresAt = SqliteRows.Ticks(now + leaseDuration);
        var json = ImportProgressJson.Write(progress);
        return await ChangeHeldWorkAsync(lease, lease.Part is null ? SqliteSql.RenewWork : SqliteSql.RenewPart, command =>
        {
            command.Parameters.AddWithValue("$expires_at", expiresAt);
            command.Parameters.AddWithValue("$progress", (object?)json ?? DBNull.Value);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var released = await ChangeHeldWorkAsync(lease, lease.Part is null ? SqliteSql.ReleaseWork : SqliteSql.ReleasePart, static _ => { }, cancellationToken).ConfigureAwait(false);
        if (released)
        {
            _workSignal.Set();
        }

        return released;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The end and the deletion of the upload (and of the parts) are one transaction; so are a part's end and, when it was
    /// the last, the import's lease made claimable.
    /// </remarks>
    public async Task<bool> CompleteAsync(ImportLease lease, QueuedImportStatus status, string? error, ImportErrorCode? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckEnd(lease, status);
        if (lease.Part is not null)
        {
            var reopened = false;
            var ended = await ChangeHeldWorkAsync(lease, SqliteSql.CompletePart, command => command.Parameters.AddWithValue("$status", (long)status), cancellationToken, async (connection, transaction, ct) =>
            {
                var reopen = Command(connection, transaction, SqliteSql.ReopenSplitWork);
                await using (reopen.ConfigureAwait(false))
                {
                    reopen.Parameters.AddWithValue("$import_id", SqliteRows.Key(lease.ImportId));
                    reopen.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
                    reopened = await reopen.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
                }
            }).ConfigureAwait(false);
            if (reopened)
            {
                _workSignal.Set();
            }

            return ended;
        }

        return await ChangeHeldWorkAsync(lease, SqliteSql.CompleteWork, command =>
        {
            command.Parameters.AddWithValue("$status", (long)status);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.Parameters.AddWithValue("$error_code", errorCode is { } code ? (long)code : DBNull.Value);
            command.Parameters.AddWithValue("$ended_at", SqliteRows.Ticks(now));
            command.Parameters.AddWithValue("$ended_offset", SqliteRows.OffsetMinutes(now));
        }, cancellationToken, async (connection, transaction, ct) =>
        {
            foreach (var sql in (string[])[SqliteSql.DeleteUpload, SqliteSql.DeleteParts])
            {
                var delete = Command(connection, transaction, sql);
                await using (delete.ConfigureAwait(false))
                {
                    delete.Parameters.AddWithValue("$import_id", SqliteRows.Key(lease.ImportId));
                    await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The lease's end and the parts are one transaction.</remarks>
    public async Task<bool> SplitAsync(ImportLease lease, IReadOnlyList<ImportWorkPart> parts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ImportWorkArguments.CheckSplit(lease, parts);
        var split = await ChangeHeldWorkAsync(lease, SqliteSql.SplitWork, command => command.Parameters.AddWithValue("$parts", (long)parts.Count), cancellationToken, async (connection, transaction, ct) =>
        {
            var insert = Command(connection, transaction, SqliteSql.InsertPart);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.AddWithValue("$import_id", SqliteRows.Key(lease.ImportId));
                insert.Parameters.AddWithValue("$tenant_id", lease.TenantId);
                insert.Parameters.AddWithValue("$queued_at", SqliteRows.Ticks(now));
                var number = insert.Add("$part_no", SqliteType.Integer);
                var first = insert.Add("$first_sequence", SqliteType.Integer);
                var last = insert.Add("$last_sequence", SqliteType.Integer);
                foreach (var part in parts)
                {
                    number.Value = part.Number;
                    first.Value = part.FirstSequence;
                    last.Value = part.LastSequence;
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
        if (split)
        {
            _workSignal.Set();
        }

        return split;
    }

    /// <inheritdoc />
    /// <remarks>The stream reads the upload one chunk (1 MiB) at a time, each in a read of its own.</remarks>
    public async Task<Stream> OpenUploadAsync(ImportLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var chunks = await ReadAsync(lease, static async (connection, transaction, lease, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.SelectWork);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(lease.ImportId));
                command.Parameters.AddWithValue("$tenant_id", lease.TenantId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) && reader.GetInt64(11) is WorkQueued or WorkRunning
                        ? reader.GetInt32(19)
                        : -1;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return chunks < 0
            ? throw new KeyNotFoundException($"Import {lease.ImportId} has no upload: it has ended, or was never queued.")
            : new SqliteUploadStream(this, lease.ImportId, chunks);
    }

    /// <inheritdoc />
    public Task<QueuedImportState?> GetStateAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, importId, now), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.SelectWork);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                command.Parameters.AddWithValue("$tenant_id", state.tenantId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        return null;
                    }

                    var item = ReadWorkItem(reader);
                    var status = (QueuedImportStatus)reader.GetInt64(11);
                    DateTimeOffset? leaseExpiresAt = reader.IsDBNull(15) ? null : new DateTimeOffset(reader.GetInt64(15), TimeSpan.Zero);
                    var expired = status == QueuedImportStatus.Running && leaseExpiresAt <= state.now;
                    var owner = expired || reader.IsDBNull(12) ? null : reader.GetString(12);
                    var parts = reader.GetInt32(20);
                    if (status == QueuedImportStatus.Running && parts > 0)
                    {
                        var (partOwners, partsExpireAt) = await ReadPartOwnersAsync(connection, transaction, state.importId, state.now, ct).ConfigureAwait(false);
                        owner = partOwners ?? owner;
                        leaseExpiresAt = partsExpireAt ?? leaseExpiresAt;
                    }

                    return new QueuedImportState
                    {
                        ImportId = item.ImportId,
                        TenantId = item.TenantId,
                        FileName = item.FileName,
                        IsPreview = item.Mode == ImportMode.Preview,
                        Status = status,
                        QueuedAt = item.QueuedAt,
                        Owner = owner,
                        LeaseExpiresAt = leaseExpiresAt,
                        Attempts = reader.GetInt32(14),
                        Parts = parts,
                        Progress = ImportProgressJson.Read(item.ImportId, reader.IsDBNull(16) ? null : reader.GetString(16)),
                        Error = reader.IsDBNull(17) ? null : reader.GetString(17),
                        ErrorCode = reader.IsDBNull(18) ? null : (ImportErrorCode)reader.GetInt64(18),
                    };
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ImportWorkCounts> CountUnfinishedAsync(CancellationToken cancellationToken = default)
        => ReadAsync(0, static async (connection, transaction, _, ct) =>
        {
            long queued = 0, claimed = 0;
            var command = Command(connection, transaction, SqliteSql.CountUnfinishedWork);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        if (reader.GetInt64(0) == WorkQueued)
                        {
                            queued = reader.GetInt64(1);
                        }
                        else
                        {
                            claimed = reader.GetInt64(1);
                        }
                    }
                }
            }

            return new ImportWorkCounts { Queued = queued, Claimed = claimed };
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Ends early when this instance queues an import or has one given back; imports queued or given back by another
    /// process on the file are found when the timeout (the polling interval) has passed.
    /// </remarks>
    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _workSignal.WaitAsync(timeout, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A write of the view to the leased import checks, first in its <c>BEGIN IMMEDIATE</c> transaction, that the
    /// import's work row still has the lease's fencing token and runs: the transaction holds the write lock of the file,
    /// so no claim, in this process or another, comes between the check and the write.
    /// </remarks>
    public IInviteHistoryStore WithLease(ImportLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new LeasedView(this, lease);
    }

    /// <summary>Reads one chunk of an upload; a chunk that is gone means the import ended while it was read.</summary>
    internal Task<byte[]> ReadUploadChunkAsync(Guid importId, int chunk, CancellationToken cancellationToken)
        => ReadAsync((importId, chunk), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, SqliteSql.SelectUploadChunk);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                command.Parameters.AddWithValue("$chunk", state.chunk);
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[]
                       ?? throw new IOException($"The upload of import {state.importId} was deleted while it was read: the import has ended.");
            }
        }, cancellationToken);

    /// <summary>Reads one chunk of an upload without awaiting, for a synchronous read of the upload's stream.</summary>
    internal byte[] ReadUploadChunk(Guid importId, int chunk)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragmas = Command(connection, null, _connectionPragmas))
            {
                pragmas.ExecuteNonQuery();
            }

            using var command = Command(connection, null, SqliteSql.SelectUploadChunk);
            command.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            command.Parameters.AddWithValue("$chunk", chunk);
            return command.ExecuteScalar() as byte[]
                   ?? throw new IOException($"The upload of import {importId} was deleted while it was read: the import has ended.");
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(ex);
        }
    }

    private static async Task<(string ImportId, long QueuedAt)?> NextWorkAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            if (sql == SqliteSql.NextExpiredWork)
            {
                command.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetInt64(1)) : null;
            }
        }
    }

    /// <summary>
    /// Runs one change of a work row (or of a part's row, for a part's lease) under a held lease (the statement matches the
    /// fencing token and a running status), and once the row was changed, <paramref name="then"/> in the same transaction.
    /// </summary>
    private async Task<bool> ChangeHeldWorkAsync(
        ImportLease lease, string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task>? then = null)
    {
        var changed = false;
        await WriteAsync((lease, sql, bind, then), async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, state.sql);
            await using (command.ConfigureAwait(false))
            {
                BindLease(command, state.lease);
                state.bind(command);
                changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }

            if (changed && state.then is not null)
            {
                await state.then(connection, transaction, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Binds what names a lease's row: the import, its tenant, the fencing token, and the part for a part's lease.</summary>
    private static void BindLease(SqliteCommand command, ImportLease lease)
    {
        command.Parameters.AddWithValue("$import_id", SqliteRows.Key(lease.ImportId));
        command.Parameters.AddWithValue("$tenant_id", lease.TenantId);
        command.Parameters.AddWithValue("$fence", lease.Fence);
        if (lease.Part is { } part)
        {
            command.Parameters.AddWithValue("$part_no", (long)part.Number);
        }
    }

    /// <summary>Claims the queued part that waited longest, or else the oldest whose lease expired; <see langword="null"/> when there is none.</summary>
    private static async Task<ImportLease?> ClaimPartAsync(SqliteConnection connection, SqliteTransaction transaction, string owner, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string ImportId, long PartNo)? next = null;
        foreach (var sql in (string[])[SqliteSql.NextQueuedPart, SqliteSql.NextExpiredPart])
        {
            var find = Command(connection, transaction, sql);
            await using (find.ConfigureAwait(false))
            {
                if (sql == SqliteSql.NextExpiredPart)
                {
                    find.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
                }

                var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        next = (reader.GetString(0), reader.GetInt64(1));
                        break;
                    }
                }
            }
        }

        if (next is not { } chosen)
        {
            return null;
        }

        long fence;
        int attempt;
        ImportWorkPart part;
        var claim = Command(connection, transaction, SqliteSql.ClaimPart);
        await using (claim.ConfigureAwait(false))
        {
            claim.Parameters.AddWithValue("$owner", owner);
            claim.Parameters.AddWithValue("$expires_at", SqliteRows.Ticks(expiresAt));
            claim.Parameters.AddWithValue("$import_id", chosen.ImportId);
            claim.Parameters.AddWithValue("$part_no", chosen.PartNo);
            var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                fence = reader.GetInt64(0);
                attempt = reader.GetInt32(1);
                part = new ImportWorkPart { Number = (int)chosen.PartNo, FirstSequence = reader.GetInt64(2), LastSequence = reader.GetInt64(3) };
            }
        }

        var work = Command(connection, transaction, SqliteSql.SelectWorkOfPart);
        await using (work.ConfigureAwait(false))
        {
            work.Parameters.AddWithValue("$import_id", chosen.ImportId);
            var reader = await work.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"Part {chosen.PartNo} of import {chosen.ImportId} was claimed, and its import is gone.");
                }

                return new ImportLease
                {
                    Item = ReadWorkItem(reader),
                    Owner = owner,
                    Fence = fence,
                    Attempt = attempt,
                    ExpiresAt = expiresAt,
                    Part = part,
                    Parts = reader.GetInt32(20),
                };
            }
        }
    }

    /// <summary>The instances holding live leases on an import's parts (joined with ", "), and when the last of them expires.</summary>
    private static async Task<(string? Owners, DateTimeOffset? ExpiresAt)> ReadPartOwnersAsync(SqliteConnection connection, SqliteTransaction transaction, Guid importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owners = new SortedSet<string>(StringComparer.Ordinal);
        long? last = null;
        var command = Command(connection, transaction, SqliteSql.SelectPartOwners);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            command.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    owners.Add(reader.GetString(0));
                    last = Math.Max(last ?? 0, reader.GetInt64(1));
                }
            }
        }

        return (owners.Count == 0 ? null : string.Join(", ", owners), last is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
    }

    /// <summary>The fenced writes' check, inside their write transaction.</summary>
    private static async Task ThrowIfLeaseLostAsync(SqliteConnection connection, SqliteTransaction transaction, ImportLease lease, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, lease.Part is null ? SqliteSql.LeaseHeld : SqliteSql.PartLeaseHeld);
        await using (command.ConfigureAwait(false))
        {
            BindLease(command, lease);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new ImportLeaseLostException(lease.ImportId, lease.Fence);
            }
        }
    }

    /// <summary>Reads the item of a row of the work columns (<c>SqliteSql.WorkColumns</c>).</summary>
    private static ImportWorkItem ReadWorkItem(SqliteDataReader reader) => new()
    {
        ImportId = Guid.ParseExact(reader.GetString(0), "D"),
        TenantId = reader.GetString(1),
        InitiatedBy = reader.GetString(2),
        FileName = reader.GetString(3),
        Mode = (ImportMode)reader.GetInt64(4),
        ParserName = reader.IsDBNull(5) ? null : reader.GetString(5),
        SenderName = reader.IsDBNull(6) ? null : reader.GetString(6),
        AllowRepeatUpload = reader.GetInt64(7) != 0,
        ResendPendingInvitations = reader.GetInt64(8) != 0,
        QueuedAt = SqliteRows.Time(reader.GetInt64(9), reader.GetInt64(10)),
    };

    private static InvalidOperationException AlreadyQueued(Guid importId, Exception? cause)
        => new(string.Create(CultureInfo.InvariantCulture, $"An import with id {importId} is queued, or was queued, already."), cause);

    /// <summary>
    /// The store as the holder of one lease writes to it: writes to the leased import of its tenant are fenced (checked
    /// in their transaction); everything else is the store's own.
    /// </summary>
    private sealed class LeasedView(SqliteInviteHistoryStore store, ImportLease lease) : LeasedHistoryView(store)
    {
        private ImportLease? FenceFor(string? tenantId, Guid importId) => ImportWorkArguments.Concerns(lease, tenantId, importId) ? lease : null;

        public override Task CreateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(import);
            return store.CreateImportAsync(import, FenceFor(import.TenantId, import.ImportId), cancellationToken);
        }

        public override Task UpdateImportAsync(BulkInviteReport import, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(import);
            return store.UpdateImportAsync(import, FenceFor(import.TenantId, import.ImportId), cancellationToken);
        }

        public override Task AddEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken = default)
            => store.AddEntriesAsync(tenantId, importId, entries, FenceFor(tenantId, importId), cancellationToken);

        public override Task UpdateEntriesAsync(string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> updates, CancellationToken cancellationToken = default)
            => store.UpdateEntriesAsync(tenantId, importId, updates, FenceFor(tenantId, importId), cancellationToken);

        public override Task<long> DeleteEntriesAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
            => store.DeleteEntriesAsync(tenantId, importId, FenceFor(tenantId, importId), cancellationToken);

        public override Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
            string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
            => store.RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, FenceFor(tenantId, importId), cancellationToken);
    }
}
