namespace BulkInvite;

/// <summary>Why an import run by the background workers ended without completing: a stable code to branch on or to word.</summary>
/// <remarks>
/// A failure that running the import again may cure (the store, the user directory or the mail server was down) has
/// no code of its own: the import is claimed again after its lease expires, and ends
/// <see cref="AttemptsExhausted"/> only when it never succeeds.
/// </remarks>
public enum ImportErrorCode
{
    /// <summary>An error that running it again cannot cure (an unknown sender name, its upload missing); the import's error says which.</summary>
    ImportFailed = 0,

    /// <summary>The file cannot be read as text (<see cref="InviteFileFormatException"/>).</summary>
    InvalidFileFormat = 1,

    /// <summary>The file is over a configured limit (<see cref="InviteLimitExceededException"/>).</summary>
    LimitExceeded = 2,

    /// <summary>The tenant imported the same content recently (<see cref="InviteRepeatUploadException"/>).</summary>
    RepeatUpload = 3,

    /// <summary>
    /// The import was claimed <c>BackgroundImportOptions.MaxAttempts</c> times and never ended (each worker that ran it
    /// stopped, crashed, or met a store or mail server that was down): it is left to a person, and
    /// <see cref="IBulkInviteService.ResumeAsync"/> continues it from what is still pending.
    /// </summary>
    AttemptsExhausted = 4,
}
