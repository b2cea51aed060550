using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite preview FILE</c>: the dry run. Classifies every entry (validation, duplicates, existing users) and
/// sends nothing; entries that would be invited are <c>Pending</c>.
/// </summary>
internal static class PreviewCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new ImportInputOptions(console);
        var command = new Command("preview", "Classify every entry of a file as an import would, and send nothing.");
        input.AddTo(command);
        command.SetAction((result, cancellationToken) => CliImport.RunAsync(input.Read(result, console), console, addSender: null, cancellationToken));
        return command;
    }
}
