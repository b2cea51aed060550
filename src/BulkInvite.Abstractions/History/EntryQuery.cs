namespace BulkInvite;

/// <summary>Which entries of an import to read: one page, optionally of one outcome.</summary>
public sealed record EntryQuery
{
    /// <summary>Only entries with this outcome; all when <see langword="null"/>.</summary>
    public InviteOutcome? Outcome { get; init; }

    /// <summary>Only entries after this sequence number (keyset paging); 0 starts at the beginning.</summary>
    public long AfterSequence { get; init; }

    /// <summary>
    /// Only entries up to this sequence number, inclusive: a range of the import (a part of it that one worker sends).
    /// A store stops reading at it, so a page of one outcome near the range's end does not read on through the rest of
    /// the import. <see cref="InvitePage{T}.TotalCount"/> counts the import's entries (of the outcome) whatever the range.
    /// </summary>
    /// <value>Default: <see cref="long.MaxValue"/>, the end of the import.</value>
    public long LastSequence { get; init; } = long.MaxValue;

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
