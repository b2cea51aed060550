using System.Runtime.InteropServices;

namespace BulkInvite.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM cancel the running command through its <see cref="CancellationToken"/> instead of
/// ending the process: an import lets the invitations in flight finish and be recorded, and ends
/// <see cref="ImportStatus.Cancelled"/>. The exit code is then 130 for SIGINT and 143 for SIGTERM (128 + the signal's
/// number). A second signal ends the process at once, with the same code.
/// </summary>
internal sealed class CliSignals : IDisposable
{
    /// <summary>The exit code after SIGINT (Ctrl+C).</summary>
    public const int ExitInterrupted = 130;

    /// <summary>The exit code after SIGTERM.</summary>
    public const int ExitTerminated = 143;

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public CliSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The exit code for the signal received: <see cref="ExitInterrupted"/> or <see cref="ExitTerminated"/>.</summary>
    public int ExitCode { get; private set; } = ExitInterrupted;

    private void Handle(PosixSignalContext context)
    {
        // The process is not ended by the runtime: the command winds down through its token.
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            ExitCode = context.Signal == PosixSignal.SIGTERM ? ExitTerminated : ExitInterrupted;
            _cancellation.Cancel();
            return;
        }

        // A second signal: stop now. What was in flight stays Sending, and resume applies InFlightAfterCrash to it.
        Console.Error.WriteLine("bulkinvite: stopped at once.");
        Environment.Exit(ExitCode);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }
}
