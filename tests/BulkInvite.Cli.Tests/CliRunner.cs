using System.Diagnostics;
using System.Text;

namespace BulkInvite.Cli.Tests;

/// <summary>Runs the tool in-process with captured streams, or as a real child process.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(byte[] stdin, params string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        // Each run gets a history database of its own unless the test names one with --db.
        var database = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "history.db");
        var console = new CliConsole(new MemoryStream(stdin), output, error, IsOutputTerminal: false)
        {
            GetEnvironmentVariable = name => name == "BULKINVITE_DB" ? database : Environment.GetEnvironmentVariable(name),
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

    public static async Task<CliResult> RunProcessAsync(params string[] args)
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
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return new CliResult(process.ExitCode, output.ToArray(), await error);
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

internal sealed record CliResult(int ExitCode, byte[] Output, string Error)
{
    public string Text => Encoding.UTF8.GetString(Output);

    public string[] Lines => Text.Split('\n')[..^1];
}
