namespace BulkInvite.Tests.Support;

/// <summary>Reports on the calling thread, so that the test sees every report before the import returns.</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
