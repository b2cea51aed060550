using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BulkInvite.PostgreSql.DependencyInjection;

/// <summary>Checks <see cref="PostgreSqlHistoryStoreOptions"/> at start-up; every message names the setting, and none repeats the connection string.</summary>
internal sealed class PostgreSqlHistoryStoreOptionsValidator(IServiceProviderIsService? services = null) : IValidateOptions<PostgreSqlHistoryStoreOptions>
{
    private const string Prefix = "BulkInvite:PostgreSql:";

    public ValidateOptionsResult Validate(string? name, PostgreSqlHistoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (services?.IsService(typeof(NpgsqlDataSource)) != true)
            {
                failures.Add($"{Prefix}{nameof(options.ConnectionString)} must be set to the Npgsql connection string of the PostgreSQL database that keeps the invitation history, "
                             + "or an NpgsqlDataSource must be registered in the container (for example with AddNpgsqlDataSource).");
            }
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
            {
                // What Npgsql throws for a string it cannot read: a keyword it does not know, a value of the wrong type,
                // or an empty keyword (KeyNotFoundException).
                failures.Add($"{Prefix}{nameof(options.ConnectionString)} cannot be read as an Npgsql connection string.");
            }
        }

        if (options.RetryTimeout < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.RetryTimeout)} is {options.RetryTimeout}; it must not be negative (0 turns retries off).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
