using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkInvite.Sqlite;

/// <summary>
/// SQLite's own statement API on the store's connection (and its transaction), for the rows a store writes and reads by
/// the million (<see cref="SqliteEntryInserter"/>, <see cref="SqliteEntryReader"/>); errors are thrown as
/// Microsoft.Data.Sqlite throws them, so the store handles them alike.
/// </summary>
internal static class SqliteStatement
{
    /// <summary>Prepares <paramref name="sql"/> on the connection's database.</summary>
    public static sqlite3_stmt Prepare(SqliteConnection connection, string sql, out sqlite3 db)
    {
        db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        return statement;
    }

    /// <summary>Throws the <see cref="SqliteException"/> of a result code other than <c>SQLITE_OK</c>.</summary>
    public static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
