namespace BulkInvite;

/// <summary>The outcome of accepting a token.</summary>
/// <remarks>
/// Every refusal names only the state of the invitation the token belongs to: a refused token never tells whether an
/// address has an account or another invitation.
/// </remarks>
public enum InvitationAcceptStatus
{
    /// <summary>Accepted now, by this call: create the account.</summary>
    Accepted = 0,

    /// <summary>The invitation's lifetime has passed.</summary>
    Expired = 1,

    /// <summary>The invitation was revoked.</summary>
    Revoked = 2,

    /// <summary>The invitation was accepted already (the link is single use).</summary>
    AlreadyUsed = 3,

    /// <summary>No invitation has this token: mistyped, forged, or replaced by a later send.</summary>
    Unknown = 4,
}
