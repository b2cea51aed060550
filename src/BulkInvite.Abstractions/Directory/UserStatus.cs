namespace BulkInvite;

/// <summary>What the host's user directory knows about an address.</summary>
public enum UserStatus
{
    /// <summary>No account and no pending invitation: the address can be invited.</summary>
    Unknown = 0,

    /// <summary>The address already belongs to an account user: it is never invited.</summary>
    Member = 1,

    /// <summary>An unexpired invitation is pending: it is invited again only when a resend is asked for.</summary>
    PendingInvitation = 2,
}
