namespace BulkInvite.Web.Tests;

/// <summary>
/// The system clock moved forward by <see cref="Advance"/>: the host's "now" jumps ahead (an invitation's week passes in
/// a call) while its timers and delays stay real, so that background imports and sign-in sessions keep working.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
