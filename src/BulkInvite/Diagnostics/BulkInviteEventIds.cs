namespace BulkInvite;

/// <summary>The event ids of the SDK's log messages, grouped by area. Log messages never contain recipients' addresses.</summary>
public static class BulkInviteEventIds
{
    /// <summary>An import started (1000-1099: the pipeline).</summary>
    public const int ImportStarted = 1000;

    /// <summary>Staging ended: every entry of the file is classified.</summary>
    public const int StagingCompleted = 1001;

    /// <summary>The user-directory check ended.</summary>
    public const int ExistenceCheckCompleted = 1002;

    /// <summary>An import ended.</summary>
    public const int ImportCompleted = 1003;

    /// <summary>An import was cancelled.</summary>
    public const int ImportCancelled = 1004;

    /// <summary>An import failed.</summary>
    public const int ImportFailed = 1005;

    /// <summary>A preview ended.</summary>
    public const int PreviewCompleted = 1006;

    /// <summary>An interrupted import was resumed.</summary>
    public const int ImportResumed = 1007;

    /// <summary>The sender threw an unexpected exception for one entry (1100-1199: sending).</summary>
    public const int SendFailedUnexpectedly = 1100;

    /// <summary>The transport is unavailable; the import stops with its unsent entries pending.</summary>
    public const int TransportUnavailable = 1101;

    /// <summary>The history store failed to record sending's outcomes or marks: sending stops.</summary>
    public const int RecordingFailed = 1102;

    /// <summary>A resumed import found entries that were being sent when its process stopped.</summary>
    public const int InFlightAfterCrash = 1103;

    /// <summary>A tenant's imports older than a cutoff were deleted (1200-1299: retention).</summary>
    public const int HistoryDeleted = 1200;

    /// <summary>A tenant's report rows of one address were deleted on request; the address is not logged.</summary>
    public const int AddressForgotten = 1201;

    /// <summary>An upload was kept in the work store and its import queued (1300-1399: background imports).</summary>
    public const int BackgroundImportQueued = 1300;

    /// <summary>A worker claimed an import: queued, or taken over from an instance whose lease expired.</summary>
    public const int BackgroundImportClaimed = 1301;

    /// <summary>A queued import failed with an unexpected exception; the worker goes on with the next one.</summary>
    public const int BackgroundImportFailed = 1302;

    /// <summary>A worker lost its lease on an import (it was late to renew it, or another claimed it) and stopped running it.</summary>
    public const int BackgroundImportLeaseLost = 1303;

    /// <summary>A stopping worker gave its import back, for the next claim to continue.</summary>
    public const int BackgroundImportReleased = 1304;

    /// <summary>The work store did not answer a worker (claim, renewal, end); it tries again.</summary>
    public const int BackgroundWorkStoreFailed = 1305;

    /// <summary>An import was claimed <c>MaxAttempts</c> times without ending and is left to a person.</summary>
    public const int BackgroundImportAttemptsExhausted = 1306;

    /// <summary>An import's sending was split into parts, for several workers to send at once.</summary>
    public const int BackgroundImportSplit = 1307;

    /// <summary>A part of an import was claimed by a worker.</summary>
    public const int BackgroundPartClaimed = 1308;
}
