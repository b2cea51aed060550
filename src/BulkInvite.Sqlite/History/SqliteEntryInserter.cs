using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// Inserts staged entries through SQLite's own statement API on the store's connection and transaction, as few calls a
/// row as it takes: <see cref="RowsPerStatement"/> rows a statement (its start, its cursors and its reset paid once for
/// them), parameters bound by position, and what a row has in common with the row the statement held before (the
/// import, nulls, an empty address key) not bound again; text is bound as UTF-8 from one buffer rather than from a new
/// array a value. Staging writes millions of rows; Microsoft.Data.Sqlite's command path looks every parameter up by
/// name and creates a data reader for each row, which was most of the cost of a row.
/// </summary>
internal static class SqliteEntryInserter
{
    /// <summary>Rows inserted by one statement; the last rows of a batch that do not fill one go one at a time.</summary>
    internal const int RowsPerStatement = 16;

    // Room for a text as UTF-8 in the buffer; a longer text is bound from its string.
    private const int TextRoom = 1024;

    /// <exception cref="InvalidOperationException">An entry with one of the sequence numbers exists (the first such is named).</exception>
    public static void Insert(SqliteConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries)
    {
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }

        var text = ArrayPool<byte>.Shared.Rent(TextRoom);
        try
        {
            var whole = entries.Count - (entries.Count % RowsPerStatement);
            Insert(connection, importId, entries, 0, whole, RowsPerStatement, text);
            Insert(connection, importId, entries, whole, entries.Count - whole, 1, text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
    }

    /// <summary>Inserts <paramref name="count"/> entries from <paramref name="start"/>, <paramref name="rows"/> a statement (<paramref name="count"/> is a multiple of it).</summary>
    private static void Insert(SqliteConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries, int start, int count, int rows, byte[] text)
    {
        if (count == 0)
        {
            return;
        }

        using (var statement = SqliteStatement.Prepare(connection, SqliteSql.InsertEntries(rows), out var db))
        {
            // A reset keeps what is bound: the import's key is bound once.
            SqliteStatement.Check(raw.sqlite3_bind_text(statement, 1, SqliteRows.Key(importId)), db);
            var bound = new Bound[rows];
            for (var first = start; first < start + count; first += rows)
            {
                for (var row = 0; row < rows; row++)
                {
                    bound[row].Bind(statement, 2 + (row * SqliteSql.EntryValueColumns), entries[first + row], text, db);
                }

                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    var extended = raw.sqlite3_extended_errcode(db);
                    raw.sqlite3_reset(statement);
                    if (extended is raw.SQLITE_CONSTRAINT_PRIMARYKEY or raw.SQLITE_CONSTRAINT_UNIQUE)
                    {
                        // The statement inserted none of its rows: one at a time, they tell which entry exists.
                        if (rows > 1)
                        {
                            Insert(connection, importId, entries, first, rows, 1, text);
                        }

                        throw new InvalidOperationException($"Entry {entries[first].Sequence} of import {importId} exists already.");
                    }

                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                raw.sqlite3_reset(statement);
            }
        }
    }

    /// <summary>Binds text as UTF-8 encoded into <paramref name="buffer"/> (SQLite copies it), without a string of bytes per value.</summary>
    private static void BindUtf8(sqlite3_stmt statement, int index, string value, Span<byte> buffer, sqlite3 db)
        => SqliteStatement.Check(
            Utf8.FromUtf16(value, buffer, out _, out var written) == OperationStatus.Done
                ? raw.sqlite3_bind_text(statement, index, buffer[..written])
                : raw.sqlite3_bind_text(statement, index, value),
            db);

    /// <summary>
    /// One row's parameters of a statement: which of its nullable ones are bound to null now (all are, after the
    /// statement is prepared), and whether its address key is bound empty.
    /// </summary>
    private struct Bound
    {
        private int _notNull;
        private bool _emptyKey;

        /// <summary>Binds an entry's values from parameter <paramref name="index"/> on, in the order of <see cref="SqliteSql.InsertEntries"/>.</summary>
        public void Bind(sqlite3_stmt statement, int index, InviteEntryResult entry, byte[] text, sqlite3 db)
        {
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index, entry.Sequence), db);
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index + 1, entry.Line), db);
            BindUtf8(statement, index + 2, entry.Address, text, db);
            Key(statement, index + 3, entry.Address, db);
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index + 4, (long)entry.Outcome), db);
            Text(statement, index + 5, 0, entry.Reason, text, db);
            Text(statement, index + 6, 1, entry.Detail, text, db);
            Int(statement, index + 7, 2, entry.DuplicateOfLine, db);
            Int(statement, index + 8, 3, entry.StatusCode, db);
            Text(statement, index + 9, 4, entry.DisplayName, text, db);
            Text(statement, index + 10, 5, EntryFieldsJson.Write(entry.Fields), text, db);
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index + 11, SqliteRows.Ticks(entry.UpdatedAt)), db);
            SqliteStatement.Check(raw.sqlite3_bind_int64(statement, index + 12, SqliteRows.OffsetMinutes(entry.UpdatedAt)), db);
        }

        /// <summary>
        /// Binds an entry's address key: empty for an ASCII address, whose key the store reads as <c>upper(address)</c>
        /// (<see cref="SqliteSql.DeleteEntriesWithAddress"/>), <see cref="SqliteRows.AddressKey"/> for any other.
        /// </summary>
        private void Key(sqlite3_stmt statement, int index, string address, sqlite3 db)
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

        private void Text(sqlite3_stmt statement, int index, int bit, string? value, byte[] buffer, sqlite3 db)
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

        private void Int(sqlite3_stmt statement, int index, int bit, long? value, sqlite3 db)
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
