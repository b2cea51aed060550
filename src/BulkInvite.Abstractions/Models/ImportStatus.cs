namespace BulkInvite;

/// <summary>The state of an import as a whole.</summary>
public enum ImportStatus
{
    /// <summary>The import is being staged or sent.</summary>
    Running = 0,

    /// <summary>Every entry reached a final outcome and none failed to send.</summary>
    Completed = 1,

    /// <summary>Every entry was processed, and some invitations failed to send.</summary>
    CompletedWithErrors = 2,

    /// <summary>
    /// The import was cancelled: the sends in flight finished and were recorded, unsent entries are
    /// <see cref="InviteOutcome.Skipped"/> (reason <c>Cancelled</c>), and resuming the import sends them.
    /// </summary>
    Cancelled = 3,

    /// <summary>The import stopped on an error (unreadable file, limit exceeded, transport down); see <c>Error</c>.</summary>
    Failed = 4,
}
