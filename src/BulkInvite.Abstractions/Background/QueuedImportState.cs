namespace BulkInvite;

/// <summary>Where an import queued with <see cref="IBulkInviteQueue"/> stands.</summary>
/// <param name="ImportId">The import.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="IsPreview">Whether it sends nothing.</param>
/// <param name="Status">Queued, running or ended.</param>
/// <param name="Progress">The last progress reported, once it runs.</param>
/// <param name="Error">Why it ended without a report (the file cannot be read, a limit, a repeat upload, the mail server is down), or <see langword="null"/>.</param>
/// <param name="ErrorCode">A stable code for <paramref name="Error"/>: <c>InvalidFileFormat</c>, <c>LimitExceeded</c>, <c>RepeatUpload</c>, <c>TransportUnavailable</c>, <c>Cancelled</c> or <c>ImportFailed</c>.</param>
public sealed record QueuedImportState(
    Guid ImportId,
    string TenantId,
    string FileName,
    bool IsPreview,
    QueuedImportStatus Status,
    BulkInviteProgress? Progress,
    string? Error,
    string? ErrorCode);

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
