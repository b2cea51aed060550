namespace BulkInvite;

/// <summary>
/// Runs the imports of the shared <see cref="IImportWorkStore"/>: queued ones, and those whose instance stopped (their
/// lease expired), continued from what is still pending. <c>AddBackgroundImports()</c> runs one as a hosted service; a
/// host without one (a command-line worker, a scheduled job) runs it itself.
/// </summary>
public interface IImportWorker
{
    /// <summary>Claims and runs imports, <c>MaxConcurrentImports</c> at a time, until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="stoppingToken">Stops the worker: imports it runs stop after their sends in flight are recorded, and are given back for the next claim.</param>
    /// <returns>A task that completes when the worker has stopped.</returns>
    Task RunAsync(CancellationToken stoppingToken);

    /// <summary>
    /// Claims and runs imports until none is left in the store: none queued, and none claimed by any instance (an
    /// import another instance runs is waited for, and taken over if that instance stops).
    /// </summary>
    /// <param name="stoppingToken">Stops the worker early, as <see cref="RunAsync"/>.</param>
    /// <returns>How many imports this worker ran to their end.</returns>
    Task<int> RunUntilIdleAsync(CancellationToken stoppingToken);
}
