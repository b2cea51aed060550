namespace BulkInvite;

/// <summary>A change of one entry's outcome.</summary>
/// <param name="Sequence">The entry's sequence number within the import.</param>
/// <param name="Outcome">The new outcome.</param>
/// <param name="Reason">The new reason code, if any.</param>
/// <param name="Detail">The new explanation, if any.</param>
/// <param name="StatusCode">The mail server's status code, if any.</param>
/// <param name="UpdatedAt">When the outcome changed.</param>
public readonly record struct InviteEntryUpdate(
    long Sequence,
    InviteOutcome Outcome,
    string? Reason,
    string? Detail,
    int? StatusCode,
    DateTimeOffset UpdatedAt);
