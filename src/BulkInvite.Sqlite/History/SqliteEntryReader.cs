using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// Reads a page of entries (the columns of <see cref="SqliteSql.ListEntries"/>) through SQLite's own statement API on
/// the store's connection and transaction, as <see cref="SqliteEntryInserter"/> writes them: one call a column, a text
/// column's null read from its value, and two things told by one column SQLite computes for the row: a null in an
/// integer column declared <c>NOT NULL</c> (a damaged file), not found by asking each integer column's type, and
/// whether the row has any of the columns most entries leave null, which are read only when it has.
/// Microsoft.Data.Sqlite's reader asks each column's type before its value and the row's column count with each call,
/// which doubled the calls of a report of a million entries.
/// </summary>
internal static class SqliteEntryReader
{
    /// <summary>Runs one page's statement and reads up to <paramref name="limit"/> rows, and whether there was one more.</summary>
    /// <param name="connection">The store's open connection, in the read's transaction.</param>
    /// <param name="sql">A statement selecting the entry columns, with its parameters.</param>
    /// <param name="parameters">The statement's parameters by name: text, or 64-bit integers.</param>
    /// <param name="limit">The page's size.</param>
    /// <param name="afterSequence">The sequence number before the page's first; each row's must be larger than the one before.</param>
    /// <param name="damaged">The error for a row that only a damaged file holds, given what is wrong with it: a sequence
    /// number not larger than the one before, or a null where the schema allows none.</param>
    /// <param name="cancellationToken">Checked before the statement runs and before each row.</param>
    /// <returns>The rows read, in the statement's order, and whether a row followed the last one.</returns>
    public static (List<InviteEntryResult> Items, bool HasMore) ReadPage(
        SqliteConnection connection,
        string sql,
        IEnumerable<KeyValuePair<string, object>> parameters,
        int limit,
        long afterSequence,
        Func<string, Exception> damaged,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using (var statement = SqliteStatement.Prepare(connection, sql, out var db))
        {
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name);
                SqliteStatement.Check(value switch
                {
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    long number => raw.sqlite3_bind_int64(statement, index, number),
                    _ => throw new ArgumentException($"Parameter {name} is neither text nor a 64-bit integer.", nameof(parameters)),
                }, db);
            }

            var items = new List<InviteEntryResult>(Math.Min(limit, 1024));
            var previous = afterSequence;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    return (items, false);
                }

                if (rc != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                if (items.Count == limit)
                {
                    return (items, true);
                }

                // Keys out of order: a page of the tree holds rows that belong elsewhere. Checked before the rest of
                // the row is read, which such a page may hold anything in.
                var sequence = raw.sqlite3_column_int64(statement, 0);
                if (sequence <= previous)
                {
                    throw damaged($"entry {sequence} was read after entry {previous}");
                }

                previous = sequence;
                var flags = raw.sqlite3_column_int64(statement, 12);
                if ((flags & 1) != 0)
                {
                    throw damaged($"entry {sequence} reads a null where the schema allows none");
                }

                // Most entries (pending, invited) have none of the six columns from reason to fields: not asked for.
                var rare = (flags & 2) != 0;
                items.Add(new InviteEntryResult
                {
                    Sequence = sequence,
                    Line = raw.sqlite3_column_int64(statement, 1),
                    Address = Text(statement, 2) ?? throw damaged($"entry {sequence} has no address"),
                    Outcome = (InviteOutcome)raw.sqlite3_column_int64(statement, 3),
                    Reason = rare ? Text(statement, 4) : null,
                    Detail = rare ? Text(statement, 5) : null,
                    DuplicateOfLine = rare ? Int64OrNull(statement, 6) : null,
                    StatusCode = rare ? checked((int?)Int64OrNull(statement, 7)) : null,
                    DisplayName = rare ? Text(statement, 8) : null,
                    Fields = rare ? EntryFieldsJson.Read(Text(statement, 9)) : null,
                    UpdatedAt = SqliteRows.Time(raw.sqlite3_column_int64(statement, 10), raw.sqlite3_column_int64(statement, 11)),
                });
            }
        }
    }

    private static string? Text(sqlite3_stmt statement, int column) => raw.sqlite3_column_text(statement, column).utf8_to_string();

    private static long? Int64OrNull(sqlite3_stmt statement, int column)
        => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(statement, column);
}
