namespace BulkInvite;

/// <summary>Where a queued import stands, as every instance sharing the <see cref="IImportWorkStore"/> sees it.</summary>
/// <remarks><see cref="IBulkInviteHistory.GetStatusAsync"/> merges this with the stored report, and is what a page should read.</remarks>
public sealed class QueuedImportState
{
    /// <summary>The import.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>Its tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The uploaded file's name.</summary>
    public required string FileName { get; init; }

    /// <summary>Whether it sends nothing.</summary>
    public bool IsPreview { get; init; }

    /// <summary>Queued, running or ended.</summary>
    public QueuedImportStatus Status { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset QueuedAt { get; init; }

    /// <summary>
    /// The instance that holds (or last held) its lease, or <see langword="null"/> before its first claim. While its parts
    /// are sent (<see cref="Parts"/>), the instances that hold their leases, separated by <c>", "</c>.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>When the lease expires (or expired); <see langword="null"/> before the first claim and once ended.</summary>
    /// <remarks>A running import whose lease has expired has lost its instance: the next claim takes it over.</remarks>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>How many times it has been claimed: more than 1 after a takeover or a restart.</summary>
    public int Attempts { get; init; }

    /// <summary>How many parts its sending was split into, to be sent by several workers at once; 0 when it was not.</summary>
    public int Parts { get; init; }

    /// <summary>The last progress its worker recorded, once it runs.</summary>
    public BulkInviteProgress? Progress { get; init; }

    /// <summary>Why it ended without a report (the file cannot be read, a limit, a repeat upload, the mail server is down), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>A stable code for <see cref="Error"/>, or <see langword="null"/> when it has not failed.</summary>
    public ImportErrorCode? ErrorCode { get; init; }
}

/// <summary>The stages of a queued import.</summary>
public enum QueuedImportStatus
{
    /// <summary>Waiting for a free worker (or given back by a worker that stopped).</summary>
    Queued = 0,

    /// <summary>Claimed by a worker: being staged, checked or sent; taken over by another when its lease expires.</summary>
    Running = 1,

    /// <summary>Ended with a report (which may say <see cref="ImportStatus.CompletedWithErrors"/>).</summary>
    Completed = 2,

    /// <summary>Ended with an error; see <see cref="QueuedImportState.Error"/>.</summary>
    Failed = 3,
}
