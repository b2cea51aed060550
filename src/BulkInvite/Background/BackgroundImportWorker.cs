using Microsoft.Extensions.Hosting;

namespace BulkInvite.Background;

/// <summary>Runs this instance's <see cref="IImportWorker"/> for as long as the host runs.</summary>
internal sealed class BackgroundImportWorker(IImportWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);
}
