namespace BulkInvite.Cli.Output;

/// <summary>How the tool prints a report.</summary>
internal enum ReportFormat
{
    Table,
    Csv,
    Json,
}
