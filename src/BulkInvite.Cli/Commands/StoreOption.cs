using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>The SQLite file that keeps the tool's history across runs.</summary>
internal static class DatabaseOption
{
    internal const string Variable = "BULKINVITE_DB";
    internal const string DefaultPath = "bulkinvite.db";

    public static Option<string> Create(CliConsole console) => new("--db")
    {
        Description = $"The SQLite file that keeps the history (default: ${Variable}, else ./{DefaultPath}).",
        DefaultValueFactory = _ => console.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : DefaultPath,
    };
}
