namespace BulkInvite;

/// <summary>A change of one entry's outcome.</summary>
/// <remarks>A small value passed in batches to <see cref="IInviteHistoryStore.UpdateEntriesAsync"/>; members are only ever added.</remarks>
public readonly struct InviteEntryUpdate
{
    /// <summary>The entry's sequence number within the import.</summary>
    public required long Sequence { get; init; }

    /// <summary>The new outcome.</summary>
    public required InviteOutcome Outcome { get; init; }

    /// <summary>The new reason code (<see cref="InviteReasonCodes"/>), if any; <see langword="null"/> clears the reason.</summary>
    public string? Reason { get; init; }

    /// <summary>The new explanation, if any; <see langword="null"/> clears the detail.</summary>
    public string? Detail { get; init; }

    /// <summary>The mail server's status code, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>When the outcome changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Whether storing this update withdraws the entry's invitation while it is <see cref="InvitationState.Pending"/>:
    /// set only where the entry's email certainly did not leave (handed back before it was given to the sender, or
    /// refused by the mail server), so that its link accepts nothing and its address is free for a later import
    /// (<see cref="IInviteHistoryStore.UpdateEntriesAsync"/>). Not set where delivery is unknown (a transport error
    /// during the send, an entry in flight when its import stopped): that invitation keeps holding the address.
    /// </summary>
    public bool WithdrawsInvitation { get; init; }
}
