using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>The tool's service container: the SDK registered as any host would, with the history in a SQLite file.</summary>
internal static class CliHost
{
    internal const string TenantId = "cli";

    /// <summary>Builds and validates the container; writes the failures and returns <see langword="null"/> when the settings are wrong.</summary>
    public static async Task<ServiceProvider?> BuildAsync(
        CliConsole console, string databasePath, Action<BulkInviteOptions>? configure, Action<IBulkInviteBuilder> register)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulkInvite(o => configure?.Invoke(o))
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

    /// <summary>
    /// Runs a command that only reads or deletes history: builds the container without a user directory or sender,
    /// and hands the action a scope's service provider.
    /// </summary>
    public static async Task<int> RunOnHistoryAsync(CliConsole console, string databasePath, Func<IServiceProvider, Task<int>> action)
    {
        var provider = await BuildAsync(console, databasePath, null, b => b.WithoutUserExistenceCheck()).ConfigureAwait(false);
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

    /// <summary>Writes one line of text (UTF-8, LF) to the tool's standard output.</summary>
    public static async Task WriteLineAsync(CliConsole console, string line, CancellationToken cancellationToken)
    {
        await console.Output.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
        await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
