namespace BulkInvite.Web.Imports;

/// <summary>What the status box under the button shows about one import, from the queue and the history store.</summary>
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

    public required OutcomeCounts Counts { get; init; }

    public string? Error { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>Whether nothing more will change (the page stops polling).</summary>
    public bool Finished { get; init; }

    /// <summary>Whether the history store has a report to show under "View details".</summary>
    public bool HasReport { get; init; }

    /// <summary>Reads the import's state; <see langword="null"/> when the tenant has no such import.</summary>
    public static async Task<ImportStatusView?> LoadAsync(IBulkInviteQueue queue, IBulkInviteService service, string tenantId, Guid importId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(service);
        var state = queue.GetState(tenantId, importId);
        var report = await service.GetReportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false);
        if (state is null && report is null)
        {
            return null;
        }

        if (state is { Status: QueuedImportStatus.Failed } && (report is null || report.Status == ImportStatus.Running))
        {
            return new ImportStatusView
            {
                ImportId = importId,
                FileName = state.FileName,
                IsPreview = state.IsPreview,
                Status = nameof(ImportStatus.Failed),
                Counts = report?.Counts ?? OutcomeCounts.Empty,
                Error = state.Error,
                ErrorCode = state.ErrorCode,
                Finished = true,
                HasReport = report is not null,
            };
        }

        if (report is null || (report.Status == ImportStatus.Running && state is { Status: QueuedImportStatus.Queued }))
        {
            return new ImportStatusView
            {
                ImportId = importId,
                FileName = state!.FileName,
                IsPreview = state.IsPreview,
                Status = state.Status == QueuedImportStatus.Queued ? "Queued" : "Running",
                Stage = state.Progress?.Stage.ToString(),
                EntriesRead = state.Progress?.EntriesRead ?? 0,
                Counts = state.Progress?.Counts ?? OutcomeCounts.Empty,
            };
        }

        var running = report.Status == ImportStatus.Running;
        // While it runs, the queue's last progress is fresher than the counts recorded in the store.
        var counts = running && state?.Progress is { } progress ? progress.Counts : report.Counts;
        return new ImportStatusView
        {
            ImportId = importId,
            FileName = report.FileName,
            IsPreview = report.IsPreview,
            Status = running ? "Running" : report.Status.ToString(),
            Stage = running ? state?.Progress?.Stage.ToString() : null,
            EntriesRead = running ? state?.Progress?.EntriesRead ?? counts.Total : counts.Total,
            Counts = counts,
            Error = report.Error ?? state?.Error,
            ErrorCode = state?.ErrorCode,
            Finished = !running && state?.Status is not (QueuedImportStatus.Queued or QueuedImportStatus.Running),
            HasReport = true,
        };
    }
}
