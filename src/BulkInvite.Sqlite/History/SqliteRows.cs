using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite;

/// <summary>Binds models to statement parameters and reads them back from rows.</summary>
internal static class SqliteRows
{
    public static string Key(Guid importId) => importId.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>address_key</c> column: the address in invariant upper case. <see cref="StringComparison.OrdinalIgnoreCase"/>
    /// compares invariant upper-case forms, so equal keys are the addresses the in-memory store finds equal; a
    /// lower-case key would disagree for a few characters (the dotless i, the Kelvin sign). An entry of an ASCII
    /// address stores it empty, and is read as <c>upper(address)</c>, the same text (<see cref="SqliteSql.MigrateFrom6"/>).
    /// </summary>
    public static string AddressKey(string address) => address.ToUpperInvariant();

    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    public static long OffsetMinutes(DateTimeOffset value) => (long)value.Offset.TotalMinutes;

    public static DateTimeOffset Time(long utcTicks, long offsetMinutes)
        => new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    public static SqliteParameter Add(this SqliteCommand command, string name, SqliteType type)
        => command.Parameters.Add(name, type);

    public static void Set(this SqliteCommand command, string name, object? value)
        => command.Parameters[name].Value = value ?? DBNull.Value;

    /// <summary>Adds and sets the parameters of <see cref="SqliteSql.InsertImport"/> and <see cref="SqliteSql.UpdateImport"/>.</summary>
    public static void BindImport(SqliteCommand command, BulkInviteReport import)
    {
        var counts = import.Counts ?? OutcomeCounts.Empty;
        command.Parameters.AddWithValue("$import_id", Key(import.ImportId));
        command.Parameters.AddWithValue("$tenant_id", import.TenantId);
        command.Parameters.AddWithValue("$file_name", import.FileName);
        command.Parameters.AddWithValue("$initiated_by", import.InitiatedBy);
        command.Parameters.AddWithValue("$is_preview", import.IsPreview ? 1 : 0);
        command.Parameters.AddWithValue("$status", (long)import.Status);
        command.Parameters.AddWithValue("$created_at", Ticks(import.CreatedAt));
        command.Parameters.AddWithValue("$created_offset", OffsetMinutes(import.CreatedAt));
        command.Parameters.AddWithValue("$completed_at", import.CompletedAt is { } completed ? Ticks(completed) : DBNull.Value);
        command.Parameters.AddWithValue("$completed_offset", import.CompletedAt is { } at ? OffsetMinutes(at) : DBNull.Value);
        command.Parameters.AddWithValue("$parser_name", (object?)import.ParserName ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)import.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$pending_count", counts.Pending);
        command.Parameters.AddWithValue("$invited_count", counts.Invited);
        command.Parameters.AddWithValue("$invalid_count", counts.Invalid);
        command.Parameters.AddWithValue("$duplicate_count", counts.Duplicate);
        command.Parameters.AddWithValue("$existing_user_count", counts.ExistingUser);
        command.Parameters.AddWithValue("$already_invited_count", counts.AlreadyInvited);
        command.Parameters.AddWithValue("$failed_count", counts.Failed);
        command.Parameters.AddWithValue("$skipped_count", counts.Skipped);
        command.Parameters.AddWithValue("$sending_count", counts.Sending);
        command.Parameters.AddWithValue("$unknown_count", counts.Unknown);
        command.Parameters.AddWithValue("$sender_name", (object?)import.SenderName ?? DBNull.Value);
        command.Parameters.AddWithValue("$resend", import.ResendPendingInvitations ? 1 : 0);
        command.Parameters.AddWithValue("$content_hash", (object?)import.ContentHash ?? DBNull.Value);
        command.Parameters.AddWithValue("$updated_at", import.UpdatedAt is { } updated ? Ticks(updated) : DBNull.Value);
        command.Parameters.AddWithValue("$updated_offset", import.UpdatedAt is { } u ? OffsetMinutes(u) : DBNull.Value);
        command.Parameters.AddWithValue("$run_by", (object?)import.RunBy ?? DBNull.Value);
    }

    /// <summary>Reads a row of <see cref="SqliteSql.ImportColumns"/>.</summary>
    public static BulkInviteReport ReadImport(SqliteDataReader reader) => new()
    {
        ImportId = Guid.ParseExact(reader.GetString(0), "D"),
        TenantId = reader.GetString(1),
        FileName = reader.GetString(2),
        InitiatedBy = reader.GetString(3),
        IsPreview = reader.GetInt64(4) != 0,
        Status = (ImportStatus)reader.GetInt64(5),
        CreatedAt = Time(reader.GetInt64(6), reader.GetInt64(7)),
        CompletedAt = reader.IsDBNull(8) ? null : Time(reader.GetInt64(8), reader.GetInt64(9)),
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
        ResendPendingInvitations = reader.GetInt64(21) != 0,
        ContentHash = reader.IsDBNull(22) ? null : reader.GetString(22),
        UpdatedAt = reader.IsDBNull(23) ? null : Time(reader.GetInt64(23), reader.GetInt64(24)),
        RunBy = reader.IsDBNull(27) ? null : reader.GetString(27),
    };

    /// <summary>Prepares <see cref="SqliteSql.UpdateEntry"/> for one import; <see cref="BindUpdate"/> sets each row.</summary>
    public static void AddUpdateParameters(SqliteCommand command, long importNumber)
    {
        command.Parameters.AddWithValue("$import_no", importNumber);
        command.Add("$sequence", SqliteType.Integer);
        command.Add("$outcome", SqliteType.Integer);
        command.Add("$reason", SqliteType.Text);
        command.Add("$detail", SqliteType.Text);
        command.Add("$status_code", SqliteType.Integer);
        command.Add("$updated_at", SqliteType.Integer);
        command.Add("$updated_offset", SqliteType.Integer);
    }

    public static void BindUpdate(SqliteCommand command, in InviteEntryUpdate update)
    {
        command.Set("$sequence", update.Sequence);
        command.Set("$outcome", (long)update.Outcome);
        command.Set("$reason", update.Reason);
        command.Set("$detail", update.Detail);
        command.Set("$status_code", update.StatusCode);
        command.Set("$updated_at", Ticks(update.UpdatedAt));
        command.Set("$updated_offset", OffsetMinutes(update.UpdatedAt));
    }
}
