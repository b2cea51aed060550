namespace BulkInvite;

/// <summary>What happens when an upload holds more entries than <see cref="BulkInviteOptions.MaxEntries"/>.</summary>
public enum OverLimitBehavior
{
    /// <summary>The import fails with <see cref="InviteLimitExceededException"/> before anything is sent.</summary>
    Reject = 0,

    /// <summary>The first <see cref="BulkInviteOptions.MaxEntries"/> entries are imported; the rest are recorded as <see cref="InviteOutcome.Skipped"/>.</summary>
    SkipExcess = 1,
}
