namespace BulkInvite;

/// <summary>Where an invitation stands.</summary>
/// <remarks>
/// A <see cref="Pending"/> invitation whose <see cref="InvitationRecord.ExpiresAt"/> has passed reads as
/// <see cref="Expired"/> on every read, before the expiry sweep records it.
/// </remarks>
public enum InvitationState
{
    /// <summary>Sent and waiting: its link accepts it until it expires.</summary>
    Pending = 0,

    /// <summary>Accepted through its link; final.</summary>
    Accepted = 1,

    /// <summary>Its lifetime passed before it was accepted; a resend opens it again with a new link.</summary>
    Expired = 2,

    /// <summary>Withdrawn by the inviting account; final, its link accepts nothing.</summary>
    Revoked = 3,
}
