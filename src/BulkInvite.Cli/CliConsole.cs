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

    /// <summary>The process's signal handling, when the tool runs as a process; its exit code is the one for a cancelled command.</summary>
    public CliSignals? Signals { get; init; }

    /// <summary>The exit code of a command cancelled by a signal (130 for SIGINT, 143 for SIGTERM).</summary>
    public int CancelledExitCode => Signals?.ExitCode ?? CliSignals.ExitInterrupted;
}
