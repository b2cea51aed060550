using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite;

/// <content>The invitation ledger: the <c>invitations</c> table.</content>
public sealed partial class SqliteInviteHistoryStore
{
    private const int Pending = (int)InvitationState.Pending;
    private const int Expired = (int)InvitationState.Expired;

    /// <inheritdoc />
    /// <remarks>
    /// The entries' changes and the sends are written in one transaction, each send by one upsert on the entry's
    /// invitation: the pipeline's Sending marks and the invitations they fence cost one commit.
    /// </remarks>
    public Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, CancellationToken cancellationToken = default)
        => RecordInvitationSendsAsync(tenantId, importId, entryUpdates, sends, fence: null, cancellationToken);

    private async Task<IReadOnlyList<InvitationSendStatus>> RecordInvitationSendsAsync(
        string tenantId, Guid importId, IReadOnlyList<InviteEntryUpdate> entryUpdates, IReadOnlyList<InvitationSend> sends, ImportLease? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(entryUpdates);
        InvitationArguments.CheckSends(importId, sends);
        var statuses = new InvitationSendStatus[sends.Count];
        await WriteAsync((tenantId, importId, entryUpdates, sends, statuses), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, importId, entryUpdates, sends, statuses) = state;
            var importNumber = await ImportNumberAsync(connection, transaction, tenantId, importId, ct).ConfigureAwait(false);
            await UpdateEntriesAsync(connection, transaction, tenantId, importId, importNumber, entryUpdates, ct).ConfigureAwait(false);
            var command = Command(connection, transaction, SqliteSql.InsertInvitation);
            var stale = Command(connection, transaction, SqliteSql.ExpireStaleOfAddress);
            var replace = Command(connection, transaction, SqliteSql.RevokePendingOfAddress);
            await using (command.ConfigureAwait(false))
            await using (stale.ConfigureAwait(false))
            await using (replace.ConfigureAwait(false))
            {
                for (var i = 0; i < sends.Count; i++)
                {
                    var send = sends[i];
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$invitation_id", SqliteRows.Key(send.InvitationId));
                    command.Parameters.AddWithValue("$tenant_id", tenantId);
                    command.Parameters.AddWithValue("$import_id", SqliteRows.Key(send.ImportId));
                    command.Parameters.AddWithValue("$sequence", send.Sequence);
                    command.Parameters.AddWithValue("$line", send.Line);
                    command.Parameters.AddWithValue("$address", send.Address);
                    command.Parameters.AddWithValue("$address_key", send.AddressKey);
                    command.Parameters.AddWithValue("$address_upper", SqliteRows.AddressKey(send.Address));
                    command.Parameters.AddWithValue("$display_name", (object?)send.DisplayName ?? DBNull.Value);
                    command.Parameters.AddWithValue("$fields", (object?)EntryFieldsJson.Write(send.Fields) ?? DBNull.Value);
                    command.Parameters.AddWithValue("$initiated_by", send.InitiatedBy);
                    command.Parameters.AddWithValue("$sent_at", SqliteRows.Ticks(send.SentAt));
                    command.Parameters.AddWithValue("$expires_at", SqliteRows.Ticks(send.ExpiresAt));
                    command.Parameters.AddWithValue("$message_key", (object?)send.MessageKey ?? DBNull.Value);
                    command.Parameters.AddWithValue("$token_hash", send.TokenHash.ToArray());
                    command.Parameters.AddWithValue("$token_key_id", send.TokenKeyId);
                    var status = await TryUpsertAsync(command, ct).ConfigureAwait(false);
                    if (status is null)
                    {
                        // Another invitation holds the address (ux_invitations_live; only that statement failed). If it has
                        // expired by now, or is pending and this send replaces it, it gives way, and the send is tried again.
                        await FreeAddressAsync(stale, tenantId, send, replacing: false, ct).ConfigureAwait(false);
                        if (send.ReplacePending)
                        {
                            await FreeAddressAsync(replace, tenantId, send, replacing: true, ct).ConfigureAwait(false);
                        }

                        status = await TryUpsertAsync(command, ct).ConfigureAwait(false) ?? InvitationSendStatus.AddressInvited;
                    }

                    statuses[i] = status.Value;
                }
            }
        }, fence, cancellationToken).ConfigureAwait(false);
        return statuses;
    }

    /// <summary>Runs the upsert of one send: recorded or closed; <see langword="null"/> when a live invitation of another entry holds the address.</summary>
    private static async Task<InvitationSendStatus?> TryUpsertAsync(SqliteCommand upsert, CancellationToken cancellationToken)
    {
        try
        {
            return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0 ? InvitationSendStatus.Closed : InvitationSendStatus.Recorded;
        }
        catch (SqliteException ex) when (IsPrimaryKeyViolation(ex) && ex.Message.Contains("address_key", StringComparison.Ordinal))
        {
            return null;
        }
        catch (SqliteException ex) when (IsPrimaryKeyViolation(ex))
        {
            throw new InvalidOperationException("An invitation with this id or this token hash exists already.", ex);
        }
    }

    /// <summary>Records an address's pending invitation of another entry expired (when it has), or revoked (when replaced).</summary>
    private static async Task FreeAddressAsync(SqliteCommand command, string tenantId, InvitationSend send, bool replacing, CancellationToken cancellationToken)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$tenant_id", tenantId);
        command.Parameters.AddWithValue("$address_key", send.AddressKey);
        command.Parameters.AddWithValue("$sent_at", SqliteRows.Ticks(send.SentAt));
        if (replacing)
        {
            command.Parameters.AddWithValue("$import_id", SqliteRows.Key(send.ImportId));
            command.Parameters.AddWithValue("$sequence", send.Sequence);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> FindInvitationByTokenHashAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        return ReadAsync((tokenHash, asOf), static (connection, transaction, state, ct) =>
            ReadOneInvitationAsync(connection, transaction, SqliteSql.SelectInvitationByToken, state.asOf, c => c.Parameters.AddWithValue("$token_hash", state.tokenHash.ToArray()), ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One <c>UPDATE … WHERE state = Pending AND token_hash = … AND expires_at &gt; now</c>: whichever connection or process runs it first changes the row, every other finds nothing to change.</remarks>
    public async Task<InvitationRecord?> AcceptInvitationAsync(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        InvitationArguments.CheckHash(tokenHash);
        InvitationRecord? accepted = null;
        await WriteAsync((tokenHash, now), async (connection, transaction, state, ct) =>
            accepted = await ReadOneInvitationAsync(connection, transaction, SqliteSql.AcceptInvitation, state.now, c =>
            {
                c.Parameters.AddWithValue("$token_hash", state.tokenHash.ToArray());
                c.Parameters.AddWithValue("$now", SqliteRows.Ticks(state.now));
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return accepted;
    }

    /// <inheritdoc />
    public Task<InvitationRecord?> GetInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, invitationId, asOf), static (connection, transaction, state, ct) =>
            ReadOneInvitationAsync(connection, transaction, SqliteSql.SelectInvitation, state.asOf, c =>
            {
                c.Parameters.AddWithValue("$invitation_id", SqliteRows.Key(state.invitationId));
                c.Parameters.AddWithValue("$tenant_id", state.tenantId);
            }, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One statement per 1,000 addresses, one probe of <c>ux_invitations_live</c> per address.</remarks>
    public Task<IReadOnlyList<InvitationRecord?>> FindLiveInvitationsAsync(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckAddressKeys(addressKeys);

        return ReadAsync((tenantId, addressKeys, asOf), static async (connection, transaction, state, ct) =>
        {
            const int PerStatement = 1000;
            var (tenantId, addressKeys, asOf) = state;
            var found = new InvitationRecord?[addressKeys.Count];
            var command = Command(connection, transaction, SqliteSql.SelectLiveInvitations);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$tenant_id", tenantId);
                command.Parameters.AddWithValue("$as_of", SqliteRows.Ticks(asOf));
                var keys = command.Parameters.Add("$address_keys", SqliteType.Text);
                for (var offset = 0; offset < found.Length; offset += PerStatement)
                {
                    var count = Math.Min(PerStatement, found.Length - offset);
                    keys.Value = System.Text.Json.JsonSerializer.Serialize(
                        addressKeys.Skip(offset).Take(count).ToArray(), EntryFieldsJsonContext.Default.StringArray);
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            found[offset + reader.GetInt32(19)] = ReadInvitation(reader, asOf);
                        }
                    }
                }
            }

            return (IReadOnlyList<InvitationRecord?>)found;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One range of <c>ux_invitations_entry</c>.</remarks>
    public Task<InvitationCounts> CountInvitationsAsync(string tenantId, Guid importId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ReadAsync((tenantId, importId, asOf), static async (connection, transaction, state, ct) =>
        {
            var counts = InvitationCounts.Empty;
            var command = Command(connection, transaction, SqliteSql.CountInvitationsOfImport);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$tenant_id", state.tenantId);
                command.Parameters.AddWithValue("$import_id", SqliteRows.Key(state.importId));
                command.Parameters.AddWithValue("$as_of", SqliteRows.Ticks(state.asOf));
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        counts = counts.Add((InvitationState)reader.GetInt32(0), reader.GetInt64(1));
                    }
                }
            }

            return counts;
        }, cancellationToken);
    }

    /// <summary>Gives each entry of a page the invitation it sent: one range of <c>ux_invitations_entry</c>, over the page's sequence numbers.</summary>
    private static async Task AddInvitationsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string tenantId, Guid importId, long afterSequence, List<InviteEntryResult> items, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var invitations = new Dictionary<long, EntryInvitation>();
        var command = Command(connection, transaction, SqliteSql.SelectInvitationsOfEntries);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$tenant_id", tenantId);
            command.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$last", items[^1].Sequence);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var state = reader.GetInt32(2);
                    var expiresAt = reader.GetInt64(3);
                    invitations[reader.GetInt64(0)] = new EntryInvitation
                    {
                        InvitationId = Guid.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                        State = (InvitationState)(state == Pending && expiresAt <= asOf.UtcTicks ? Expired : state),
                        ExpiresAt = Utc(expiresAt),
                        AcceptedAt = reader.IsDBNull(4) ? null : Utc(reader.GetInt64(4)),
                        RevokedAt = reader.IsDBNull(5) ? null : Utc(reader.GetInt64(5)),
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
    public Task<InvitePage<InvitationRecord>> ListInvitationsAsync(string tenantId, InvitationQuery query, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        InvitationArguments.CheckQuery(query);

        return ReadAsync((tenantId, query, asOf), static async (connection, transaction, state, ct) =>
        {
            var (tenantId, query, asOf) = state;
            var command = Command(connection, transaction, SqliteSql.ListInvitations);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$tenant_id", tenantId);
                command.Parameters.AddWithValue("$after", query.AfterInvitationId is { } after ? SqliteRows.Key(after) : string.Empty);
                command.Parameters.AddWithValue("$import_id", query.ImportId is { } import ? SqliteRows.Key(import) : DBNull.Value);
                command.Parameters.AddWithValue("$state", query.State is { } s ? (int)s : DBNull.Value);
                command.Parameters.AddWithValue("$as_of", SqliteRows.Ticks(asOf));
                command.Parameters.AddWithValue("$limit", query.Limit + 1);
                var items = new List<InvitationRecord>();
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        items.Add(ReadInvitation(reader, asOf));
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

    /// <inheritdoc />
    public async Task<bool> RevokeInvitationAsync(string tenantId, Guid invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return await ChangeInvitationsAsync(SqliteSql.RevokeInvitation, c =>
        {
            c.Parameters.AddWithValue("$invitation_id", SqliteRows.Key(invitationId));
            c.Parameters.AddWithValue("$tenant_id", tenantId);
            c.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
        }, cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public Task<int> RevokeInvitationsOfImportAsync(string tenantId, Guid importId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ChangeInvitationsAsync(SqliteSql.RevokeInvitationsOfImport, c =>
        {
            c.Parameters.AddWithValue("$import_id", SqliteRows.Key(importId));
            c.Parameters.AddWithValue("$tenant_id", tenantId);
            c.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireInvitationsAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ChangeInvitationsAsync(SqliteSql.ExpireInvitations, c =>
        {
            c.Parameters.AddWithValue("$tenant_id", tenantId);
            c.Parameters.AddWithValue("$now", SqliteRows.Ticks(now));
        }, cancellationToken);
    }

    private async Task<int> ChangeInvitationsAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var changed = 0;
        await WriteAsync((sql, bind), async (connection, transaction, state, ct) =>
        {
            var command = Command(connection, transaction, state.sql);
            await using (command.ConfigureAwait(false))
            {
                state.bind(command);
                changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Deletes invitations inside a retention write.</summary>
    private static async Task<int> DeleteInvitationsAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<InvitationRecord?> ReadOneInvitationAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, DateTimeOffset asOf, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, sql);
        await using (command.ConfigureAwait(false))
        {
            bind(command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadInvitation(reader, asOf) : null;
            }
        }
    }

    private static InvitationRecord ReadInvitation(SqliteDataReader reader, DateTimeOffset asOf)
    {
        var state = reader.GetInt32(10);
        var expiresAt = reader.GetInt64(12);
        if (state == Pending && expiresAt <= asOf.UtcTicks)
        {
            state = Expired;
        }

        return new InvitationRecord
        {
            InvitationId = Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
            TenantId = reader.GetString(1),
            ImportId = Guid.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
            Sequence = reader.GetInt64(3),
            Line = reader.GetInt64(4),
            Address = reader.GetString(5),
            AddressKey = reader.GetString(6),
            DisplayName = reader.IsDBNull(7) ? null : reader.GetString(7),
            Fields = reader.IsDBNull(8) ? null : EntryFieldsJson.Read(reader.GetString(8)),
            InitiatedBy = reader.GetString(9),
            State = (InvitationState)state,
            CreatedAt = Utc(reader.GetInt64(11)),
            ExpiresAt = Utc(expiresAt),
            AcceptedAt = reader.IsDBNull(13) ? null : Utc(reader.GetInt64(13)),
            RevokedAt = reader.IsDBNull(14) ? null : Utc(reader.GetInt64(14)),
            SendCount = reader.GetInt32(15),
            LastSentAt = Utc(reader.GetInt64(16)),
            LastMessageKey = reader.IsDBNull(17) ? null : reader.GetString(17),
            TokenKeyId = reader.GetString(18),
        };
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
