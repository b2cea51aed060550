namespace BulkInvite;

/// <summary>
/// The invitation an entry of an import sent, as its report shows it (<see cref="InviteEntryResult.Invitation"/>): where
/// it stands, never its token.
/// </summary>
public sealed class EntryInvitation
{
    /// <summary>The invitation's id (what <see cref="IInvitationService"/> resends or revokes).</summary>
    public required Guid InvitationId { get; init; }

    /// <summary>The state at the time of the read (a pending invitation past its expiry reads as <see cref="InvitationState.Expired"/>).</summary>
    public required InvitationState State { get; init; }

    /// <summary>When the current link stops accepting it.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was accepted, if it was.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>How many times it was sent (each send with a new link).</summary>
    public required int SendCount { get; init; }
}
