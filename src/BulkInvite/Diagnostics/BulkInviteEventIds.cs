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

    /// <summary>An upload was spooled and its import queued (1300-1399: background imports).</summary>
    public const int BackgroundImportQueued = 1300;

    /// <summary>Spooled imports left by an earlier process were queued again at start-up.</summary>
    public const int BackgroundImportsRecovered = 1301;

    /// <summary>A queued import failed with an unexpected exception; the worker goes on with the next one.</summary>
    public const int BackgroundImportFailed = 1302;

    /// <summary>A spooled import had begun before the process stopped; it is left to <c>ResumeAsync</c>.</summary>
    public const int BackgroundImportInterrupted = 1303;
}
