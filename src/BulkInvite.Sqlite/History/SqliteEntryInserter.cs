using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// Inserts staged entries through SQLite's own statement API on the store's connection and transaction: the
/// statement is prepared once per batch, parameters are bound by position (their indexes looked up once), and each
/// row is one step and one reset. Staging writes millions of rows; Microsoft.Data.Sqlite's command path looks every
/// parameter up by name and creates a data reader for each row, which is most of the cost of a row.
/// </summary>
/// <remarks>
/// A reset keeps the statement's bindings, so a value that is the same as the row before's (the import, nulls, the
/// staging time) is not bound again: a typical entry binds its sequence, line, address, key and outcome. Text is bound
/// as UTF-8 from one buffer of the batch; an ASCII address's key is upper-cased in those bytes (for ASCII,
/// <see cref="string.ToUpperInvariant()"/> changes a–z only), any other's by <see cref="SqliteRows.AddressKey"/>.
/// </remarks>
internal static class SqliteEntryInserter
{
    public static void Insert(SqliteConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(db, SqliteSql.InsertEntry, out var statement), db);
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        using (statement)
        {
            try
            {
                int Index(string name) => raw.sqlite3_bind_parameter_index(statement, name);
                int pImport = Index("$import_id"), pSequence = Index("$sequence"), pLine = Index("$line"), pAddress = Index("$address"),
                    pAddressKey = Index("$address_key"), pOutcome = Index("$outcome"), pReason = Index("$reason"), pDetail = Index("$detail"),
                    pDuplicateOf = Index("$duplicate_of_line"), pStatusCode = Index("$status_code"), pDisplayName = Index("$display_name"),
                    pFields = Index("$fields"), pUpdatedAt = Index("$updated_at"), pUpdatedOffset = Index("$updated_offset");

                Check(raw.sqlite3_bind_text(statement, pImport, SqliteRows.Key(importId)), db);
                var reason = new TextColumn(pReason);
                var detail = new TextColumn(pDetail);
                var displayName = new TextColumn(pDisplayName);
                var fields = new TextColumn(pFields);
                var duplicateOf = new IntegerColumn(pDuplicateOf);
                var statusCode = new IntegerColumn(pStatusCode);
                var updatedAt = new IntegerColumn(pUpdatedAt);
                var updatedOffset = new IntegerColumn(pUpdatedOffset);
                var outcome = new IntegerColumn(pOutcome);
                foreach (var entry in entries)
                {
                    ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                    Check(raw.sqlite3_bind_int64(statement, pSequence, entry.Sequence), db);
                    Check(raw.sqlite3_bind_int64(statement, pLine, entry.Line), db);
                    BindAddress(statement, pAddress, pAddressKey, entry.Address, ref buffer, db);
                    outcome.Bind(statement, (long)entry.Outcome, db);
                    reason.Bind(statement, entry.Reason, db);
                    detail.Bind(statement, entry.Detail, db);
                    duplicateOf.Bind(statement, entry.DuplicateOfLine, db);
                    statusCode.Bind(statement, entry.StatusCode, db);
                    displayName.Bind(statement, entry.DisplayName, db);
                    fields.Bind(statement, EntryFieldsJson.Write(entry.Fields), db);
                    updatedAt.Bind(statement, SqliteRows.Ticks(entry.UpdatedAt), db);
                    updatedOffset.Bind(statement, SqliteRows.OffsetMinutes(entry.UpdatedAt), db);

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
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Binds the address and its key (<see cref="SqliteRows.AddressKey"/>) as UTF-8.</summary>
    private static void BindAddress(sqlite3_stmt statement, int pAddress, int pAddressKey, string address, ref byte[] buffer, sqlite3 db)
    {
        var length = Encoding.UTF8.GetMaxByteCount(address.Length);
        if (buffer.Length < 2 * length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(2 * length);
        }

        var written = Encoding.UTF8.GetBytes(address, buffer);
        var utf8 = buffer.AsSpan(0, written);
        Check(raw.sqlite3_bind_text(statement, pAddress, utf8), db);
        if (written == address.Length)
        {
            // One byte a character: ASCII.
            var key = buffer.AsSpan(written, written);
            System.Text.Ascii.ToUpper(utf8, key, out _);
            Check(raw.sqlite3_bind_text(statement, pAddressKey, key), db);
        }
        else
        {
            Check(raw.sqlite3_bind_text(statement, pAddressKey, SqliteRows.AddressKey(address)), db);
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>A text parameter that is bound again only when its value differs from the row before's.</summary>
    private struct TextColumn(int index)
    {
        private bool _bound;
        private string? _value;

        public void Bind(sqlite3_stmt statement, string? value, sqlite3 db)
        {
            if (_bound && string.Equals(_value, value, StringComparison.Ordinal))
            {
                return;
            }

            Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value), db);
            _value = value;
            _bound = true;
        }
    }

    /// <summary>An integer parameter that is bound again only when its value differs from the row before's.</summary>
    private struct IntegerColumn(int index)
    {
        private bool _bound;
        private long? _value;

        public void Bind(sqlite3_stmt statement, long? value, sqlite3 db)
        {
            if (_bound && _value == value)
            {
                return;
            }

            Check(value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index), db);
            _value = value;
            _bound = true;
        }
    }
}
