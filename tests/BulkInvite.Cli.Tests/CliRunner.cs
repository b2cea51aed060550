using System.Diagnostics;
using System.Text;

namespace BulkInvite.Cli.Tests;

/// <summary>Runs the tool in-process with captured streams, or as a real child process.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(byte[] stdin, params string[] args)
    {
        using var output = new StandardOutputStream();
        using var error = new StringWriter();
        // Each run gets a history database of its own unless the test names one with --db.
        var database = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "history.db");
        var console = new CliConsole(new MemoryStream(stdin), output, error, IsOutputTerminal: false)
        {
            GetEnvironmentVariable = name => name == "BULKINVITE_DB" ? database : IsInherited(name) ? Environment.GetEnvironmentVariable(name) : null,
        };
        var exit = await CliApp.RunAsync(args, console);
        return new CliResult(exit, output.ToArray(), error.ToString());
    }

    public static Task<CliResult> RunAsync(string stdin, params string[] args) => RunAsync(Encoding.UTF8.GetBytes(stdin), args);

    /// <summary>Starts the tool as a child process (standard streams discarded) and returns at once.</summary>
    public static Process StartProcess(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BulkInvite.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Task<CliResult> RunProcessAsync(params string[] args) => RunProcessAsync([], args);

    /// <summary>
    /// Runs the tool as a user does: a child process whose standard input is a pipe that gets
    /// <paramref name="stdin"/> and is then closed, and whose standard output and error are read to the end.
    /// Unless the arguments name one with --db, the history goes to a database of the run's own.
    /// </summary>
    public static Task<CliResult> RunProcessAsync(byte[] stdin, params string[] args) => RunProcessAsync(new Dictionary<string, string>(), stdin, args);

    /// <summary>
    /// As <see cref="RunProcessAsync(byte[], string[])"/>, with these environment variables set for the child. The
    /// variables that choose the history store or give the token key are never inherited from the test run: only
    /// <paramref name="environment"/> sets them.
    /// </summary>
    public static async Task<CliResult> RunProcessAsync(IReadOnlyDictionary<string, string> environment, byte[] stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "BulkInvite.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["BULKINVITE_DB"] = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "history.db");
        foreach (var name in start.Environment.Keys.Where(n => !IsInherited(n)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var feed = FeedAsync(process.StandardInput.BaseStream, stdin);
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        await feed;
        return new CliResult(process.ExitCode, output.ToArray(), await error);
    }

    /// <summary>Whether a run of the tool sees the test run's value of a variable: not for those that choose the store or give the token key.</summary>
    private static bool IsInherited(string name) => name is not ("BULKINVITE_POSTGRES" or "BULKINVITE_TOKEN_KEY" or "BULKINVITE_TOKEN_KEY_FILE");

    private static async Task FeedAsync(Stream input, byte[] content)
    {
        try
        {
            await using (input)
            {
                await input.WriteAsync(content);
            }
        }
        catch (IOException)
        {
            // The tool closed its standard input before reading all of it (it did not need it).
        }
    }

    public static string TempFile(string name, byte[] content)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static string TempFile(string name, string content) => TempFile(name, Encoding.UTF8.GetBytes(content));
}

/// <summary>Standard output in memory that, as the console's does, refuses a flush once it has been closed.</summary>
internal sealed class StandardOutputStream : MemoryStream
{
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(!CanWrite, this);
        base.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(!CanWrite, this);
        return base.FlushAsync(cancellationToken);
    }
}

internal sealed record CliResult(int ExitCode, byte[] Output, string Error)
{
    public string Text => Encoding.UTF8.GetString(Output);

    public string[] Lines => Text.Split('\n')[..^1];
}
