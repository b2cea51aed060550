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
        IBulkInviteHistory history, BulkInviteReport report, ReportFormat format, bool summaryOnly, Stream output, CancellationToken cancellationToken, InviteOutcome? outcome = null)
    {
        if (format == ReportFormat.Csv && !summaryOnly)
        {
            return InviteReportExport.WriteCsvAsync(history, report.TenantId, report.ImportId, output, outcome, cancellationToken);
        }

        var entries = summaryOnly ? null : history.ReadEntriesAsync(report.TenantId, report.ImportId, outcome, cancellationToken);
        return Create(format, output).WriteAsync(report, entries, cancellationToken);
    }
}
