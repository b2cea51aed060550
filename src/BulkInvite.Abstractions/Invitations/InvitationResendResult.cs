namespace BulkInvite;

/// <summary>The outcome of resending one invitation.</summary>
public sealed class InvitationResendResult
{
    /// <summary>What happened.</summary>
    public required InvitationResendStatus Status { get; init; }

    /// <summary>The invitation after the call; <see langword="null"/> when it was not found.</summary>
    public InvitationRecord? Invitation { get; init; }

    /// <summary>The sender's reply or explanation, if any.</summary>
    public string? Detail { get; init; }
}
