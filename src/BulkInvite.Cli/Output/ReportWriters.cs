namespace BulkInvite.Cli.Output;

internal static class ReportWriters
{
    public static IReportWriter Create(ReportFormat format, Stream output) => format switch
    {
        ReportFormat.Json => new JsonReportWriter(output),
        ReportFormat.Csv => new CsvReportWriter(output),
        _ => new TableReportWriter(output),
    };

    /// <summary>Prints a report: the summary, and its entries (of one outcome, if given) unless only the summary is asked for.</summary>
    public static Task WriteAsync(
        IBulkInviteService service, BulkInviteReport report, ReportFormat format, bool summaryOnly, Stream output, CancellationToken cancellationToken, InviteOutcome? outcome = null)
    {
        if (format == ReportFormat.Csv && !summaryOnly)
        {
            return InviteReportExport.WriteCsvAsync(service, report.TenantId, report.ImportId, output, outcome, cancellationToken);
        }

        var entries = summaryOnly ? null : ReadEntriesAsync(service, report, outcome, cancellationToken);
        return Create(format, output).WriteAsync(report, entries, cancellationToken);
    }

    /// <summary>Every entry of an import, read page by page.</summary>
    public static async IAsyncEnumerable<InviteEntryResult> ReadEntriesAsync(
        IBulkInviteService service, BulkInviteReport report, InviteOutcome? outcome, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long after = 0;
        while (true)
        {
            var page = await service.GetEntriesAsync(report.TenantId, report.ImportId, new EntryQuery { Outcome = outcome, AfterSequence = after, Limit = 1000, IncludeTotalCount = false }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var entry in page.Items)
            {
                yield return entry;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                yield break;
            }

            after = page.Items[^1].Sequence;
        }
    }
}
