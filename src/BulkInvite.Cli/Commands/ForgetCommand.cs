using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary><c>bulkinvite forget ADDRESS</c>: deletes every report row of one address (a privacy request).</summary>
internal static class ForgetCommand
{
    public static Command Create(CliConsole console)
    {
        var address = new Argument<string>("ADDRESS") { Description = "The address to forget, compared ignoring case." };
        var store = new StoreOption(console);
        var command = new Command("forget", "Delete every report row of one address from the history; the imports' counts are kept.") { address };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(address)))
            {
                result.AddError("Give the address to forget.");
            }
        });
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var retention = services.GetRequiredService<IBulkInviteRetention>();
            var deleted = await retention.ForgetAddressAsync(CliHost.TenantId, result.GetValue(address)!, cancellationToken).ConfigureAwait(false);
            await CliHost.WriteLineAsync(console, $"Deleted {deleted} report row(s) of that address.", cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        }));
        return command;
    }
}
