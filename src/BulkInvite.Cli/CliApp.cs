using System.CommandLine;
using BulkInvite.Cli.Commands;

namespace BulkInvite.Cli;

/// <summary>
/// The <c>bulkinvite</c> command line: <c>validate</c>, <c>preview</c>, <c>send</c>, <c>resume</c>, the background
/// imports' <c>enqueue</c> and <c>worker</c>, <c>history</c>,
/// <c>report</c>, <c>export</c>, the retention commands <c>forget</c> and <c>prune</c>, and the invitations'
/// <c>invitations list|show|resend|revoke|expire|rotate-key</c> and <c>accept</c>.
/// </summary>
internal static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitError = 1;

    /// <summary>
    /// No POSIX bundling: an accept token is base64url and may begin with <c>-h</c>, which bundling would read as
    /// <c>-h</c> plus more flags and answer with the help; the tool has no one-letter flags worth bundling.
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { EnablePosixBundling = false };

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Validate address lists, preview bulk invitations from a file, send them, look up, accept, resend, revoke and expire them, and keep, export and prune their history.")
        {
            ValidateCommand.Create(console),
            PreviewCommand.Create(console),
            SendCommand.Create(console),
            ResumeCommand.Create(console),
            EnqueueCommand.Create(console),
            WorkerCommand.Create(console),
            HistoryCommand.Create(console),
            ReportCommand.Create(console),
            ExportCommand.Create(console),
            ForgetCommand.Create(console),
            PruneCommand.Create(console),
            InvitationsCommand.Create(console),
            AcceptCommand.Create(console),
        };

        var output = new StreamWriter(console.Output, leaveOpen: true) { AutoFlush = true };
        await using (output.ConfigureAwait(false))
        {
            // Signals are handled by CliSignals: they cancel the token, and the command decides what stopping means.
            var configuration = new InvocationConfiguration
            {
                Output = output, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            try
            {
                return await root.Parse(args, Parsing).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await console.Error.WriteLineAsync("bulkinvite: cancelled.").ConfigureAwait(false);
                return console.CancelledExitCode;
            }
            catch (InviteHistoryCorruptException ex)
            {
                // Says which file is damaged and what to do; a report that cannot read every row is not printed as complete.
                await console.Error.WriteLineAsync($"bulkinvite: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return ExitError;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Anything the commands do not handle themselves (a damaged history database, a full disk):
                // one line, no stack trace.
                await console.Error.WriteLineAsync($"bulkinvite: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return ExitError;
            }
        }
    }
}
