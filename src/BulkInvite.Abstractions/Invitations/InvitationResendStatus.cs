namespace BulkInvite;

/// <summary>The outcome of resending one invitation.</summary>
public enum InvitationResendStatus
{
    /// <summary>Sent with a new link; the old link accepts nothing.</summary>
    Sent = 0,

    /// <summary>The sender refused the recipient (the reason is in the result's detail); the old link accepts nothing.</summary>
    Rejected = 1,

    /// <summary>The invitation was accepted or revoked: nothing was sent.</summary>
    Closed = 2,

    /// <summary>The tenant has no such invitation.</summary>
    NotFound = 3,
}
