namespace BulkInvite.Cli;

/// <summary>The standard streams the tool talks through (the real ones, or test doubles).</summary>
internal sealed record CliConsole(Stream Input, Stream Output, TextWriter Error, bool IsOutputTerminal, bool IsErrorTerminal = false)
{
    public static CliConsole System => new(
        Console.OpenStandardInput(),
        Console.OpenStandardOutput(),
        Console.Error,
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    /// <summary>Reads an environment variable (a seam for tests).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
}
