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
    /// the new outcome says its email was not sent (<see cref="InviteOutcome.Pending"/>, handed back before the send;
    /// <see cref="InviteOutcome.Skipped"/>) or was refused (<see cref="InviteOutcome.Failed"/>), so neither it nor its
    /// link may hold the address any more (<see cref="IInviteHistoryStore.UpdateEntriesAsync"/>).
    /// </summary>
    public bool WithdrawsInvitation => Outcome is InviteOutcome.Pending or InviteOutcome.Skipped or InviteOutcome.Failed;
}
