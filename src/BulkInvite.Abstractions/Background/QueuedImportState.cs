namespace BulkInvite;

/// <summary>Where an import queued with <see cref="IBulkInviteQueue"/> stands in this process.</summary>
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

    /// <summary>The last progress reported, once it runs.</summary>
    public BulkInviteProgress? Progress { get; init; }

    /// <summary>Why it ended without a report (the file cannot be read, a limit, a repeat upload, the mail server is down), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>A stable code for <see cref="Error"/>, or <see langword="null"/> when it has not failed.</summary>
    public ImportErrorCode? ErrorCode { get; init; }
}

/// <summary>The stages of a queued import.</summary>
public enum QueuedImportStatus
{
    /// <summary>Waiting for a free worker.</summary>
    Queued = 0,

    /// <summary>Being staged, checked or sent.</summary>
    Running = 1,

    /// <summary>Ended with a report (which may say <see cref="ImportStatus.CompletedWithErrors"/>).</summary>
    Completed = 2,

    /// <summary>Ended with an error; see <see cref="QueuedImportState.Error"/>.</summary>
    Failed = 3,
}
