using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>Runs a preview or an import through the SDK, as any host would, and prints the report.</summary>
internal static class CliImport
{
    internal const string TenantId = "cli";

    /// <param name="settings">What to read and how to print it.</param>
    /// <param name="console">The standard streams.</param>
    /// <param name="addSender">Registers the sender; <see langword="null"/> for a preview.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<int> RunAsync(ImportSettings settings, CliConsole console, Action<IBulkInviteBuilder>? addSender, CancellationToken cancellationToken)
    {
        FileUserDirectory? directory = null;
        if (settings.ExistingUsersPath is { } usersPath)
        {
            try
            {
                directory = await FileUserDirectory.LoadAsync(usersPath, new EmailValidator(settings.Validation), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await console.Error.WriteLineAsync($"bulkinvite: cannot read the existing-users file '{usersPath}': {OneLine(ex.Message)}").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            if (directory.IgnoredLines > 0)
            {
                await console.Error.WriteLineAsync($"bulkinvite: {directory.IgnoredLines} line(s) of '{usersPath}' are not valid addresses and were ignored.").ConfigureAwait(false);
            }
        }
        else
        {
            await console.Error.WriteLineAsync("bulkinvite: no --existing-users file given: nobody is treated as an existing user.").ConfigureAwait(false);
        }

        var services = new ServiceCollection();
        var builder = services.AddBulkInvite(o =>
        {
            ValidationSwitches.Apply(settings.Validation, o.Validation);
            o.MaxEntries = settings.MaxEntries ?? o.MaxEntries;
            o.MaxFileBytes = settings.MaxBytes ?? o.MaxFileBytes;
        });
        if (directory is not null)
        {
            builder.AddUserExistenceCheck(_ => directory);
        }
        else
        {
            builder.WithoutUserExistenceCheck();
        }

        addSender?.Invoke(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using (provider.ConfigureAwait(false))
        {
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (OptionsValidationException ex)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + OneLine(string.Join(" ", ex.Failures))).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var scope = provider.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
                BulkInviteReport report;
                try
                {
                    report = await RunAsync(service, settings, console, send: addSender is not null, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InviteFileFormatException or InviteLimitExceededException or ArgumentException)
                {
                    var where = ex is InviteFileFormatException { LineNumber: { } line } ? $" (line {line})" : string.Empty;
                    await console.Error.WriteLineAsync($"bulkinvite: cannot read '{settings.Path}'{where}: {OneLine(ex.Message)}").ConfigureAwait(false);
                    return CliApp.ExitError;
                }
                catch (InvitationTransportException ex)
                {
                    await console.Error.WriteLineAsync($"bulkinvite: sending stopped: {OneLine(ex.Message)} Unsent entries stay pending.").ConfigureAwait(false);
                    report = (await service.GetHistoryAsync(TenantId, new ImportQuery { Limit = 1 }, cancellationToken).ConfigureAwait(false)).Items[0];
                    await WriteAsync(service, report, settings, console, cancellationToken).ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                await WriteAsync(service, report, settings, console, cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }
        }
    }

    private static async Task<BulkInviteReport> RunAsync(IBulkInviteService service, ImportSettings settings, CliConsole console, bool send, CancellationToken cancellationToken)
    {
        var content = settings.Path == "-"
            ? console.Input
            : new FileStream(settings.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (content.ConfigureAwait(false))
        {
            var request = new BulkInviteRequest
            {
                Content = content,
                FileName = settings.Path == "-" ? "stdin" : Path.GetFileName(settings.Path),
                TenantId = TenantId,
                InitiatedBy = Environment.UserName,
                ParserName = settings.ParserName,
            };
            using var progress = console.IsErrorTerminal ? new TerminalProgress(console.Error) : null;
            return send
                ? await service.ImportAsync(request, progress, cancellationToken).ConfigureAwait(false)
                : await service.PreviewAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(IBulkInviteService service, BulkInviteReport report, ImportSettings settings, CliConsole console, CancellationToken cancellationToken)
    {
        var entries = settings.SummaryOnly ? null : ReportWriters.ReadEntriesAsync(service, report, cancellationToken);
        return ReportWriters.Create(settings.Format, console.Output).WriteAsync(report, entries, cancellationToken);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
