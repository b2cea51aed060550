namespace BulkInvite;

/// <summary>Which invitations of a tenant to list: one page, in the order of their ids (oldest first).</summary>
public sealed record InvitationQuery
{
    /// <summary>Only invitations in this state (as read at the time of the query); all when <see langword="null"/>.</summary>
    public InvitationState? State { get; init; }

    /// <summary>Only invitations of this import; all imports when <see langword="null"/>.</summary>
    public Guid? ImportId { get; init; }

    /// <summary>Only invitations whose id is greater than this one (keyset paging: the last id of the page before); from the start when <see langword="null"/>.</summary>
    public Guid? AfterInvitationId { get; init; }

    /// <summary>The most invitations to return (1 to 10,000).</summary>
    /// <value>Default: 100.</value>
    public int Limit { get; init; } = 100;
}
