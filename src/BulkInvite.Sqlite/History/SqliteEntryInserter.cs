using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// Inserts staged entries through SQLite's own statement API on the store's connection and transaction: the
/// statement is prepared once per batch, parameters are bound by position (their indexes looked up once), and each
/// row is one step and one reset. Staging writes millions of rows; Microsoft.Data.Sqlite's command path looks every
/// parameter up by name and creates a data reader for each row, which is most of the cost of a row.
/// </summary>
internal static class SqliteEntryInserter
{
    public static void Insert(SqliteConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries)
    {
        using (var statement = SqliteStatement.Prepare(connection, SqliteSql.InsertEntry, out var db))
        {
            int Index(string name) => raw.sqlite3_bind_parameter_index(statement, name);
            int pImport = Index("$import_id"), pSequence = Index("$sequence"), pLine = Index("$line"), pAddress = Index("$address"),
                pAddressKey = Index("$address_key"), pOutcome = Index("$outcome"), pReason = Index("$reason"), pDetail = Index("$detail"),
                pDuplicateOf = Index("$duplicate_of_line"), pStatusCode = Index("$status_code"), pDisplayName = Index("$display_name"),
                pFields = Index("$fields"), pUpdatedAt = Index("$updated_at"), pUpdatedOffset = Index("$updated_offset");

            var importKey = SqliteRows.Key(importId);
            foreach (var entry in entries)
            {
                ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                SqliteStatement.Check(raw.sqlite3_bind_text(statement, pImport, importKey), db);
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pSequence, entry.Sequence), db);
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pLine, entry.Line), db);
                SqliteStatement.Check(raw.sqlite3_bind_text(statement, pAddress, entry.Address), db);
                SqliteStatement.Check(raw.sqlite3_bind_text(statement, pAddressKey, SqliteRows.AddressKey(entry.Address)), db);
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pOutcome, (long)entry.Outcome), db);
                BindText(statement, pReason, entry.Reason, db);
                BindText(statement, pDetail, entry.Detail, db);
                BindInt(statement, pDuplicateOf, entry.DuplicateOfLine, db);
                BindInt(statement, pStatusCode, entry.StatusCode, db);
                BindText(statement, pDisplayName, entry.DisplayName, db);
                BindText(statement, pFields, EntryFieldsJson.Write(entry.Fields), db);
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pUpdatedAt, SqliteRows.Ticks(entry.UpdatedAt)), db);
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pUpdatedOffset, SqliteRows.OffsetMinutes(entry.UpdatedAt)), db);

                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    var extended = raw.sqlite3_extended_errcode(db);
                    raw.sqlite3_reset(statement);
                    if (extended is raw.SQLITE_CONSTRAINT_PRIMARYKEY or raw.SQLITE_CONSTRAINT_UNIQUE)
                    {
                        throw new InvalidOperationException($"Entry {entry.Sequence} of import {importId} exists already.");
                    }

                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                raw.sqlite3_reset(statement);
            }
        }
    }

    private static void BindText(sqlite3_stmt statement, int index, string? value, sqlite3 db)
        => SqliteStatement.Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value), db);

    private static void BindInt(sqlite3_stmt statement, int index, long? value, sqlite3 db)
        => SqliteStatement.Check(value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index), db);
}
