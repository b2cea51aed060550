using System.CommandLine;
using System.CommandLine.Parsing;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// Where a command keeps its history, the one place that decides it: <c>--db FILE</c> (SQLite) or
/// <c>--postgres CONNECTION</c> (PostgreSQL), not both; else <c>$BULKINVITE_POSTGRES</c>, else <c>$BULKINVITE_DB</c>,
/// else <c>./bulkinvite.db</c>.
/// </summary>
internal sealed class StoreOption
{
    internal const string DatabaseVariable = "BULKINVITE_DB";
    internal const string PostgreSqlVariable = "BULKINVITE_POSTGRES";
    internal const string DefaultPath = "bulkinvite.db";

    private readonly CliConsole _console;

    public StoreOption(CliConsole console)
    {
        _console = console;
        Database = new("--db")
        {
            Description = $"The SQLite file that keeps the history (default: ${DatabaseVariable}, else ./{DefaultPath}, unless ${PostgreSqlVariable} is set).",
        };
        PostgreSql = new("--postgres")
        {
            Description = $"The Npgsql connection string of the PostgreSQL database that keeps the history instead of a SQLite file (default: ${PostgreSqlVariable}).",
        };
    }

    /// <summary><c>--db FILE</c>.</summary>
    public Option<string?> Database { get; }

    /// <summary><c>--postgres CONNECTION</c>.</summary>
    public Option<string?> PostgreSql { get; }

    /// <summary>Adds <c>--db</c> and <c>--postgres</c> to a command, and refuses both at once or a connection string that cannot be read.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Database);
        command.Options.Add(PostgreSql);
        command.Validators.Add(result =>
        {
            if (Choose(result.GetResult(Database), result.GetResult(PostgreSql)).Error is { } error)
            {
                result.AddError(error);
            }
        });
    }

    /// <summary>The history database of a parsed command line (whose validation passed).</summary>
    public HistoryDatabase Read(ParseResult result)
    {
        var (database, error) = Choose(result.GetResult(Database), result.GetResult(PostgreSql));
        return database ?? throw new InvalidOperationException(error);
    }

    private (HistoryDatabase? Database, string? Error) Choose(OptionResult? database, OptionResult? postgreSql)
    {
        if (database is not null && postgreSql is not null)
        {
            return (null, "Give either --db (a SQLite file) or --postgres (a PostgreSQL connection string), not both.");
        }

        if (postgreSql is not null)
        {
            return PostgreSqlDatabase(postgreSql.GetValueOrDefault<string?>(), "--postgres");
        }

        if (database is not null)
        {
            return (HistoryDatabase.Sqlite(database.GetValueOrDefault<string?>() ?? string.Empty), null);
        }

        if (_console.GetEnvironmentVariable(PostgreSqlVariable) is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            return PostgreSqlDatabase(variable, "$" + PostgreSqlVariable);
        }

        return (HistoryDatabase.Sqlite(_console.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } path ? path : DefaultPath), null);
    }

    /// <summary>A PostgreSQL database, or why the connection string cannot be one (never repeating it: it may hold a password).</summary>
    private static (HistoryDatabase? Database, string? Error) PostgreSqlDatabase(string? connectionString, string source)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return (null, $"{source} must not be empty: give the Npgsql connection string of the database (for example \"Host=db.example.com;Database=bulkinvite;Username=bulkinvite\").");
        }

        return HistoryDatabase.TryPostgreSql(connectionString, out var database)
            ? (database, null)
            : (null, $"{source} cannot be read as an Npgsql connection string (keyword=value pairs separated by ';', for example \"Host=db.example.com;Database=bulkinvite;Username=bulkinvite\").");
    }
}
