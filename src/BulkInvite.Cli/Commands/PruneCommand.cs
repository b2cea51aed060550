using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary><c>bulkinvite prune --older-than DAYS</c>: deletes imports started more than DAYS days ago, with their reports.</summary>
internal static class PruneCommand
{
    public static Command Create(CliConsole console)
    {
        var olderThan = new Option<int>("--older-than") { Description = "Delete imports (previews included) started more than this many days ago.", Required = true };
        olderThan.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--older-than must be 0 days or more.");
            }
        });
        var store = new StoreOption(console);
        var command = new Command("prune", "Delete old imports and their reports from the history.") { olderThan };
        store.AddTo(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var retention = services.GetRequiredService<IBulkInviteRetention>();
            var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-result.GetValue(olderThan));
            var deleted = await retention.DeleteHistoryBeforeAsync(CliHost.TenantId, cutoff, cancellationToken).ConfigureAwait(false);
            await CliHost.WriteLineAsync(
                console,
                string.Create(CultureInfo.InvariantCulture, $"Deleted {deleted} import(s) started before {cutoff:yyyy-MM-dd HH:mm:ss} UTC."),
                cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        }));
        return command;
    }
}
