namespace BulkInvite.History;

/// <summary>
/// What an import's status is, from the work store's state (shared by every instance) and the stored report: the one
/// place that decides it, so that every host shows the same.
/// </summary>
internal static class ImportStatusReader
{
    /// <summary>Merges the queued state and the stored report as of <paramref name="now"/>; <see langword="null"/> when neither knows the import.</summary>
    public static ImportStatusSnapshot? Merge(QueuedImportState? state, BulkInviteReport? report, DateTimeOffset now)
    {
        if (report is null)
        {
            return state is null ? null : FromQueue(state, now);
        }

        if (state is { Status: QueuedImportStatus.Failed } && report.Status == ImportStatus.Running)
        {
            // The worker failed after the import was recorded, and could not record its end (the store was down), or it
            // was given up after MaxAttempts: the queue knows more than the store.
            return Failed(state, report);
        }

        if (state is { Status: QueuedImportStatus.Queued })
        {
            // Given back by a worker that stopped, waiting for the next claim.
            return new ImportStatusSnapshot
            {
                ImportId = report.ImportId,
                TenantId = report.TenantId,
                FileName = report.FileName,
                IsPreview = report.IsPreview,
                Phase = ImportPhase.Queued,
                EntriesRead = report.Counts.Total,
                Counts = report.Counts,
                Attempts = state.Attempts,
                HasReport = true,
            };
        }

        // A queued import has ended once its work has (its upload is gone), not when its report says so: a worker that
        // failed on a store or a mail server that was down leaves it to the next claim.
        var ended = state is null ? report.Status != ImportStatus.Running : state.Status is QueuedImportStatus.Completed or QueuedImportStatus.Failed;
        var progress = ended ? null : state?.Progress;
        return new ImportStatusSnapshot
        {
            ImportId = report.ImportId,
            TenantId = report.TenantId,
            FileName = report.FileName,
            IsPreview = report.IsPreview,
            Phase = ended ? ImportPhase.Ended : ImportPhase.Running,
            Status = ended ? report.Status : null,
            Stage = progress?.Stage,
            EntriesRead = Math.Max(progress?.EntriesRead ?? 0, report.Counts.Total),
            Counts = Fresher(progress?.Counts, report.Counts),
            Error = ended ? report.Error ?? state?.Error : null,
            ErrorCode = ended ? state?.ErrorCode : null,
            RunningOn = ended ? null : LiveOwner(state, now),
            Attempts = state?.Attempts ?? 0,
            HasReport = true,
        };
    }

    /// <summary>
    /// The later of two counts of one run: entries are only ever added (staging) and moved on from pending, so the counts
    /// with more entries, or as many with fewer still to send, were taken later. The worker's progress is recorded with
    /// its lease renewals, the report's counts at every checkpoint: either may be the fresher.
    /// </summary>
    private static OutcomeCounts Fresher(OutcomeCounts? progress, OutcomeCounts recorded)
    {
        if (progress is null)
        {
            return recorded;
        }

        var (p, r) = (progress.Total, recorded.Total);
        return p > r || (p == r && progress.Pending + progress.Sending < recorded.Pending + recorded.Sending) ? progress : recorded;
    }

    private static string? LiveOwner(QueuedImportState? state, DateTimeOffset now)
        => state is { Status: QueuedImportStatus.Running, LeaseExpiresAt: { } expires } && expires > now ? state.Owner : null;

    private static ImportStatusSnapshot FromQueue(QueuedImportState state, DateTimeOffset now) => state.Status switch
    {
        QueuedImportStatus.Failed => Failed(state, report: null),
        _ => new ImportStatusSnapshot
        {
            ImportId = state.ImportId,
            TenantId = state.TenantId,
            FileName = state.FileName,
            IsPreview = state.IsPreview,
            // Completed without a report: its history was deleted since (retention); what the queue last knew stands.
            Phase = state.Status switch
            {
                QueuedImportStatus.Queued => ImportPhase.Queued,
                QueuedImportStatus.Running => ImportPhase.Running,
                _ => ImportPhase.Ended,
            },
            Status = state.Status == QueuedImportStatus.Completed ? ImportStatus.Completed : null,
            Stage = state.Status == QueuedImportStatus.Running ? state.Progress?.Stage : null,
            EntriesRead = state.Progress?.EntriesRead ?? 0,
            Counts = state.Progress?.Counts ?? OutcomeCounts.Empty,
            RunningOn = LiveOwner(state, now),
            Attempts = state.Attempts,
        },
    };

    private static ImportStatusSnapshot Failed(QueuedImportState state, BulkInviteReport? report) => new()
    {
        ImportId = state.ImportId,
        TenantId = state.TenantId,
        FileName = state.FileName,
        IsPreview = state.IsPreview,
        Phase = ImportPhase.Ended,
        Status = ImportStatus.Failed,
        EntriesRead = report?.Counts.Total ?? 0,
        Counts = report?.Counts ?? OutcomeCounts.Empty,
        Error = state.Error,
        ErrorCode = state.ErrorCode,
        Attempts = state.Attempts,
        HasReport = report is not null,
    };
}
