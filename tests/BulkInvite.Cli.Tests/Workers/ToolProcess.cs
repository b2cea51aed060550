using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BulkInvite.Cli.Tests.Workers;

/// <summary>
/// One run of the tool as a child process that the test outlives, signals and kills: its standard error is kept line by
/// line as it comes (the worker's log), its standard output to the end.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ToolProcess(string name, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        Name = name;
        // As from a terminal: a process started in the background inherits SIGINT ignored, and the runtime keeps it so;
        // env (coreutils) restores the default and then runs the tool in the same process (so the id is the tool's).
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var variable in new[] { "BULKINVITE_POSTGRES", "BULKINVITE_DB", "BULKINVITE_TOKEN_KEY", "BULKINVITE_TOKEN_KEY_FILE" })
        {
            start.Environment.Remove(variable);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BulkInvite.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process = Process.Start(start)!;
        Process.StandardInput.Close();
        Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _outputClosed.TrySetResult();
                return;
            }

            lock (_output)
            {
                _output.Append(e.Data).Append('\n');
            }
        };
        Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _errorClosed.TrySetResult();
                return;
            }

            _errorLines.Enqueue(e.Data);
        };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>The worker's name (<c>--name</c>), or what the run is.</summary>
    public string Name { get; }

    public Process Process { get; }

    public bool HasExited => Process.HasExited;

    /// <summary>The lines written to standard error so far.</summary>
    public IReadOnlyList<string> ErrorLines => [.. _errorLines];

    public string Error => string.Join('\n', _errorLines);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether a line of standard error so far contains <paramref name="text"/>.</summary>
    public bool Logged(string text) => _errorLines.Any(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Sends a signal by name (INT, TERM, KILL, STOP, CONT) with kill(1).</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, Process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end and for its streams to be read to their end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cancel.Token);
            await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not exit within {timeout.TotalSeconds:0} s. Its stderr:\n{Error}");
        }

        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            // A process stopped with SIGSTOP is killed as it is.
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
    }
}
