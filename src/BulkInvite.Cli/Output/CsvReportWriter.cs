using System.Globalization;
using System.Text;

namespace BulkInvite.Cli.Output;

/// <summary>
/// The summary as CSV: <c>outcome,count</c> and one row per outcome, then (except for a preview) one row per invitation
/// state, named <c>invitations.STATE</c>. The entries are written by the SDK's
/// <see cref="InviteReportExport.WriteCsvAsync"/> (see <see cref="ReportWriters.WriteAsync"/>), so the tool prints
/// the same CSV report, formula neutralisation included, as a host offers for download.
/// </summary>
internal sealed class CsvReportWriter(Stream output) : IReportWriter
{
    public async Task WriteAsync(BulkInviteReport report, IAsyncEnumerable<InviteEntryResult>? entries, CancellationToken cancellationToken)
    {
        if (entries is not null)
        {
            throw new InvalidOperationException("CSV entries are written by InviteReportExport.");
        }

        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("outcome,count").ConfigureAwait(false);
            foreach (var outcome in Enum.GetValues<InviteOutcome>())
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{outcome},{report.Counts[outcome]}")).ConfigureAwait(false);
            }

            if (report.Invitations is { } invitations)
            {
                foreach (var state in Enum.GetValues<InvitationState>())
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"invitations.{state},{invitations[state]}")).ConfigureAwait(false);
                }
            }
        }
    }
}
