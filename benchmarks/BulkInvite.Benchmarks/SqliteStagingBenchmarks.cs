using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Benchmarks;

/// <summary>
/// Staging one million entries (parse, validate, de-duplicate, store every entry) into a new SQLite database, against
/// the same staging into the in-memory store.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SqliteStagingBenchmarks
{
    private const int Entries = 1_000_000;

    private byte[] _file = [];
    private string _directory = string.Empty;
    private string _databasePath = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var addresses = AddressCorpus.Create(Entries, seed: 7);
        _file = Encoding.UTF8.GetBytes(string.Join('\n', addresses));
        _directory = Path.Combine(Path.GetTempPath(), "bulkinvite-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [IterationSetup]
    public void NewDatabase() => _databasePath = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db");

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, Description = "Stage 1M entries, in-memory store")]
    public Task<BulkInviteReport> InMemory() => StageAsync(sqlite: false);

    [Benchmark(Description = "Stage 1M entries, SQLite store")]
    public Task<BulkInviteReport> Sqlite() => StageAsync(sqlite: true);

    private async Task<BulkInviteReport> StageAsync(bool sqlite)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulkInvite(o =>
        {
            o.MaxEntries = 2_000_000;
            o.StagingBatchSize = 10_000;
        }).WithoutUserExistenceCheck();
        if (sqlite)
        {
            builder.AddSqliteHistoryStore(o => o.DatabasePath = _databasePath);
        }

        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
        var report = await service.ImportAsync(new BulkInviteRequest
        {
            Mode = ImportMode.Preview,
            Content = new MemoryStream(_file, writable: false),
            FileName = "big.txt",
            TenantId = "bench",
            InitiatedBy = "bench",
        });
        if (report.Counts.Total != Entries)
        {
            throw new InvalidOperationException($"Staged {report.Counts.Total} entries, not {Entries}.");
        }

        return report;
    }
}
