namespace BulkInvite;

/// <summary>The summary of one import: who, what, when, its status and the count of each outcome.</summary>
public sealed record BulkInviteReport
{
    /// <summary>The import's id.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>The account (tenant) the import belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>The uploaded file's name.</summary>
    public required string FileName { get; init; }

    /// <summary>Who started the import.</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>Whether this was a preview (dry run) that sent nothing.</summary>
    public bool IsPreview { get; init; }

    /// <summary>The import's status.</summary>
    public ImportStatus Status { get; init; }

    /// <summary>The count of each outcome.</summary>
    public OutcomeCounts Counts { get; init; } = OutcomeCounts.Empty;

    /// <summary>
    /// How many of the import's invitations are pending, accepted, expired and revoked, read from the ledger at the time
    /// of the read. Filled by <see cref="IBulkInviteHistory"/>'s reads (<see cref="IBulkInviteHistory.GetReportAsync"/>,
    /// <see cref="IBulkInviteHistory.GetHistoryAsync"/>); <see langword="null"/> where it was not counted (a store's own
    /// reads, a preview, the report an import returns when it ends). Stores do not keep it with the summary.
    /// </summary>
    public InvitationCounts? Invitations { get; init; }

    /// <summary>When the import was started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the import ended, or <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The name of the parser that read the file, once known.</summary>
    public string? ParserName { get; init; }

    /// <summary>Why the import failed, when <see cref="Status"/> is <see cref="ImportStatus.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The named sender the import delivers with (<see cref="BulkInviteRequest.SenderName"/>), or the default sender.</summary>
    public string? SenderName { get; init; }

    /// <summary>Whether addresses with a pending invitation are invited again (<see cref="BulkInviteRequest.ResendPendingInvitations"/>).</summary>
    public bool ResendPendingInvitations { get; init; }

    /// <summary>The SHA-256 of the uploaded file (lower-case hex), once it has been read; used to spot repeat uploads.</summary>
    public string? ContentHash { get; init; }

    /// <summary>The background worker (its instance's name) that ran the import last, or <see langword="null"/> when it ran in its caller's process.</summary>
    public string? RunBy { get; init; }

    /// <summary>When the import last recorded progress; an import still <see cref="ImportStatus.Running"/> that has been quiet for long was interrupted.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}
