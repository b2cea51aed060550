using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite send FILE</c>: imports the file and sends one invitation per new address, into a pickup folder
/// (the default: <c>./pickup</c>) or through an SMTP server. The history is kept in a SQLite file (<c>--db</c>).
/// </summary>
internal static class SendCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new ImportInputOptions(console);
        var senders = new SenderSwitches();
        var allowRepeat = new Option<bool>("--allow-repeat") { Description = "Import the file even if the same content was imported within the last day." };
        var resendPending = new Option<bool>("--resend-pending")
        {
            Description = "Send a new link to addresses that have a pending invitation (its old link stops working) instead of reporting them AlreadyInvited.",
        };
        var command = new Command("send", "Import a file and send one invitation per new address (pickup folder or SMTP).");
        input.AddTo(command);
        senders.AddTo(command);
        command.Options.Add(allowRepeat);
        command.Options.Add(resendPending);
        command.SetAction(async (result, cancellationToken) =>
        {
            var (addSender, error) = senders.Read(result, console);
            if (addSender is null)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + error).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var settings = input.Read(result, console) with { AllowRepeat = result.GetValue(allowRepeat), ResendPending = result.GetValue(resendPending) };
            return await CliImport.RunAsync(settings, console, addSender, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
