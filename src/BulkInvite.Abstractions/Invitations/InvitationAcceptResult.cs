namespace BulkInvite;

/// <summary>The outcome of accepting a token: the accepted invitation, or why it was refused.</summary>
public sealed class InvitationAcceptResult
{
    /// <summary>Accepted, or the reason for the refusal.</summary>
    public required InvitationAcceptStatus Status { get; init; }

    /// <summary>
    /// The accepted invitation (tenant, address, display name and the fields from the file) when
    /// <see cref="Status"/> is <see cref="InvitationAcceptStatus.Accepted"/>; otherwise <see langword="null"/>.
    /// </summary>
    public InvitationRecord? Invitation { get; init; }

    /// <summary>Whether the token was accepted by this call.</summary>
    public bool Succeeded => Status == InvitationAcceptStatus.Accepted;
}
