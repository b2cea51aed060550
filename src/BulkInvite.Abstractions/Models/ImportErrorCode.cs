namespace BulkInvite;

/// <summary>Why an import run by the background queue ended without completing: a stable code to branch on or to word.</summary>
public enum ImportErrorCode
{
    /// <summary>An unexpected error (the history store or the user directory failed, for example); the import's error says which.</summary>
    ImportFailed = 0,

    /// <summary>The file cannot be read as text (<see cref="InviteFileFormatException"/>).</summary>
    InvalidFileFormat = 1,

    /// <summary>The file is over a configured limit (<see cref="InviteLimitExceededException"/>).</summary>
    LimitExceeded = 2,

    /// <summary>The tenant imported the same content recently (<see cref="InviteRepeatUploadException"/>).</summary>
    RepeatUpload = 3,

    /// <summary>The mail server or transport is down (<see cref="InvitationTransportException"/>); unsent entries stay pending, to be resumed.</summary>
    TransportUnavailable = 4,

    /// <summary>The import was cancelled by its caller; unsent entries are skipped, and resuming the import sends them.</summary>
    Cancelled = 5,

    /// <summary>
    /// The import was claimed <c>BackgroundImportOptions.MaxAttempts</c> times and never ended (each worker that ran it
    /// stopped or crashed): it is left to a person, and <see cref="IBulkInviteService.ResumeAsync"/> continues it.
    /// </summary>
    AttemptsExhausted = 6,
}
