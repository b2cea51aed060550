using System.Globalization;
using System.Text;

namespace BulkInvite.Cli.Output;

/// <summary>A report for people: the summary counts, the invitations' counts, then one aligned row per entry with its invitation's state.</summary>
internal sealed class TableReportWriter(Stream output) : IReportWriter
{
    private const int AddressWidth = 40;

    public async Task WriteAsync(BulkInviteReport report, IAsyncEnumerable<InviteEntryResult>? entries, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var kind = report.IsPreview ? "Preview (nothing sent)" : "Import";
            await writer.WriteLineAsync($"{kind} of '{TerminalText.Printable(report.FileName)}' ({report.ParserName ?? "?"} parser): {report.Status}").ConfigureAwait(false);
            if (report.RunBy is { } runBy)
            {
                await writer.WriteLineAsync($"Run by worker {TerminalText.Printable(runBy)}").ConfigureAwait(false);
            }

            if (report.Error is { } error)
            {
                await writer.WriteLineAsync($"Error: {TerminalText.Printable(error)}").ConfigureAwait(false);
            }
            await writer.WriteLineAsync().ConfigureAwait(false);
            await writer.WriteLineAsync($"{"Outcome",-16} {"Count",10}").ConfigureAwait(false);
            foreach (var outcome in Enum.GetValues<InviteOutcome>())
            {
                var note = outcome == InviteOutcome.Pending && report.IsPreview ? "  (would be invited)" : string.Empty;
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{outcome,-16} {report.Counts[outcome],10}{note}")).ConfigureAwait(false);
            }

            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"Total",-16} {report.Counts.Total,10}")).ConfigureAwait(false);
            if (report.Invitations is { } invitations)
            {
                await writer.WriteLineAsync().ConfigureAwait(false);
                await writer.WriteLineAsync($"{"Invitations",-16} {"Count",10}").ConfigureAwait(false);
                foreach (var state in Enum.GetValues<InvitationState>())
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{state,-16} {invitations[state],10}")).ConfigureAwait(false);
                }
            }

            if (entries is null)
            {
                return;
            }

            await writer.WriteLineAsync().ConfigureAwait(false);
            // A preview sent nothing, so its rows have no invitation column.
            var invitationColumn = report.IsPreview ? string.Empty : $"{"Invitation",-10}  ";
            await writer.WriteLineAsync($"{"Line",7}  {"Address",-AddressWidth}  {"Outcome",-14}  {invitationColumn}Reason").ConfigureAwait(false);
            await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var reason = entry switch
                {
                    { DuplicateOfLine: { } first } => string.Create(CultureInfo.InvariantCulture, $"{entry.Reason} {first}"),
                    { Outcome: not InviteOutcome.Invalid, Reason: null, Detail: { } detail } => detail,
                    { Outcome: not InviteOutcome.Invalid, Detail: { } detail } => $"{entry.Reason}: {detail}",
                    _ => entry.Reason,
                };
                var invitation = report.IsPreview ? string.Empty : $"{entry.Invitation?.State.ToString() ?? "-",-10}  ";
                var row = string.Create(CultureInfo.InvariantCulture, $"{entry.Line,7}  {TerminalText.Printable(entry.Address),-AddressWidth}  {entry.Outcome,-14}  {invitation}{TerminalText.Printable(reason)}");
                await writer.WriteLineAsync(row.TrimEnd()).ConfigureAwait(false);
            }
        }
    }
}
