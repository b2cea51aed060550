using System.CommandLine;
using BulkInvite.Cli.Output;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite invitations list|show|resend|revoke|expire|rotate-key</c>: the invitations the history database
/// keeps, one per invited entry, and the key that signs their links.
/// </summary>
internal static class InvitationsCommand
{
    public static Command Create(CliConsole console) => new(
        "invitations", "List, show, resend, revoke and expire the invitations sent (one per invited entry), and rotate the key of their links.")
    {
        InvitationsListCommand.Create(console),
        InvitationsShowCommand.Create(console),
        InvitationsResendCommand.Create(console),
        InvitationsRevokeCommand.Create(console),
        InvitationsExpireCommand.Create(console),
        InvitationsRotateKeyCommand.Create(console),
    };

    /// <summary>The <c>--format</c> switch of the invitation commands: table (text) or json.</summary>
    public static Option<ReportFormat?> CreateFormatOption(Command command)
    {
        var format = new Option<ReportFormat?>("--format") { Description = "table or json (default: table on a terminal, json otherwise)." };
        format.AcceptOnlyFromAmong("table", "json");
        command.Options.Add(format);
        return format;
    }

    /// <summary>The format asked for, else table on a terminal and json otherwise (as every command of the tool).</summary>
    public static ReportFormat Chosen(ParseResult result, Option<ReportFormat?> format, CliConsole console)
        => result.GetValue(format) ?? (console.IsOutputTerminal ? ReportFormat.Table : ReportFormat.Json);
}
