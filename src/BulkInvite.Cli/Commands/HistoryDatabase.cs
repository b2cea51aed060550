using Npgsql;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// The database that keeps the tool's history: a SQLite file (<see cref="Path"/>) or a PostgreSQL database
/// (<see cref="ConnectionString"/>). <see cref="ToString"/> says where it is, for messages: the file, or the connection
/// string without its passwords.
/// </summary>
internal sealed class HistoryDatabase
{
    private readonly string _shown;

    private HistoryDatabase(string? path, string? connectionString, string shown)
    {
        Path = path;
        ConnectionString = connectionString;
        _shown = shown;
    }

    /// <summary>The SQLite file, or <see langword="null"/> for a PostgreSQL database.</summary>
    public string? Path { get; }

    /// <summary>The Npgsql connection string of a PostgreSQL database, or <see langword="null"/> for a SQLite file.</summary>
    public string? ConnectionString { get; }

    /// <summary>A SQLite file.</summary>
    public static HistoryDatabase Sqlite(string path) => new(path, null, path);

    /// <summary>A PostgreSQL database; <see langword="false"/> when the connection string cannot be read.</summary>
    public static bool TryPostgreSql(string connectionString, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HistoryDatabase? database)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            database = null;
            return false;
        }

        // Where the history is, for messages: everything but the secrets.
        builder.Remove(nameof(NpgsqlConnectionStringBuilder.Password));
        builder.Remove(nameof(NpgsqlConnectionStringBuilder.SslPassword));
        database = new HistoryDatabase(null, connectionString, builder.ConnectionString);
        return true;
    }

    /// <summary>The SQLite file, or the PostgreSQL connection string without its passwords.</summary>
    public override string ToString() => _shown;
}
