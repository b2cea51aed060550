namespace BulkInvite.Web.Imports;

/// <summary>What the status box under the button shows about one import: the SDK's <see cref="ImportStatusSnapshot"/> in the page's words.</summary>
public sealed record ImportStatusView
{
    /// <summary>The outcomes in the order the page lists them.</summary>
    public static readonly IReadOnlyList<InviteOutcome> Outcomes =
    [
        InviteOutcome.Invited, InviteOutcome.Pending, InviteOutcome.Invalid, InviteOutcome.Duplicate,
        InviteOutcome.ExistingUser, InviteOutcome.AlreadyInvited, InviteOutcome.Failed, InviteOutcome.Skipped,
    ];

    public required Guid ImportId { get; init; }

    public required string FileName { get; init; }

    public required bool IsPreview { get; init; }

    /// <summary><c>Queued</c>, <c>Running</c>, or the import's <see cref="ImportStatus"/> once it has ended.</summary>
    public required string Status { get; init; }

    /// <summary>The status in words (<c>Completed with errors</c>).</summary>
    public string StatusText => Wording.Status(Status);

    /// <summary>What a running import is doing: <c>Staging</c>, <c>CheckingUsers</c>, <c>Sending</c>.</summary>
    public string? Stage { get; init; }

    /// <summary>The stage in words (<c>Checking users</c>).</summary>
    public string? StageText => Stage is null ? null : Wording.Stage(Stage);

    public long EntriesRead { get; init; }

    /// <summary>The instance whose worker runs the import now, or <see langword="null"/>.</summary>
    public string? RunningOn { get; init; }

    public required OutcomeCounts Counts { get; init; }

    public string? Error { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>Whether nothing more will change (the page stops polling).</summary>
    public bool Finished { get; init; }

    /// <summary>Whether the history store has a report to show under "View details".</summary>
    public bool HasReport { get; init; }

    /// <summary>Reads the import's status from the SDK; <see langword="null"/> when the tenant has no such import.</summary>
    public static async Task<ImportStatusView?> LoadAsync(IBulkInviteHistory history, string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var status = await history.GetStatusAsync(tenantId, importId, cancellationToken).ConfigureAwait(false);
        return status is null ? null : From(status);
    }

    /// <summary>The page's wording of the SDK's status.</summary>
    public static ImportStatusView From(ImportStatusSnapshot status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new ImportStatusView
        {
            ImportId = status.ImportId,
            FileName = status.FileName,
            IsPreview = status.IsPreview,
            Status = status.Phase == ImportPhase.Ended && status.Status is { } ended ? ended.ToString() : status.Phase.ToString(),
            Stage = status.Stage?.ToString(),
            EntriesRead = status.EntriesRead,
            RunningOn = status.RunningOn,
            Counts = status.Counts,
            Error = status.Error,
            ErrorCode = status.ErrorCode?.ToString(),
            Finished = status.IsFinished,
            HasReport = status.HasReport,
        };
    }
}
