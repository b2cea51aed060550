namespace BulkInvite.Tests.Support;

/// <summary>
/// Measures what a piece of code allocates on the current thread. The runtime itself can allocate on the thread
/// while it compiles or tiers up a method (on-stack replacement), so the code is warmed up and measured over
/// several rounds, and the smallest round counts: an allocation made by the code shows in every round.
/// </summary>
internal static class Allocations
{
    public static long Measure(Action action, int rounds = 5)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var least = long.MaxValue;
        for (var round = 0; round < rounds && least > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
