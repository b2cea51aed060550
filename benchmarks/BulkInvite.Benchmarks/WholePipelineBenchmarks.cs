using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Benchmarks;

/// <summary>
/// The whole pipeline on a generated file of one million lines: staging into the in-memory history store, the
/// user-directory check, and an invitation per new address through a sender that does nothing; beside it the
/// preview (staging and check only) and the summary (nothing stored).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class WholePipelineBenchmarks
{
    private const int Lines = 1_000_000;

    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup() => _path = InputFileGenerator.Cached(Lines);

    [Benchmark(Baseline = true, Description = "ImportAsync: stage, check, send (no-op sender)")]
    public long Import() => Run(_path, ImportMode.Send).Invited;

    [Benchmark(Description = "ImportAsync Preview: stage and check")]
    public long Preview() => Run(_path, ImportMode.Preview).Pending;

    [Benchmark(Description = "ImportAsync CountOnly: counts only")]
    public long Summary() => Run(_path, ImportMode.CountOnly).Pending;

    /// <summary>Runs one import, preview or summary of <paramref name="path"/> (also the <c>measure import</c> mode).</summary>
    public static OutcomeCounts Run(string path, ImportMode mode)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o =>
            {
                o.MaxEntries = int.MaxValue;
                o.MaxFileBytes = 4L << 30;
                o.StagingBatchSize = 10_000;
                o.MaxParallelSends = 8;
            })
            .AddUserExistenceCheck(_ => new NobodyExists())
            .AddSender(new NoOpSender());
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var request = new BulkInviteRequest { Content = file, FileName = "invitees.txt", TenantId = "bench", InitiatedBy = "bench", AllowRepeatUpload = true, Mode = mode };
        return scope.ServiceProvider.GetRequiredService<IBulkInviteService>().ImportAsync(request).GetAwaiter().GetResult().Counts;
    }

    private sealed class NoOpSender : IInvitationSender
    {
        private static readonly Task<InvitationSendResult> Sent = Task.FromResult(InvitationSendResult.Success());

        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default) => Sent;
    }

    private sealed class NobodyExists : IUserExistenceCheck
    {
        public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<UserStatus>>(new UserStatus[query.Addresses.Count]);
    }
}
