namespace BulkInvite;

/// <summary>
/// Where an import stands, from the background queue and the history store together (what a status box under an upload
/// shows): read it with <see cref="IBulkInviteHistory.GetStatusAsync"/>.
/// </summary>
public sealed class ImportStatusSnapshot
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
    public required ImportPhase Phase { get; init; }

    /// <summary>How it ended (<see cref="ImportStatus.Completed"/>, <see cref="ImportStatus.CompletedWithErrors"/>, <see cref="ImportStatus.Cancelled"/> or <see cref="ImportStatus.Failed"/>), or <see langword="null"/> until <see cref="Phase"/> is <see cref="ImportPhase.Ended"/>.</summary>
    public ImportStatus? Status { get; init; }

    /// <summary>What a running import is doing, as its worker last recorded; <see langword="null"/> when it is not run by a background worker.</summary>
    public ImportStage? Stage { get; init; }

    /// <summary>Entries read from the file so far (all of them once staging has ended).</summary>
    public long EntriesRead { get; init; }

    /// <summary>The count of each outcome, as last recorded.</summary>
    public required OutcomeCounts Counts { get; init; }

    /// <summary>Why it failed or was cancelled, or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>A stable code for <see cref="Error"/>, known when the import was queued; otherwise <see langword="null"/>.</summary>
    public ImportErrorCode? ErrorCode { get; init; }

    /// <summary>The instance whose worker runs it now (its lease is live), or <see langword="null"/>.</summary>
    public string? RunningOn { get; init; }

    /// <summary>How many times a worker has claimed it: more than 1 after a takeover or a restart; 0 when it was not queued.</summary>
    public int Attempts { get; init; }

    /// <summary>Whether the history store has a report and entries to show (an import refused before it was recorded has none).</summary>
    public bool HasReport { get; init; }

    /// <summary>Whether nothing more will change (<see cref="Phase"/> is <see cref="ImportPhase.Ended"/>): a page can stop polling.</summary>
    public bool IsFinished => Phase == ImportPhase.Ended;
}
