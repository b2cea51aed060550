namespace BulkInvite;

/// <summary>
/// What resuming an import does with the entries its stopped process left <see cref="InviteOutcome.Sending"/>: they
/// were handed to the sender, and whether their message left is not known (at most
/// <see cref="BulkInviteOptions.MaxParallelSends"/> of them).
/// </summary>
public enum InFlightAfterCrash
{
    /// <summary>
    /// Send them again: nobody is left without an invitation, and at most <see cref="BulkInviteOptions.MaxParallelSends"/>
    /// people may receive two. Their entries keep the reason <c>InFlightAfterCrash</c>.
    /// </summary>
    Resend = 0,

    /// <summary>Record them as <see cref="InviteOutcome.Unknown"/> (reason <c>InFlightAfterCrash</c>) for a person to decide.</summary>
    MarkUnknown = 1,
}
