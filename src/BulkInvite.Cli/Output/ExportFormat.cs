namespace BulkInvite.Cli.Output;

/// <summary>The file formats of <c>bulkinvite export</c>.</summary>
internal enum ExportFormat
{
    Csv,
    Jsonl,
}
