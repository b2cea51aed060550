using System.Text;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>The tool's service container: the SDK registered as any host would, with the history in a SQLite file or a PostgreSQL database.</summary>
internal static class CliHost
{
    internal const string TenantId = "cli";
    internal const string TokenKeyVariable = "BULKINVITE_TOKEN_KEY";
    internal const string TokenKeyFileVariable = "BULKINVITE_TOKEN_KEY_FILE";

    /// <summary>Builds and validates the container; writes the failures and returns <see langword="null"/> when the settings are wrong.</summary>
    /// <param name="console">The standard streams.</param>
    /// <param name="database">The history database.</param>
    /// <param name="configure">Sets the command's options.</param>
    /// <param name="register">Registers the command's user directory and sender.</param>
    /// <param name="tokensOf">
    /// The tenant whose accept-link tokens the command issues or verifies (<c>send</c>, <c>resume</c>,
    /// <c>invitations resend</c>, <c>accept</c>), or <see langword="null"/> when it does neither.
    /// </param>
    public static async Task<ServiceProvider?> BuildAsync(
        CliConsole console, HistoryDatabase database, Action<BulkInviteOptions>? configure, Action<IBulkInviteBuilder> register, string? tokensOf = null)
    {
        var keys = await ReadTokenKeysAsync(console, database).ConfigureAwait(false);
        if (keys is null)
        {
            return null;
        }

        if (keys.Count == 0)
        {
            // No key file yet (or, for a PostgreSQL database, no key given). A command that neither issues nor verifies a
            // token hashes nothing: a key of its own, kept nowhere, stands in, and the file stays missing, so that a lost
            // key is still seen as lost by the next send.
            if (tokensOf is null)
            {
                keys = [UnsavedKey()];
            }
            else if (TokenKeyFile(console, database) is null)
            {
                // A PostgreSQL database has no folder of its own to keep a key file in, and the key must not be in the
                // database: the host gives it.
                await console.Error.WriteLineAsync(
                    $"bulkinvite: the history is in PostgreSQL, where no token key file is kept beside the database: give the key that signs and verifies the invitations' links "
                    + $"in ${TokenKeyVariable} (base64, 32 bytes or more, for example from `openssl rand -base64 32`) or name its file in ${TokenKeyFileVariable}. "
                    + "Give every run on this database the same key: links signed with another one do not work.").ConfigureAwait(false);
                return null;
            }
            else if (await CreateTokenKeyFileAsync(console, database, tokensOf).ConfigureAwait(false) is { } created)
            {
                keys = created;
            }
            else
            {
                return null;
            }
        }

        var services = new ServiceCollection();
        var builder = services.AddBulkInvite(o =>
            {
                foreach (var key in keys)
                {
                    o.InvitationTokenKeys.Add(key);
                }

                configure?.Invoke(o);
            });
        if (database.ConnectionString is { } connectionString)
        {
            builder.AddPostgreSqlHistoryStore(o => o.ConnectionString = connectionString);
        }
        else
        {
            builder.AddSqliteHistoryStore(o => o.DatabasePath = database.Path!);
        }

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
    /// The key file of a database: <c>$BULKINVITE_TOKEN_KEY_FILE</c>, else <c>{database}.token-key</c> beside a SQLite
    /// file, else (a PostgreSQL database) none.
    /// </summary>
    public static string? TokenKeyFile(CliConsole console, HistoryDatabase database)
        => console.GetEnvironmentVariable(TokenKeyFileVariable) is { Length: > 0 } file ? file
            : database.Path is { } path ? TokenKeyPath(path)
            : null;

    /// <summary>
    /// The keys that hash accept-link tokens: the one in <c>$BULKINVITE_TOKEN_KEY</c> (base64, from the host's secret
    /// store), else those in the key file (<see cref="TokenKeyFile"/>: one a line, the first signs, the others still
    /// verify), or none when there is no key file (yet, or at all for a PostgreSQL database). Never in the database: a
    /// copy of it must not verify a token. A key that cannot be read is one line on stderr and <see langword="null"/>.
    /// </summary>
    private static async Task<IReadOnlyList<InvitationTokenKey>?> ReadTokenKeysAsync(CliConsole console, HistoryDatabase database)
    {
        if (console.GetEnvironmentVariable(TokenKeyVariable) is { Length: > 0 } text)
        {
            var bytes = new byte[text.Length];
            if (!Convert.TryFromBase64String(text.Trim(), bytes, out var length) || length < 32)
            {
                await console.Error.WriteLineAsync($"bulkinvite: {TokenKeyVariable} must be a key of 32 bytes or more in base64 (for example from `openssl rand -base64 32`).").ConfigureAwait(false);
                return null;
            }

            return
            [
                new InvitationTokenKey
                {
                    Id = "env-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, length)), 0, 4),
                    Key = text.Trim(),
                },
            ];
        }

        return TokenKeyFile(console, database) is { } path && File.Exists(path) ? await ReadTokenKeyFileAsync(console, path).ConfigureAwait(false) : [];
    }

    /// <summary>
    /// Creates the missing key file of a command that issues or verifies tokens, unless the database has pending
    /// invitations of the tenant: their links were signed with a key that is not here (the file was lost, or the key
    /// was given another way before), and a new one would make every one of them fail in silence. Then it writes why to
    /// stderr and returns <see langword="null"/>.
    /// </summary>
    /// <remarks>
    /// One read of at most one invitation, and none for a SQLite file that does not exist yet: a new key has signed nothing,
    /// so any pending invitation at all is one whose link it cannot verify. Accepted, revoked and expired invitations
    /// have no link left to lose (a resend gives an expired one a new link under the new key).
    /// </remarks>
    private static async Task<IReadOnlyList<InvitationTokenKey>?> CreateTokenKeyFileAsync(CliConsole console, HistoryDatabase database, string tenantId)
    {
        var path = TokenKeyFile(console, database)!;
        if (database.Path is not { } file || File.Exists(file))
        {
            var probe = await BuildAsync(console, database, null, b => b.WithoutUserExistenceCheck()).ConfigureAwait(false);
            if (probe is null)
            {
                return null;
            }

            await using (probe.ConfigureAwait(false))
            {
                var pending = await probe.GetRequiredService<IInvitationService>()
                    .ListAsync(tenantId, new InvitationQuery { State = InvitationState.Pending, Limit = 1 }).ConfigureAwait(false);
                if (pending.Items.Count > 0)
                {
                    await console.Error.WriteLineAsync(
                        $"bulkinvite: the token key file '{path}' is missing, but '{database}' has pending invitations whose links were signed with the key it held: "
                        + $"a new key would make every one of those links fail. Put the key file back (or give the key in ${TokenKeyVariable} or ${TokenKeyFileVariable}). "
                        + "If the key is lost for good, 'bulkinvite invitations rotate-key' starts a new one, and 'bulkinvite invitations resend' sends new links.").ConfigureAwait(false);
                    return null;
                }
            }
        }

        return await ReadTokenKeyFileAsync(console, path).ConfigureAwait(false);
    }

    /// <summary>Reads a key file (creating it when missing); a file that cannot be read or written is one line on stderr and <see langword="null"/>.</summary>
    private static async Task<IReadOnlyList<InvitationTokenKey>?> ReadTokenKeyFileAsync(CliConsole console, string path)
    {
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

    /// <summary>A random key kept nowhere, for a command that hashes no token.</summary>
    private static InvitationTokenKey UnsavedKey() => new()
    {
        Id = "unsaved",
        Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>
    /// Runs a command that only reads or deletes history: builds the container without a user directory or sender,
    /// and hands the action a scope's service provider.
    /// </summary>
    /// <remarks>A SQLite file that does not exist is refused, not created: a mistyped <c>--db</c> would read as an empty history.</remarks>
    public static async Task<int> RunOnHistoryAsync(CliConsole console, HistoryDatabase database, Func<IServiceProvider, Task<int>> action)
        => await RefuseMissingAsync(console, database).ConfigureAwait(false)
            ?? await RunAsync(console, database, null, b => b.WithoutUserExistenceCheck(), action).ConfigureAwait(false);

    /// <summary>As <see cref="RunOnHistoryAsync"/>, for a command that verifies the tokens of a tenant (<c>accept</c>).</summary>
    public static async Task<int> RunOnTokensAsync(CliConsole console, HistoryDatabase database, string tenantId, Func<IServiceProvider, Task<int>> action)
        => await RefuseMissingAsync(console, database).ConfigureAwait(false)
            ?? await RunAsync(console, database, null, b => b.WithoutUserExistenceCheck(), action, tenantId).ConfigureAwait(false);

    /// <summary>The exit code of a command on a SQLite history that does not exist (said on stderr), or <see langword="null"/> when it exists.</summary>
    private static async Task<int?> RefuseMissingAsync(CliConsole console, HistoryDatabase database)
    {
        if (database.Path is not { } path || File.Exists(path))
        {
            return null;
        }

        await console.Error.WriteLineAsync(
            $"bulkinvite: there is no history database '{TerminalText.Printable(path)}': send, preview, enqueue and worker create it; give --db (or $BULKINVITE_DB) the file they used.").ConfigureAwait(false);
        return CliApp.ExitError;
    }

    /// <summary>
    /// Builds and validates the container, and hands the action a scope's service provider; settings that fail
    /// validation are written to stderr and end the command with an error.
    /// </summary>
    /// <param name="console">The standard streams.</param>
    /// <param name="database">The history database.</param>
    /// <param name="configure">Sets the command's options.</param>
    /// <param name="register">Registers the command's user directory and sender.</param>
    /// <param name="action">The command.</param>
    /// <param name="tokensOf">The tenant whose tokens the command issues or verifies, if any (see <see cref="BuildAsync"/>).</param>
    public static async Task<int> RunAsync(
        CliConsole console,
        HistoryDatabase database,
        Action<BulkInviteOptions>? configure,
        Action<IBulkInviteBuilder> register,
        Func<IServiceProvider, Task<int>> action,
        string? tokensOf = null)
    {
        var provider = await BuildAsync(console, database, configure, register, tokensOf).ConfigureAwait(false);
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

    /// <summary>
    /// Registers the background imports (<c>enqueue</c>, <c>worker</c>) with their log: <paramref name="log"/>, or none.
    /// The queue and the worker log through <see cref="ILogger{TCategoryName}"/>, which a container without logging
    /// cannot give.
    /// </summary>
    public static void AddBackgroundImports(IBulkInviteBuilder builder, Action<BackgroundImportOptions> configure, ILoggerFactory? log = null)
    {
        builder.Services.TryAddSingleton(log ?? NullLoggerFactory.Instance);
        builder.Services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        builder.AddBackgroundImports(configure);
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

    /// <summary>An exception's message on one line, without the name of the parameter an argument error appends (a name in the code, not the user's switch).</summary>
    public static string OneLine(Exception exception)
        => OneLine(exception is ArgumentException { ParamName: { } name } ? exception.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : exception.Message);
}
