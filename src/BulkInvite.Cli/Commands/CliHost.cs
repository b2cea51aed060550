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

    public static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
