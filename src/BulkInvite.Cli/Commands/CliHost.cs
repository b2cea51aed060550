using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>The tool's service container: the SDK registered as any host would, with the history in a SQLite file.</summary>
internal static class CliHost
{
    internal const string TenantId = "cli";
    internal const string TokenKeyVariable = "BULKINVITE_TOKEN_KEY";
    internal const string TokenKeyFileVariable = "BULKINVITE_TOKEN_KEY_FILE";

    /// <summary>Builds and validates the container; writes the failures and returns <see langword="null"/> when the settings are wrong.</summary>
    public static async Task<ServiceProvider?> BuildAsync(
        CliConsole console, string databasePath, Action<BulkInviteOptions>? configure, Action<IBulkInviteBuilder> register)
    {
        var tokenKey = await ReadTokenKeyAsync(console, databasePath).ConfigureAwait(false);
        if (tokenKey is null)
        {
            return null;
        }

        var services = new ServiceCollection();
        var builder = services.AddBulkInvite(o =>
            {
                o.InvitationTokenKeys.Add(tokenKey);
                configure?.Invoke(o);
            })
            .AddSqliteHistoryStore(o => o.DatabasePath = databasePath);
        register(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return provider;
        }
        catch (OptionsValidationException ex)
        {
            await console.Error.WriteLineAsync("bulkinvite: " + OneLine(string.Join(" ", ex.Failures))).ConfigureAwait(false);
            await provider.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The file that keeps the key of a database's accept-link tokens by default: <c>{database}.token-key</c>.</summary>
    public static string TokenKeyPath(string databasePath) => Path.GetFullPath(databasePath) + ".token-key";

    /// <summary>
    /// The key that hashes accept-link tokens: the one in <c>$BULKINVITE_TOKEN_KEY</c> (base64, from the host's secret
    /// store), else the one in the file <c>$BULKINVITE_TOKEN_KEY_FILE</c>, else in <c>{database}.token-key</c> (created
    /// owner-only with a random key on first use). Never in the database: a copy of it must not verify a token.
    /// A key that cannot be read is one line on stderr and <see langword="null"/>.
    /// </summary>
    private static async Task<InvitationTokenKey?> ReadTokenKeyAsync(CliConsole console, string databasePath)
    {
        if (console.GetEnvironmentVariable(TokenKeyVariable) is { Length: > 0 } text)
        {
            var bytes = new byte[text.Length];
            if (!Convert.TryFromBase64String(text.Trim(), bytes, out var length) || length < 32)
            {
                await console.Error.WriteLineAsync($"bulkinvite: {TokenKeyVariable} must be a key of 32 bytes or more in base64 (for example from `openssl rand -base64 32`).").ConfigureAwait(false);
                return null;
            }

            return new InvitationTokenKey
            {
                Id = "env-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, length)), 0, 4),
                Key = text.Trim(),
            };
        }

        var path = console.GetEnvironmentVariable(TokenKeyFileVariable) is { Length: > 0 } file ? file : TokenKeyPath(databasePath);
        try
        {
            return InvitationTokenKey.FromFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            await console.Error.WriteLineAsync($"bulkinvite: the token key file '{path}' cannot be read: {OneLine(ex.Message)}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Runs a command that only reads or deletes history: builds the container without a user directory or sender,
    /// and hands the action a scope's service provider.
    /// </summary>
    public static Task<int> RunOnHistoryAsync(CliConsole console, string databasePath, Func<IServiceProvider, Task<int>> action)
        => RunAsync(console, databasePath, null, b => b.WithoutUserExistenceCheck(), action);

    /// <summary>
    /// Builds and validates the container, and hands the action a scope's service provider; settings that fail
    /// validation are written to stderr and end the command with an error.
    /// </summary>
    public static async Task<int> RunAsync(
        CliConsole console, string databasePath, Action<BulkInviteOptions>? configure, Action<IBulkInviteBuilder> register, Func<IServiceProvider, Task<int>> action)
    {
        var provider = await BuildAsync(console, databasePath, configure, register).ConfigureAwait(false);
        if (provider is null)
        {
            return CliApp.ExitError;
        }

        await using (provider.ConfigureAwait(false))
        {
            var scope = provider.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                return await action(scope.ServiceProvider).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Registers the tool's user directory, or opts out of the check when no file of existing users was given.</summary>
    public static void AddUserDirectory(IBulkInviteBuilder builder, FileUserDirectory? directory)
    {
        if (directory is not null)
        {
            builder.AddUserExistenceCheck(_ => directory);
        }
        else
        {
            builder.WithoutUserExistenceCheck();
        }
    }

    /// <summary>
    /// Reads the file of existing users, if one was given, with the SDK's reader and validator (those an upload gets),
    /// before anything is sent. A file that cannot be read, a binary one, one without any address, or one with entries
    /// that are not addresses (unless <paramref name="allowInvalid"/>) is refused: the reason goes to stderr and the
    /// result is <see langword="false"/>, so that nobody is invited who might already have an account.
    /// </summary>
    public static async Task<bool> LoadUserDirectoryAsync(
        CliConsole console, IServiceProvider services, FileUserDirectory? directory, bool allowInvalid, CancellationToken cancellationToken)
    {
        if (directory is null)
        {
            await console.Error.WriteLineAsync("bulkinvite: no --existing-users file given: nobody is treated as an existing user.").ConfigureAwait(false);
            return true;
        }

        var refused = $"bulkinvite: the existing-users file '{directory.Path}'";
        try
        {
            await directory.LoadAsync(services.GetRequiredService<IInviteFileReader>(), services.GetRequiredService<IEmailValidator>(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InviteFileFormatException)
        {
            var where = ex is InviteFileFormatException { LineNumber: { } line } ? $" (line {line})" : string.Empty;
            await console.Error.WriteLineAsync($"{refused} cannot be read{where}: {OneLine(ex.Message)}").ConfigureAwait(false);
            return false;
        }

        if (directory.FirstInvalid is { } first)
        {
            var count = directory.InvalidEntries;
            if (!allowInvalid)
            {
                await console.Error.WriteLineAsync(
                    $"{refused} has {count} entr{(count == 1 ? "y" : "ies")} that {(count == 1 ? "is" : "are")} not a valid address (the first on line {first.Line}: {first.Reason}). " +
                    "Fix the file, or give --existing-users-allow-invalid to skip them.").ConfigureAwait(false);
                return false;
            }

            await console.Error.WriteLineAsync($"bulkinvite: {count} entr{(count == 1 ? "y" : "ies")} of '{directory.Path}' {(count == 1 ? "is" : "are")} not a valid address and {(count == 1 ? "was" : "were")} skipped.").ConfigureAwait(false);
        }

        if (directory.Count == 0)
        {
            await console.Error.WriteLineAsync($"{refused} holds no address.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>Writes one line of text (UTF-8, LF) to the tool's standard output.</summary>
    public static async Task WriteLineAsync(CliConsole console, string line, CancellationToken cancellationToken)
    {
        await console.Output.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
        await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
