namespace BulkInvite;

/// <summary>Which entries of an import to read: one page, optionally of one outcome.</summary>
public sealed record EntryQuery
{
    /// <summary>Only entries with this outcome; all when <see langword="null"/>.</summary>
    public InviteOutcome? Outcome { get; init; }

    /// <summary>Only entries after this sequence number (keyset paging); 0 starts at the beginning.</summary>
    public long AfterSequence { get; init; }

    /// <summary>
    /// Whether <see cref="InvitePage{T}.TotalCount"/> is counted. A store may answer -1 when it is not, which
    /// saves a count over a large import for a reader that pages through to the end anyway.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool IncludeTotalCount { get; init; } = true;

    /// <summary>
    /// Reads each entry's invitation (<see cref="InviteEntryResult.Invitation"/>) with its state at this time: a pending
    /// invitation whose expiry is not after it reads as <see cref="InvitationState.Expired"/>. When <see langword="null"/>,
    /// entries are read without their invitations, which costs the store nothing more. <see cref="IBulkInviteHistory"/>
    /// reads at the current time when this is not set.
    /// </summary>
    public DateTimeOffset? InvitationsAsOf { get; init; }

    /// <summary>The most entries to return.</summary>
    /// <value>Default: 100.</value>
    public int Limit { get; init; } = 100;
}
