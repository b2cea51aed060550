using BulkInvite.Sqlite;
using Microsoft.Extensions.Options;

namespace BulkInvite.Sqlite.DependencyInjection;

/// <summary>Checks <see cref="SqliteHistoryStoreOptions"/> at start-up; every message names the setting.</summary>
internal sealed class SqliteHistoryStoreOptionsValidator : IValidateOptions<SqliteHistoryStoreOptions>
{
    private const string Prefix = "BulkInvite:Sqlite:";

    public ValidateOptionsResult Validate(string? name, SqliteHistoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{Prefix}{nameof(options.DatabasePath)} must be set to the path of the SQLite database file that keeps the invitation history.");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"{Prefix}{nameof(options.BusyTimeout)} is {options.BusyTimeout}; it must be between 0 and {TimeSpan.FromMilliseconds(int.MaxValue)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
