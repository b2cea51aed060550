namespace BulkInvite.Cli.Output;

/// <summary>Prints an import's summary and, unless only the summary is asked for, its entries.</summary>
internal interface IReportWriter
{
    Task WriteAsync(BulkInviteReport report, IAsyncEnumerable<InviteEntryResult>? entries, CancellationToken cancellationToken);
}
