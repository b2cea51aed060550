using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <summary>Binds models to statement parameters and reads them back from rows.</summary>
internal static class PostgreSqlRows
{
    /// <summary>
    /// The <c>address_key</c> column of entries: the address in invariant upper case, computed here rather than by the
    /// database, so that equal keys are the addresses <see cref="StringComparison.OrdinalIgnoreCase"/> finds equal, whatever
    /// the database's collation and locale.
    /// </summary>
    public static string AddressKey(string address) => address.ToUpperInvariant();

    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    public static short OffsetMinutes(DateTimeOffset value) => (short)value.Offset.TotalMinutes;

    public static DateTimeOffset Time(long utcTicks, short offsetMinutes)
        => new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    public static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>Adds a parameter of an explicit type, so that a null value is typed too.</summary>
    public static void AddValue(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value)
        => parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    /// <summary>Adds and sets the parameters of <see cref="PostgreSqlSql.InsertImport"/> and <see cref="PostgreSqlSql.UpdateImport"/>.</summary>
    public static void BindImport(NpgsqlParameterCollection p, BulkInviteReport import)
    {
        var counts = import.Counts ?? OutcomeCounts.Empty;
        p.AddValue("import_id", NpgsqlDbType.Uuid, import.ImportId);
        p.AddValue("tenant_id", NpgsqlDbType.Text, import.TenantId);
        p.AddValue("file_name", NpgsqlDbType.Text, import.FileName);
        p.AddValue("initiated_by", NpgsqlDbType.Text, import.InitiatedBy);
        p.AddValue("is_preview", NpgsqlDbType.Boolean, import.IsPreview);
        p.AddValue("status", NpgsqlDbType.Smallint, (short)import.Status);
        p.AddValue("created_at", NpgsqlDbType.Bigint, Ticks(import.CreatedAt));
        p.AddValue("created_offset", NpgsqlDbType.Smallint, OffsetMinutes(import.CreatedAt));
        p.AddValue("completed_at", NpgsqlDbType.Bigint, import.CompletedAt is { } completed ? Ticks(completed) : null);
        p.AddValue("completed_offset", NpgsqlDbType.Smallint, import.CompletedAt is { } at ? OffsetMinutes(at) : null);
        p.AddValue("parser_name", NpgsqlDbType.Text, import.ParserName);
        p.AddValue("error", NpgsqlDbType.Text, import.Error);
        p.AddValue("pending_count", NpgsqlDbType.Bigint, counts.Pending);
        p.AddValue("invited_count", NpgsqlDbType.Bigint, counts.Invited);
        p.AddValue("invalid_count", NpgsqlDbType.Bigint, counts.Invalid);
        p.AddValue("duplicate_count", NpgsqlDbType.Bigint, counts.Duplicate);
        p.AddValue("existing_user_count", NpgsqlDbType.Bigint, counts.ExistingUser);
        p.AddValue("already_invited_count", NpgsqlDbType.Bigint, counts.AlreadyInvited);
        p.AddValue("failed_count", NpgsqlDbType.Bigint, counts.Failed);
        p.AddValue("skipped_count", NpgsqlDbType.Bigint, counts.Skipped);
        p.AddValue("sending_count", NpgsqlDbType.Bigint, counts.Sending);
        p.AddValue("unknown_count", NpgsqlDbType.Bigint, counts.Unknown);
        p.AddValue("sender_name", NpgsqlDbType.Text, import.SenderName);
        p.AddValue("resend", NpgsqlDbType.Boolean, import.ResendPendingInvitations);
        p.AddValue("content_hash", NpgsqlDbType.Text, import.ContentHash);
        p.AddValue("updated_at", NpgsqlDbType.Bigint, import.UpdatedAt is { } updated ? Ticks(updated) : null);
        p.AddValue("updated_offset", NpgsqlDbType.Smallint, import.UpdatedAt is { } u ? OffsetMinutes(u) : null);
        p.AddValue("run_by", NpgsqlDbType.Text, import.RunBy);
    }

    /// <summary>Reads a row of <see cref="PostgreSqlSql.ImportColumns"/>.</summary>
    public static BulkInviteReport ReadImport(NpgsqlDataReader reader) => new()
    {
        ImportId = reader.GetGuid(0),
        TenantId = reader.GetString(1),
        FileName = reader.GetString(2),
        InitiatedBy = reader.GetString(3),
        IsPreview = reader.GetBoolean(4),
        Status = (ImportStatus)reader.GetInt16(5),
        CreatedAt = Time(reader.GetInt64(6), reader.GetInt16(7)),
        CompletedAt = reader.IsDBNull(8) ? null : Time(reader.GetInt64(8), reader.GetInt16(9)),
        ParserName = reader.IsDBNull(10) ? null : reader.GetString(10),
        Error = reader.IsDBNull(11) ? null : reader.GetString(11),
        Counts = new OutcomeCounts
        {
            Pending = reader.GetInt64(12),
            Invited = reader.GetInt64(13),
            Invalid = reader.GetInt64(14),
            Duplicate = reader.GetInt64(15),
            ExistingUser = reader.GetInt64(16),
            AlreadyInvited = reader.GetInt64(17),
            Failed = reader.GetInt64(18),
            Skipped = reader.GetInt64(19),
            Sending = reader.GetInt64(25),
            Unknown = reader.GetInt64(26),
        },
        SenderName = reader.IsDBNull(20) ? null : reader.GetString(20),
        ResendPendingInvitations = reader.GetBoolean(21),
        ContentHash = reader.IsDBNull(22) ? null : reader.GetString(22),
        UpdatedAt = reader.IsDBNull(23) ? null : Time(reader.GetInt64(23), reader.GetInt16(24)),
        RunBy = reader.IsDBNull(27) ? null : reader.GetString(27),
    };

    /// <summary>Adds and sets the parameters of <see cref="PostgreSqlSql.UpdateEntry"/> for one change.</summary>
    public static void BindUpdate(NpgsqlParameterCollection p, string tenantId, Guid importId, in InviteEntryUpdate update)
    {
        p.AddValue("tenant_id", NpgsqlDbType.Text, tenantId);
        p.AddValue("import_id", NpgsqlDbType.Uuid, importId);
        p.AddValue("sequence", NpgsqlDbType.Bigint, update.Sequence);
        p.AddValue("outcome", NpgsqlDbType.Smallint, (short)update.Outcome);
        p.AddValue("reason", NpgsqlDbType.Text, update.Reason);
        p.AddValue("detail", NpgsqlDbType.Text, update.Detail);
        p.AddValue("status_code", NpgsqlDbType.Integer, update.StatusCode);
        p.AddValue("updated_at", NpgsqlDbType.Bigint, Ticks(update.UpdatedAt));
        p.AddValue("updated_offset", NpgsqlDbType.Smallint, OffsetMinutes(update.UpdatedAt));
    }

    /// <summary>Reads a row of the entry columns of <see cref="PostgreSqlSql.ListEntries"/>.</summary>
    public static InviteEntryResult ReadEntry(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Line = reader.GetInt64(1),
        Address = reader.GetString(2),
        Outcome = (InviteOutcome)reader.GetInt16(3),
        Reason = reader.IsDBNull(4) ? null : reader.GetString(4),
        Detail = reader.IsDBNull(5) ? null : reader.GetString(5),
        DuplicateOfLine = reader.IsDBNull(6) ? null : reader.GetInt64(6),
        StatusCode = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        DisplayName = reader.IsDBNull(8) ? null : reader.GetString(8),
        Fields = EntryFieldsJson.Read(reader.IsDBNull(9) ? null : reader.GetString(9)),
        UpdatedAt = Time(reader.GetInt64(10), reader.GetInt16(11)),
    };

    /// <summary>Reads a row of <see cref="PostgreSqlSql.InvitationColumns"/>; a pending invitation past its expiry at <paramref name="asOf"/> reads as expired.</summary>
    public static InvitationRecord ReadInvitation(NpgsqlDataReader reader, DateTimeOffset asOf)
    {
        var expiresAt = reader.GetInt64(12);
        var state = StateAt(reader.GetInt16(10), expiresAt, asOf);

        return new InvitationRecord
        {
            InvitationId = reader.GetGuid(0),
            TenantId = reader.GetString(1),
            ImportId = reader.GetGuid(2),
            Sequence = reader.GetInt64(3),
            Line = reader.GetInt64(4),
            Address = reader.GetString(5),
            AddressKey = reader.GetString(6),
            DisplayName = reader.IsDBNull(7) ? null : reader.GetString(7),
            Fields = reader.IsDBNull(8) ? null : EntryFieldsJson.Read(reader.GetString(8)),
            InitiatedBy = reader.GetString(9),
            State = state,
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

    /// <summary>Adds and sets the parameters of the <see cref="PostgreSqlSql.WorkItemColumns"/> of <see cref="PostgreSqlSql.InsertWork"/>.</summary>
    public static void BindWorkItem(NpgsqlParameterCollection p, ImportWorkItem item)
    {
        p.AddValue("import_id", NpgsqlDbType.Uuid, item.ImportId);
        p.AddValue("tenant_id", NpgsqlDbType.Text, item.TenantId);
        p.AddValue("initiated_by", NpgsqlDbType.Text, item.InitiatedBy);
        p.AddValue("file_name", NpgsqlDbType.Text, item.FileName);
        p.AddValue("mode", NpgsqlDbType.Smallint, (short)item.Mode);
        p.AddValue("parser_name", NpgsqlDbType.Text, item.ParserName);
        p.AddValue("sender_name", NpgsqlDbType.Text, item.SenderName);
        p.AddValue("allow_repeat_upload", NpgsqlDbType.Boolean, item.AllowRepeatUpload);
        p.AddValue("resend", NpgsqlDbType.Boolean, item.ResendPendingInvitations);
        p.AddValue("queued_at", NpgsqlDbType.Bigint, Ticks(item.QueuedAt));
        p.AddValue("queued_offset", NpgsqlDbType.Smallint, OffsetMinutes(item.QueuedAt));
    }

    /// <summary>Reads the first columns of a row, <see cref="PostgreSqlSql.WorkItemColumns"/>.</summary>
    public static ImportWorkItem ReadWorkItem(NpgsqlDataReader reader) => new()
    {
        ImportId = reader.GetGuid(0),
        TenantId = reader.GetString(1),
        InitiatedBy = reader.GetString(2),
        FileName = reader.GetString(3),
        Mode = (ImportMode)reader.GetInt16(4),
        ParserName = reader.IsDBNull(5) ? null : reader.GetString(5),
        SenderName = reader.IsDBNull(6) ? null : reader.GetString(6),
        AllowRepeatUpload = reader.GetBoolean(7),
        ResendPendingInvitations = reader.GetBoolean(8),
        QueuedAt = Time(reader.GetInt64(9), reader.GetInt16(10)),
    };

    /// <summary>Reads a row of <see cref="PostgreSqlSql.SelectWorkState"/>.</summary>
    /// <remarks>A running import whose lease has expired at <paramref name="now"/> reads as having no owner.</remarks>
    public static QueuedImportState ReadWorkState(NpgsqlDataReader reader, string tenantId, Guid importId, DateTimeOffset now)
    {
        var status = (QueuedImportStatus)reader.GetInt16(2);
        DateTimeOffset? leaseExpiresAt = reader.IsDBNull(6) ? null : Time(reader.GetInt64(6), reader.GetInt16(7));
        var expired = status == QueuedImportStatus.Running && leaseExpiresAt <= now;
        var owner = expired || reader.IsDBNull(5) ? null : reader.GetString(5);
        if (!reader.IsDBNull(13))
        {
            // Sent in parts: the instances that hold the parts' live leases.
            owner = reader.GetString(13);
            leaseExpiresAt = new DateTimeOffset(reader.GetInt64(14), TimeSpan.Zero);
        }

        return new QueuedImportState
        {
            ImportId = importId,
            TenantId = tenantId,
            FileName = reader.GetString(0),
            IsPreview = (ImportMode)reader.GetInt16(1) == ImportMode.Preview,
            Status = status,
            QueuedAt = Time(reader.GetInt64(3), reader.GetInt16(4)),
            Owner = owner,
            LeaseExpiresAt = leaseExpiresAt,
            Attempts = reader.GetInt32(8),
            Progress = ImportProgressJson.Read(importId, reader.IsDBNull(9) ? null : reader.GetString(9)),
            Error = reader.IsDBNull(10) ? null : reader.GetString(10),
            ErrorCode = reader.IsDBNull(11) ? null : (ImportErrorCode)reader.GetInt32(11),
            Parts = reader.GetInt32(12),
        };
    }

    /// <summary>A state as read at a time: pending past its expiry reads as expired.</summary>
    public static InvitationState StateAt(short state, long expiresAt, DateTimeOffset asOf)
        => (InvitationState)state == InvitationState.Pending && expiresAt <= asOf.UtcTicks ? InvitationState.Expired : (InvitationState)state;
}
