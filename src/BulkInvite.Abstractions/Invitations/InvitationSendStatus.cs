namespace BulkInvite;

/// <summary>What the store did with one <see cref="InvitationSend"/>.</summary>
public enum InvitationSendStatus
{
    /// <summary>
    /// Recorded: the invitation was created, or (pending or expired) given the new token, a new expiry and one more
    /// send, and is <see cref="InvitationState.Pending"/>. The email may leave.
    /// </summary>
    Recorded = 0,

    /// <summary>The entry's invitation was accepted or revoked: nothing changed, and the email must not leave.</summary>
    Closed = 1,

    /// <summary>
    /// Another invitation of the same address of the tenant, pending and unexpired or accepted, holds it: nothing was
    /// recorded, and the email must not leave. <see cref="IInviteHistoryStore.FindLiveInvitationsAsync"/> names it.
    /// </summary>
    AddressInvited = 2,
}
