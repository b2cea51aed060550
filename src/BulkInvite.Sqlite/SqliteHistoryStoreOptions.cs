namespace BulkInvite.Sqlite;

/// <summary>Where the SQLite history store keeps its database, and how long it waits for a busy database.</summary>
public sealed class SqliteHistoryStoreOptions
{
    /// <summary>
    /// The path of the database file (configuration key <c>BulkInvite:Sqlite:DatabasePath</c>). The file, its
    /// folder and the schema are created on first use.
    /// </summary>
    public required string DatabasePath { get; set; }

    /// <summary>
    /// How long a statement waits for another connection or process to release the database before it fails
    /// (configuration key <c>BulkInvite:Sqlite:BusyTimeout</c>).
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
