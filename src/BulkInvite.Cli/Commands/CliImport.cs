using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>Runs a preview or an import through the SDK, as any host would, and prints the report.</summary>
internal static class CliImport
{
    /// <param name="settings">What to read and how to print it.</param>
    /// <param name="console">The standard streams.</param>
    /// <param name="addSender">Registers the sender; <see langword="null"/> for a preview.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<int> RunAsync(ImportSettings settings, CliConsole console, Action<IBulkInviteBuilder>? addSender, CancellationToken cancellationToken)
    {
        var directory = settings.ExistingUsersPath is { } usersPath ? new FileUserDirectory(usersPath) : null;

        void Configure(BulkInviteOptions o)
        {
            ValidationSwitches.Apply(settings.Validation, o.Validation);
            o.MaxEntries = settings.MaxEntries ?? o.MaxEntries;
            o.MaxFileBytes = settings.MaxBytes ?? o.MaxFileBytes;
        }

        void Register(IBulkInviteBuilder builder)
        {
            CliHost.AddUserDirectory(builder, directory);
            addSender?.Invoke(builder);
        }

        return await CliHost.RunAsync(console, settings.Database, Configure, Register, async services =>
        {
            if (!await CliHost.LoadUserDirectoryAsync(console, services, directory, settings.AllowInvalidExistingUsers, cancellationToken).ConfigureAwait(false))
            {
                return CliApp.ExitError;
            }

            var service = services.GetRequiredService<IBulkInviteService>();
            var history = services.GetRequiredService<IBulkInviteHistory>();
            var importId = Guid.NewGuid();
            BulkInviteReport report;
            try
            {
                report = await RunAsync(service, importId, settings, console, send: addSender is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InviteFileFormatException or InviteLimitExceededException or ArgumentException)
            {
                var where = ex is InviteFileFormatException { LineNumber: { } line } ? $" (line {line})" : string.Empty;
                await console.Error.WriteLineAsync($"bulkinvite: cannot read '{settings.Path}'{where}: {CliHost.OneLine(ex)}").ConfigureAwait(false);
                return CliApp.ExitError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await CancelledAsync(console, history, importId, send: addSender is not null).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException ex) when (addSender is not null)
            {
                // The history store failed while sending: sending stopped with it, so at most the messages in flight
                // were sent without a record.
                await console.Error.WriteLineAsync(
                    $"bulkinvite: sending stopped: the history database failed: {CliHost.OneLine(ex.Message)} 'bulkinvite resume {importId}' sends the rest.").ConfigureAwait(false);
                return CliApp.ExitError;
            }
            catch (InviteRepeatUploadException ex)
            {
                await console.Error.WriteLineAsync($"bulkinvite: {CliHost.OneLine(ex.Message)} Use --allow-repeat to send it again.").ConfigureAwait(false);
                return CliApp.ExitError;
            }
            catch (InvitationTransportException ex)
            {
                await console.Error.WriteLineAsync(
                    $"bulkinvite: sending stopped: {CliHost.OneLine(ex.Message)} Unsent entries stay pending: 'bulkinvite resume {importId}' sends them.").ConfigureAwait(false);
                if (await history.GetReportAsync(CliHost.TenantId, importId, CancellationToken.None).ConfigureAwait(false) is { } failed)
                {
                    await ReportWriters.WriteAsync(history, failed, settings.Format, settings.SummaryOnly, console.Output, cancellationToken).ConfigureAwait(false);
                }

                return CliApp.ExitError;
            }

            await ReportWriters.WriteAsync(history, report, settings.Format, settings.SummaryOnly, console.Output, cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        }, tokensOf: addSender is not null ? CliHost.TenantId : null).ConfigureAwait(false);
    }

    /// <summary>
    /// After a signal cancelled a run: prints the one line that says what was sent and how to send the rest, and returns
    /// the signal's exit code.
    /// </summary>
    internal static async Task<int> CancelledAsync(CliConsole console, IBulkInviteHistory history, Guid importId, bool send)
    {
        var stopped = await history.GetReportAsync(CliHost.TenantId, importId, CancellationToken.None).ConfigureAwait(false);
        await console.Error.WriteLineAsync(CancelledLine(stopped, send)).ConfigureAwait(false);
        return console.CancelledExitCode;
    }

    private static string CancelledLine(BulkInviteReport? report, bool send)
    {
        if (report is null || !send)
        {
            return "bulkinvite: cancelled; nothing was sent.";
        }

        var counts = report.Counts;
        var cutOff = counts.Sending > 0 ? $", {counts.Sending:N0} cut off while being sent" : string.Empty;
        return $"bulkinvite: cancelled: {counts.Invited:N0} invited, {counts.Skipped + counts.Pending:N0} not sent{cutOff}; 'bulkinvite resume {report.ImportId}' sends the rest.";
    }

    private static async Task<BulkInviteReport> RunAsync(
        IBulkInviteService service, Guid importId, ImportSettings settings, CliConsole console, bool send, CancellationToken cancellationToken)
    {
        var content = settings.Path == "-"
            ? console.Input
            : new FileStream(settings.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (content.ConfigureAwait(false))
        {
            var request = new BulkInviteRequest
            {
                ImportId = importId,
                Content = content,
                FileName = settings.Path == "-" ? "stdin" : Path.GetFileName(settings.Path),
                TenantId = CliHost.TenantId,
                InitiatedBy = Environment.UserName,
                ParserName = settings.ParserName,
                AllowRepeatUpload = settings.AllowRepeat,
                ResendPendingInvitations = settings.ResendPending,
                // A preview of only the counts (--summary): the SDK counts without storing the entries.
                Mode = send ? ImportMode.Send : settings.SummaryOnly ? ImportMode.CountOnly : ImportMode.Preview,
            };
            using var progress = console.IsErrorTerminal && request.Mode != ImportMode.CountOnly ? new TerminalProgress(console.Error) : null;
            return await service.ImportAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
    }
}
