using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <content>The invitation ledger: the <c>invitations</c> table.</content>
public sealed partial class PostgreSqlInviteHistoryStore
{
    private const string LiveIndex = "ux_invitations_live";

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// The entries' changes and the sends are written in one transaction. Each send is one upsert on the entry's
    /// invitation inside a savepoint, sent with the savepoint and its release in one round trip: when
    /// <c>ux_invitations_live</c> refuses it (another invitation holds the address; PostgreSQL waits for a concurrent
    /// transaction that holds it to end first), only the savepoint is rolled back, a holder that has expired or is replaced
    /// gives way, and the send is tried once more.
    /// </para>
    /// </remarks>
    public Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        => RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, null, cancellationToken);

    /// <summary>Records sends; under <paramref name="lease"/>, only while it holds the import.</summary>
    internal async Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, ImportLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(entryUpdates);
        InvitationArguments.CheckSends(importId, sends);
        return await WriteAsync((tenantId, importId, entryUpdates, sends, lease), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, entryUpdates, sends, lease) = state;
            await CheckLeaseAsync(connection, transaction, lease, tenantId, importId, ct).ConfigureAwait(false);
            if (!await LockImportOfTenantAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"Tenant has no import {importId}.");
            }

            await UpdateEntriesAsync(connection, transaction, tenantId, importId, entryUpdates, ct).ConfigureAwait(false);
            var statuses = new InvitationSendStatus[sends.Count];
            for (var i = 0; i < sends.Count; i++)
            {
                var send = sends[i];
                var status = await TryUpsertAsync(connection, transaction, tenantId, send, ct).ConfigureAwait(false);
                if (status is null)
                {
                    await FreeAddressAsync(connection, transaction, tenantId, send, ct).ConfigureAwait(false);
                    status = await TryUpsertAsync(connection, transaction, tenantId, send, ct).ConfigureAwait(false) ?? InvitationSendStatus.AddressInvited;
                }

                statuses[i] = status.Value;
            }

            return (IReadOnlyList<InvitationSendStatus>)statuses;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the upsert of one send in a savepoint: recorded or closed; <see langword="null"/> when a live invitation of another entry holds the address.</summary>
    private static async Task<InvitationSendStatus?> TryUpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, InvitationSend send, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var upsert = new NpgsqlBatchCommand(PostgreSqlSql.UpsertInvitation);
            var p = upsert.Parameters;
            p.AddValue("invitation_id", NpgsqlDbType.Uuid, send.InvitationId);
            p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            p.AddValue("import_id", NpgsqlDbType.Uuid, send.ImportId);
            p.AddValue("sequence", NpgsqlDbType.Bigint, send.Sequence);
            p.AddValue("line", NpgsqlDbType.Bigint, send.Line);
            p.AddValue("address", NpgsqlDbType.Text, send.Address);
            p.AddValue("address_key", NpgsqlDbType.Text, send.AddressKey);
            p.AddValue("address_upper", NpgsqlDbType.Text, PostgreSqlRows.AddressKey(send.Address));
            p.AddValue("display_name", NpgsqlDbType.Text, send.DisplayName);
            p.AddValue("fields", NpgsqlDbType.Text, EntryFieldsJson.Write(send.Fields));
            p.AddValue("initiated_by", NpgsqlDbType.Text, send.InitiatedBy);
            p.AddValue("sent_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(send.SentAt));
            p.AddValue("expires_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(send.ExpiresAt));
            p.AddValue("message_key", NpgsqlDbType.Text, send.MessageKey);
            p.AddValue("token_hash", NpgsqlDbType.Bytea, send.TokenHash.ToArray());
            p.AddValue("token_key_id", NpgsqlDbType.Text, send.TokenKeyId);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT invitation_send"));
            batch.BatchCommands.Add(upsert);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RELEASE SAVEPOINT invitation_send"));
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return upsert.RecordsAffected == 0 ? InvitationSendStatus.Closed : InvitationSendStatus.Recorded;
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex, LiveIndex))
            {
                await ExecuteAsync(connection, transaction, "ROLLBACK TO SAVEPOINT invitation_send; RELEASE SAVEPOINT invitation_send", cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex))
            {
                throw new InvalidOperationException("An invitation with this id or this token hash exists already.", ex);
            }
        }
    }

    /// <summary>Records the address's pending invitation of another entry expired (when it has by the send), or revoked (when the send replaces it).</summary>
    private static async Task FreeAddressAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, InvitationSend send, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var stale = new NpgsqlBatchCommand(PostgreSqlSql.ExpireStaleOfAddress);
            stale.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            stale.Parameters.AddValue("address_key", NpgsqlDbType.Text, send.AddressKey);
            stale.Parameters.AddValue("sent_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(send.SentAt));
            batch.BatchCommands.Add(stale);
            if (send.ReplacePending)
            {
                var replace = new NpgsqlBatchCommand(PostgreSqlSql.RevokePendingOfAddress);
                replace.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
                replace.Parameters.AddValue("address_key", NpgsqlDbType.Text, send.AddressKey);
                replace.Parameters.AddValue("sent_at", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(send.SentAt));
                replace.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, send.ImportId);
                replace.Parameters.AddValue("sequence", NpgsqlDbType.Bigint, send.Sequence);
                batch.BatchCommands.Add(replace);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>The hash is compared by the database, byte for byte, through the unique index <c>ux_invitations_token</c>.</remarks>
    public Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        return ReadAsync((hash: tokenHash.ToArray(), asOf), static (connection, transaction, state, ct) =>
            ReadOneInvitationAsync(connection, transaction, PostgreSqlSql.SelectInvitationByToken, state.asOf, p => p.AddValue("token_hash", NpgsqlDbType.Bytea, state.hash), ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>UPDATE … WHERE state = Pending AND token_hash = … AND expires_at &gt; now RETURNING …</c>: concurrent accepts
    /// wait on the row, and each one after the first finds it accepted and changes nothing.
    /// </remarks>
    public Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        return WriteAsync((hash: tokenHash.ToArray(), now), static (connection, transaction, state, ct) =>
            ReadOneInvitationAsync(connection, transaction, PostgreSqlSql.AcceptInvitation, state.now, p =>
            {
                p.AddValue("token_hash", NpgsqlDbType.Bytea, state.hash);
                p.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.now));
            }, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, invitationId, asOf), static (connection, transaction, state, ct) =>
            ReadOneInvitationAsync(connection, transaction, PostgreSqlSql.SelectInvitation, state.asOf, p =>
            {
                p.AddValue("invitation_id", NpgsqlDbType.Uuid, state.invitationId);
                p.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
            }, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One statement for all the addresses: the keys go as one array, each probes <c>ux_invitations_live</c> once.</remarks>
    public Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckAddressKeys(addressKeys);

        if (addressKeys.Count == 0)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult<IReadOnlyList<InvitationRecord?>>([]);
        }

        return ReadAsync((tenantId, keys: addressKeys.ToArray(), asOf), static async (connection, transaction, state, ct) =>
        {
            var found = new InvitationRecord?[state.keys.Length];
            var command = Command(connection, transaction, PostgreSqlSql.SelectLiveInvitations);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                command.Parameters.AddValue("address_keys", NpgsqlDbType.Array | NpgsqlDbType.Text, state.keys);
                command.Parameters.AddValue("as_of", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.asOf));
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        found[reader.GetInt64(19) - 1] = PostgreSqlRows.ReadInvitation(reader, state.asOf);
                    }
                }
            }

            return (IReadOnlyList<InvitationRecord?>)found;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One range of <c>ux_invitations_entry</c>, grouped by the state at <paramref name="asOf"/>.</remarks>
    public Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, importId, asOf), static async (connection, transaction, state, ct) =>
        {
            var counts = InvitationCounts.Empty;
            var command = Command(connection, transaction, PostgreSqlSql.CountInvitationsOfImport);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, state.tenantId);
                command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, state.importId);
                command.Parameters.AddValue("as_of", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(state.asOf));
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        counts = counts.Add((InvitationState)reader.GetInt16(0), reader.GetInt64(1));
                    }
                }
            }

            return counts;
        }, cancellationToken);
    }

    /// <summary>Gives each entry of a page the invitation it sent: one range of <c>ux_invitations_entry</c>, over the page's sequence numbers.</summary>
    private static async Task AddInvitationsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, Guid importId, long afterSequence, List<InviteEntryResult> items, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var invitations = new Dictionary<long, EntryInvitation>();
        var command = Command(connection, transaction, PostgreSqlSql.SelectInvitationsOfEntries);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            command.Parameters.AddValue("import_id", NpgsqlDbType.Uuid, importId);
            command.Parameters.AddValue("after", NpgsqlDbType.Bigint, afterSequence);
            command.Parameters.AddValue("last", NpgsqlDbType.Bigint, items[^1].Sequence);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var expiresAt = reader.GetInt64(3);
                    invitations[reader.GetInt64(0)] = new EntryInvitation
                    {
                        InvitationId = reader.GetGuid(1),
                        State = PostgreSqlRows.StateAt(reader.GetInt16(2), expiresAt, asOf),
                        ExpiresAt = PostgreSqlRows.Utc(expiresAt),
                        AcceptedAt = reader.IsDBNull(4) ? null : PostgreSqlRows.Utc(reader.GetInt64(4)),
                        RevokedAt = reader.IsDBNull(5) ? null : PostgreSqlRows.Utc(reader.GetInt64(5)),
                        SendCount = reader.GetInt32(6),
                    };
                }
            }
        }

        for (var i = 0; i < items.Count && invitations.Count > 0; i++)
        {
            if (invitations.Remove(items[i].Sequence, out var invitation))
            {
                items[i] = items[i].WithInvitation(invitation);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A range of the primary key (tenant, id), with only the filters the query asks for in the statement.</remarks>
    public Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckQuery(query);

        return ReadAsync((tenantId, query, asOf), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, query, asOf) = state;
            var command = Command(connection, transaction, ListInvitationsSql(query));
            await using (command.ConfigureAwait(false))
            {
                var p = command.Parameters;
                p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
                p.AddValue("after", NpgsqlDbType.Uuid, query.AfterInvitationId ?? Guid.Empty);
                if (query.ImportId is { } importId)
                {
                    p.AddValue("import_id", NpgsqlDbType.Uuid, importId);
                }

                if (query.State is InvitationState.Pending or InvitationState.Expired)
                {
                    p.AddValue("as_of", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(asOf));
                }
                else if (query.State is { } inState)
                {
                    p.AddValue("state", NpgsqlDbType.Smallint, (short)inState);
                }

                p.AddValue("limit", NpgsqlDbType.Integer, query.Limit + 1);
                var items = new List<InvitationRecord>();
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        items.Add(PostgreSqlRows.ReadInvitation(reader, asOf));
                    }
                }

                var hasMore = items.Count > query.Limit;
                if (hasMore)
                {
                    items.RemoveAt(items.Count - 1);
                }

                return new InvitePage<InvitationRecord> { Items = items, TotalCount = -1, HasMore = hasMore };
            }
        }, cancellationToken);
    }

    /// <summary>The list statement with the filters of one query.</summary>
    internal static string ListInvitationsSql(InvitationQuery query)
        => PostgreSqlSql.ListInvitations
           + (query.ImportId is null ? string.Empty : PostgreSqlSql.ListInvitationsOfImport)
           + query.State switch
           {
               null => string.Empty,
               InvitationState.Pending => PostgreSqlSql.ListInvitationsPending,
               InvitationState.Expired => PostgreSqlSql.ListInvitationsExpired,
               _ => PostgreSqlSql.ListInvitationsInState,
           }
           + PostgreSqlSql.ListInvitationsPage;

    /// <inheritdoc />
    public async Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return await ChangeInvitationsAsync(PostgreSqlSql.RevokeInvitation, p =>
        {
            p.AddValue("invitation_id", NpgsqlDbType.Uuid, invitationId);
            p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            p.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(now));
        }, cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ChangeInvitationsAsync(PostgreSqlSql.RevokeInvitationsOfImport, p =>
        {
            p.AddValue("import_id", NpgsqlDbType.Uuid, importId);
            p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            p.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(now));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ChangeInvitationsAsync(PostgreSqlSql.ExpireInvitations, p =>
        {
            p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
            p.AddValue("now", NpgsqlDbType.Bigint, PostgreSqlRows.Ticks(now));
        }, cancellationToken);
    }

    private Task<int> ChangeInvitationsAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
        => WriteAsync((sql, bind), static async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, state.sql);
            await using (command.ConfigureAwait(false))
            {
                state.bind(command.Parameters);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static async Task<InvitationRecord?> ReadOneInvitationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, DateTimeOffset asOf, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            bind(command.Parameters);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgreSqlRows.ReadInvitation(reader, asOf) : null;
            }
        }
    }
}
