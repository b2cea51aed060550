namespace BulkInvite;

/// <summary>
/// Wakes the waits of one store instance (<see cref="IImportWorkStore.WaitForWorkAsync"/>) when it queues or gives back
/// an import: compiled into every store package. A wait that begins after the signal waits for the next one or its timeout.
/// </summary>
internal sealed class WorkSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends every wait that has begun.</summary>
    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next signal, or the timeout; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ImportWorkArguments.CheckTimeout(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        var signal = Volatile.Read(ref _next).Task;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, timer.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
