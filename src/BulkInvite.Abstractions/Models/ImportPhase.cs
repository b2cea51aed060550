namespace BulkInvite;

/// <summary>Whether an import waits, runs or has ended, as <see cref="ImportStatusSnapshot"/> reports it.</summary>
public enum ImportPhase
{
    /// <summary>Waiting in the background queue for a free worker.</summary>
    Queued = 0,

    /// <summary>Being staged, checked or sent (a queued import whose instance stopped stays running until another takes it over).</summary>
    Running = 1,

    /// <summary>Ended: nothing more will change; <see cref="ImportStatusSnapshot.Status"/> says how.</summary>
    Ended = 2,
}
