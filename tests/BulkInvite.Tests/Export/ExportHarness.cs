using System.Text;
using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Export;

/// <summary>Imports with chosen entries, stored straight into the pipeline's history store, and exports to text.</summary>
internal static class ExportHarness
{
    public static readonly DateTimeOffset At = new(2026, 3, 1, 9, 30, 0, TimeSpan.FromHours(2));

    public static async Task<BulkInviteReport> StoreImportAsync(
        PipelineHarness harness, IEnumerable<InviteEntryResult> entries, string? parser = "text", string tenant = PipelineHarness.Tenant)
    {
        var report = new BulkInviteReport
        {
            ImportId = Guid.NewGuid(),
            TenantId = tenant,
            FileName = "invitees.txt",
            InitiatedBy = "admin",
            CreatedAt = At,
            ParserName = parser,
            Status = ImportStatus.Completed,
        };
        await harness.Store.CreateImportAsync(report);
        foreach (var batch in entries.Chunk(5000))
        {
            await harness.Store.AddEntriesAsync(tenant, report.ImportId, batch);
        }

        return report;
    }

    public static InviteEntryResult Entry(long sequence, string address, InviteOutcome outcome = InviteOutcome.Invited) => new()
    {
        Sequence = sequence,
        Line = sequence,
        Address = address,
        Outcome = outcome,
        UpdatedAt = At,
    };

    public static async Task<string> ExportAsync(Func<Stream, Task> write)
    {
        using var output = new MemoryStream();
        await write(output);
        var bytes = output.ToArray();
        Assert.That(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), Is.False, "no byte-order mark");
        return Encoding.UTF8.GetString(bytes);
    }
}
