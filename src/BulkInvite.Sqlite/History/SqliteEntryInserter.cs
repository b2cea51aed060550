using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// Inserts staged entries through SQLite's own statement API on the store's connection and transaction: the
/// statement is prepared once per batch, parameters are bound by position (their indexes looked up once), and each
/// row is one step and one reset. Staging writes millions of rows; Microsoft.Data.Sqlite's command path looks every
/// parameter up by name and creates a data reader for each row, which is most of the cost of a row. What a row has in
/// common with the row before (the import's number, nulls, an empty address key) is not bound again, and text is encoded into
/// one buffer as UTF-8 and bound from it.
/// </summary>
internal static class SqliteEntryInserter
{
    public static void Insert(SqliteConnection connection, Guid importId, long importNumber, IReadOnlyList<InviteEntryResult> entries)
    {
        using (var statement = SqliteStatement.Prepare(connection, SqliteSql.InsertEntry, out var db))
        {
            int Index(string name) => raw.sqlite3_bind_parameter_index(statement, name);
            int pImport = Index("$import_no"), pSequence = Index("$sequence"), pLine = Index("$line"), pAddress = Index("$address"),
                pAddressKey = Index("$address_key"), pOutcome = Index("$outcome"), pReason = Index("$reason"), pDetail = Index("$detail"),
                pDuplicateOf = Index("$duplicate_of_line"), pStatusCode = Index("$status_code"), pDisplayName = Index("$display_name"),
                pFields = Index("$fields"), pUpdatedAt = Index("$updated_at"), pUpdatedOffset = Index("$updated_offset");

            // A reset keeps what is bound: the import's number is bound once, and a null (or an empty address key) only where
            // the row before had a value.
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pImport, importNumber), db);
            var text = ArrayPool<byte>.Shared.Rent(TextRoom);
            try
            {
                var bound = new Bound();
                foreach (var entry in entries)
                {
                    SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pSequence, entry.Sequence), db);
                    SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pLine, entry.Line), db);
                    BindUtf8(statement, pAddress, entry.Address, text, db);
                    bound.Key(statement, pAddressKey, entry.Address, db);
                    SqliteStatement.Check(raw.sqlite3_bind_int64(statement, pOutcome, (long)entry.Outcome), db);
                    bound.Text(statement, pReason, 0, entry.Reason, text, db);
                    bound.Text(statement, pDetail, 1, entry.Detail, text, db);
                    bound.Int(statement, pDuplicateOf, 2, entry.DuplicateOfLine, db);
                    bound.Int(statement, pStatusCode, 3, entry.StatusCode, db);
                    bound.Text(statement, pDisplayName, 4, entry.DisplayName, text, db);
                    bound.Text(statement, pFields, 5, EntryFieldsJson.Write(entry.Fields), text, db);
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
            finally
            {
                ArrayPool<byte>.Shared.Return(text);
            }
        }
    }

    // Room for a text as UTF-8 in the row's buffer; a longer text is bound from its string.
    private const int TextRoom = 1024;

    /// <summary>Binds text as UTF-8 encoded into <paramref name="buffer"/> (SQLite copies it), without a string of bytes per row.</summary>
    private static void BindUtf8(sqlite3_stmt statement, int index, string value, Span<byte> buffer, sqlite3 db)
        => SqliteStatement.Check(
            Utf8.FromUtf16(value, buffer, out _, out var written) == OperationStatus.Done
                ? raw.sqlite3_bind_text(statement, index, buffer[..written])
                : raw.sqlite3_bind_text(statement, index, value),
            db);

    /// <summary>
    /// Which nullable parameters are bound to null now (all are, after the statement is prepared), and whether the
    /// address key is bound empty.
    /// </summary>
    private struct Bound
    {
        private int _notNull;
        private bool _emptyKey;

        /// <summary>
        /// Binds an entry's address key: empty for an ASCII address, whose key the store reads as <c>upper(address)</c>
        /// (<see cref="SqliteSql.DeleteEntriesWithAddress"/>), <see cref="SqliteRows.AddressKey"/> for any other.
        /// </summary>
        public void Key(sqlite3_stmt statement, int index, string address, sqlite3 db)
        {
            if (!Ascii.IsValid(address))
            {
                SqliteStatement.Check(raw.sqlite3_bind_text(statement, index, SqliteRows.AddressKey(address)), db);
                _emptyKey = false;
            }
            else if (!_emptyKey)
            {
                SqliteStatement.Check(raw.sqlite3_bind_text(statement, index, string.Empty), db);
                _emptyKey = true;
            }
        }

        public void Text(sqlite3_stmt statement, int index, int bit, string? value, byte[] buffer, sqlite3 db)
        {
            if (value is not null)
            {
                BindUtf8(statement, index, value, buffer, db);
                _notNull |= 1 << bit;
            }
            else
            {
                Null(statement, index, bit, db);
            }
        }

        public void Int(sqlite3_stmt statement, int index, int bit, long? value, sqlite3 db)
        {
            if (value is { } v)
            {
                SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index, v), db);
                _notNull |= 1 << bit;
            }
            else
            {
                Null(statement, index, bit, db);
            }
        }

        private void Null(sqlite3_stmt statement, int index, int bit, sqlite3 db)
        {
            if ((_notNull & (1 << bit)) != 0)
            {
                SqliteStatement.Check(raw.sqlite3_bind_null(statement, index), db);
                _notNull &= ~(1 << bit);
            }
        }
    }
}
