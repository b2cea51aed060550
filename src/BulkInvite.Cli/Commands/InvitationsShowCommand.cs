using System.CommandLine;
using System.Globalization;
using System.Text;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary><c>bulkinvite invitations show ID [--tenant T]</c>: one invitation of a tenant, with its state read now.</summary>
internal static class InvitationsShowCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<Guid>("ID") { Description = "The invitation's id (see 'bulkinvite invitations list')." };
        var store = new StoreOption(console);
        var command = new Command("show", "Show one invitation: its address, fields, state, expiry and sends.") { id };
        store.AddTo(command);
        var tenant = InvitationTarget.AddTenantOption(command);
        var format = InvitationsCommand.CreateFormatOption(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var invitationId = result.GetValue(id);
            var invitation = await services.GetRequiredService<IInvitationService>()
                .GetAsync(result.GetValue(tenant)!, invitationId, cancellationToken).ConfigureAwait(false);
            if (invitation is null)
            {
                await console.Error.WriteLineAsync($"bulkinvite: there is no invitation {invitationId}.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            if (InvitationsCommand.Chosen(result, format, console) == ReportFormat.Json)
            {
                await InvitationOutput.WriteJsonAsync(console, writer => InvitationJson.Write(writer, invitation), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await console.Output.WriteAsync(Encoding.UTF8.GetBytes(Table(invitation)), cancellationToken).ConfigureAwait(false);
                await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        }));
        return command;
    }

    /// <summary>One "name: value" line per property, times in UTC; text from the file with its control characters escaped.</summary>
    private static string Table(InvitationRecord invitation)
    {
        var text = new StringBuilder();
        void Line(string name, string? value) => text.Append(CultureInfo.InvariantCulture, $"{name + ":",-15} {value}\n");
        static string Time(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";

        Line("Invitation", invitation.InvitationId.ToString());
        Line("Tenant", TerminalText.Printable(invitation.TenantId));
        Line("Address", TerminalText.Printable(invitation.Address));
        Line("Display name", TerminalText.Printable(invitation.DisplayName) ?? "-");
        foreach (var (name, value) in invitation.Fields ?? new Dictionary<string, string>())
        {
            Line("  " + TerminalText.Printable(name), TerminalText.Printable(value));
        }

        Line("State", invitation.State.ToString());
        Line("Expires", Time(invitation.ExpiresAt));
        Line("Created", Time(invitation.CreatedAt));
        Line("Accepted", Time(invitation.AcceptedAt));
        Line("Revoked", Time(invitation.RevokedAt));
        Line("Sends", invitation.SendCount.ToString(CultureInfo.InvariantCulture));
        Line("Last sent", Time(invitation.LastSentAt));
        Line("Import", $"{invitation.ImportId} (line {invitation.Line.ToString(CultureInfo.InvariantCulture)})");
        Line("Initiated by", TerminalText.Printable(invitation.InitiatedBy));
        return text.ToString();
    }
}
