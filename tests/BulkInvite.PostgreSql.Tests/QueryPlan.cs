using System.Text.RegularExpressions;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>The plan the server chooses for one of the store's statements, as <c>EXPLAIN (COSTS OFF)</c> prints it.</summary>
internal static partial class QueryPlan
{
    /// <summary>Explains <paramref name="sql"/> with a value for each of its <c>@name</c> parameters; returns the plan's lines.</summary>
    /// <param name="first">A statement run first in the same transaction, as the store runs it (planner settings).</param>
    public static async Task<string> ExplainAsync(string connectionString, string sql, Func<string, object> value, string? first = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (first is not null)
        {
            await using var setting = new NpgsqlCommand(first, connection, transaction);
            await setting.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("EXPLAIN (COSTS OFF) " + sql, connection, transaction);
        foreach (var name in ParameterName().Matches(sql).Select(m => m.Groups[1].Value).Distinct())
        {
            command.Parameters.AddWithValue(name, value(name));
        }

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        return string.Join("\n", plan);
    }

    [GeneratedRegex(@"@([a-z_]+)")]
    private static partial Regex ParameterName();
}
