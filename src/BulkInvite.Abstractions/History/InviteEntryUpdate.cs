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
}
