namespace BulkInvite;

/// <summary>The outcome of one entry of an import. Every entry has exactly one.</summary>
public enum InviteOutcome
{
    /// <summary>Staged but not yet sent: the import is running, was interrupted, or is a preview.</summary>
    Pending = 0,

    /// <summary>An invitation was accepted by the mail server (or written to the pickup folder).</summary>
    Invited = 1,

    /// <summary>Not a valid address; the reason code says why.</summary>
    Invalid = 2,

    /// <summary>The same address appeared earlier in the file.</summary>
    Duplicate = 3,

    /// <summary>The host's user directory says the address already has an account.</summary>
    ExistingUser = 4,

    /// <summary>A pending invitation exists and no resend was asked for.</summary>
    AlreadyInvited = 5,

    /// <summary>Sending failed permanently; the server's status code and text are kept.</summary>
    Failed = 6,

    /// <summary>
    /// Not processed: the import was cancelled or a configured limit was reached. Entries skipped by a cancellation
    /// (reason <c>Cancelled</c>) are sent when the import is resumed.
    /// </summary>
    Skipped = 7,

    /// <summary>
    /// Handed to the sender: recorded before the attempt (the message's Message-Id is
    /// <c>&lt;{ImportId:N}.{Sequence}@domain&gt;</c>, see <c>Invitation.MessageKey</c>). At most <c>MaxParallelSends</c> entries of an import are in this state at any moment. An entry
    /// still here after the import stopped was in flight when its process died: resuming applies
    /// <c>BulkInviteOptions.InFlightAfterCrash</c> to it.
    /// </summary>
    Sending = 8,

    /// <summary>
    /// Was being sent when its import's process stopped, and whether the message left is not known (resumed with
    /// <c>InFlightAfterCrash = MarkUnknown</c>): a person decides, for example from the mail server's log and the
    /// Message-Id named in the detail.
    /// </summary>
    Unknown = 9,
}
