using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite preview FILE</c>: the dry run. Classifies every entry (validation, duplicates, existing users) and
/// sends nothing; entries that would be invited are <c>Pending</c>.
/// </summary>
internal static class PreviewCommand
{
    internal const string TenantId = "cli";

    public static Command Create(CliConsole console)
    {
        var switches = new ValidationSwitches();
        var file = new Argument<string>("FILE") { Description = "The file of addresses (plain text, mail-client lists or CSV with a header)." };
        var existingUsers = new Option<string?>("--existing-users")
        {
            Description = "A file of existing users' addresses, one a line: they are reported as ExistingUser.",
        };
        var format = new Option<ReportFormat?>("--format")
        {
            Description = "table, csv or json (default: table on a terminal, json otherwise).",
        };
        var summary = new Option<bool>("--summary") { Description = "Print only the counts." };
        var parser = new Option<string?>("--parser") { Description = "Read the file with this parser (text or csv) instead of choosing by name and content." };
        var maxEntries = new Option<int?>("--max-entries") { Description = "The most entries the file may hold (default 1,000,000)." };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "The largest file accepted, in bytes (default 256 MiB)." };

        var command = new Command("preview", "Classify every entry of a file as an import would, and send nothing.");
        command.Arguments.Add(file);
        command.Options.Add(existingUsers);
        command.Options.Add(format);
        command.Options.Add(summary);
        command.Options.Add(parser);
        command.Options.Add(maxEntries);
        command.Options.Add(maxBytes);
        switches.AddTo(command);

        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new PreviewSettings(
                result.GetValue(file)!,
                result.GetValue(existingUsers),
                result.GetValue(format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json),
                result.GetValue(summary),
                result.GetValue(parser),
                result.GetValue(maxEntries),
                result.GetValue(maxBytes),
                switches.Read(result));
            return await RunAsync(settings, console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(PreviewSettings settings, CliConsole console, CancellationToken cancellationToken)
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
                await console.Error.WriteLineAsync($"bulkinvite: cannot read the existing-users file '{usersPath}': {ex.Message}").ConfigureAwait(false);
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

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using (provider.ConfigureAwait(false))
        {
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (OptionsValidationException ex)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + string.Join(" ", ex.Failures)).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var scope = provider.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
                BulkInviteReport report;
                try
                {
                    var content = settings.Path == "-"
                        ? console.Input
                        : new FileStream(settings.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                    await using (content.ConfigureAwait(false))
                    {
                        report = await service.PreviewAsync(
                            new BulkInviteRequest
                            {
                                Content = content,
                                FileName = settings.Path == "-" ? "stdin" : Path.GetFileName(settings.Path),
                                TenantId = TenantId,
                                InitiatedBy = Environment.UserName,
                                ParserName = settings.ParserName,
                            },
                            cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InviteFileFormatException or InviteLimitExceededException or ArgumentException)
                {
                    var where = ex is InviteFileFormatException { LineNumber: { } line } ? $" (line {line})" : string.Empty;
                    await console.Error.WriteLineAsync($"bulkinvite: cannot read '{settings.Path}'{where}: {OneLine(ex.Message)}").ConfigureAwait(false);
                    return CliApp.ExitError;
                }

                var entries = settings.SummaryOnly ? null : ReportWriters.ReadEntriesAsync(service, report, cancellationToken);
                await ReportWriters.Create(settings.Format, console.Output).WriteAsync(report, entries, cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>What <c>preview</c> was asked to do.</summary>
internal sealed record PreviewSettings(
    string Path,
    string? ExistingUsersPath,
    ReportFormat Format,
    bool SummaryOnly,
    string? ParserName,
    int? MaxEntries,
    long? MaxBytes,
    EmailValidationOptions Validation);
