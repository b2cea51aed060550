using System.CommandLine;
using BulkInvite.Cli.Output;

namespace BulkInvite.Cli.Commands;

/// <summary>The arguments and options shared by <c>preview</c> and <c>send</c>.</summary>
internal sealed class ImportInputOptions
{
    private readonly ValidationSwitches _switches = new();

    public ImportInputOptions(CliConsole console) => Store = new StoreOption(console);

    public Argument<string> File { get; } = new("FILE") { Description = "The file of addresses (plain text, mail-client lists or CSV with a header); '-' reads standard input." };

    public Option<string?> ExistingUsers { get; } = CreateExistingUsersOption();

    public Option<bool> AllowInvalidExistingUsers { get; } = CreateAllowInvalidExistingUsersOption();

    public Option<ReportFormat?> Format { get; } = new("--format") { Description = "table, csv or json (default: table on a terminal, json otherwise)." };

    public Option<bool> Summary { get; } = new("--summary") { Description = "Print only the counts." };

    public Option<string?> Parser { get; } = new("--parser") { Description = "Read the file with this parser (text or csv) instead of choosing by name and content." };

    public Option<int?> MaxEntries { get; } = new("--max-entries") { Description = "The most entries the file may hold (default 1,000,000)." };

    public Option<long?> MaxBytes { get; } = new("--max-bytes") { Description = "The largest file accepted, in bytes (default 256 MiB)." };

    public StoreOption Store { get; }

    /// <summary><c>--existing-users FILE</c>, also taken by <c>resume</c>.</summary>
    public static Option<string?> CreateExistingUsersOption() => new("--existing-users")
    {
        Description = "A file of existing users' addresses (one a line, or CSV with an email column): they are reported as ExistingUser and never invited. "
            + "A file with entries that are not addresses, or a binary one, stops the run before anything is sent.",
    };

    /// <summary><c>--existing-users-allow-invalid</c>, also taken by <c>resume</c>.</summary>
    public static Option<bool> CreateAllowInvalidExistingUsersOption() => new("--existing-users-allow-invalid")
    {
        Description = "Skip the entries of the --existing-users file that are not addresses (counted on stderr) instead of stopping.",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        command.Options.Add(ExistingUsers);
        command.Options.Add(AllowInvalidExistingUsers);
        command.Options.Add(Format);
        command.Options.Add(Summary);
        command.Options.Add(Parser);
        command.Options.Add(MaxEntries);
        command.Options.Add(MaxBytes);
        Store.AddTo(command);
        _switches.AddTo(command);
    }

    public ImportSettings Read(ParseResult result, CliConsole console) => new(
        result.GetValue(File)!,
        result.GetValue(ExistingUsers),
        result.GetValue(Format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json),
        result.GetValue(Summary),
        result.GetValue(Parser),
        result.GetValue(MaxEntries),
        result.GetValue(MaxBytes),
        _switches.Read(result),
        Store.Read(result),
        AllowInvalidExistingUsers: result.GetValue(AllowInvalidExistingUsers));
}

/// <summary>What <c>preview</c> or <c>send</c> was asked to read and how to print it.</summary>
internal sealed record ImportSettings(
    string Path,
    string? ExistingUsersPath,
    ReportFormat Format,
    bool SummaryOnly,
    string? ParserName,
    int? MaxEntries,
    long? MaxBytes,
    EmailValidationOptions Validation,
    HistoryDatabase Database,
    bool AllowRepeat = false,
    bool AllowInvalidExistingUsers = false,
    bool ResendPending = false);
