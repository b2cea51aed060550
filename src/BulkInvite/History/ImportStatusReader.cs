namespace BulkInvite.History;

/// <summary>
/// What an import's status is, from what the background queue knows (in this process) and what the store recorded:
/// the one place that decides it, so that every host shows the same.
/// </summary>
internal static class ImportStatusReader
{
    /// <summary>Merges the queue's state and the stored report; <see langword="null"/> when neither knows the import.</summary>
    public static ImportStatusSnapshot? Merge(QueuedImportState? state, BulkInviteReport? report)
    {
        if (report is null)
        {
            return state is null ? null : FromQueue(state);
        }

        if (state is { Status: QueuedImportStatus.Failed } && report.Status == ImportStatus.Running)
        {
            // The worker failed after the import was recorded, and could not record its end (the store is down):
            // the queue knows more than the store.
            return Failed(state, report);
        }

        if (report.Status == ImportStatus.Running && state is { Status: QueuedImportStatus.Queued })
        {
            // A job recovered from the spool folder, not started yet, whose import an earlier process had begun.
            return FromQueue(state);
        }

        var running = report.Status == ImportStatus.Running;
        // The queue's end is shown once its worker has finished (the spooled upload is gone), not when the report is written.
        var ended = !running && state?.Status is not (QueuedImportStatus.Queued or QueuedImportStatus.Running);
        // While it runs, the queue's last progress is fresher than the counts recorded in the store.
        var progress = running ? state?.Progress : null;
        var counts = progress?.Counts ?? report.Counts;
        return new ImportStatusSnapshot
        {
            ImportId = report.ImportId,
            TenantId = report.TenantId,
            FileName = report.FileName,
            IsPreview = report.IsPreview,
            Phase = ended ? ImportPhase.Ended : ImportPhase.Running,
            Status = ended ? report.Status : null,
            Stage = ended ? null : state?.Progress?.Stage,
            EntriesRead = progress?.EntriesRead ?? counts.Total,
            Counts = counts,
            Error = report.Error ?? state?.Error,
            ErrorCode = state?.ErrorCode,
            HasReport = true,
        };
    }

    private static ImportStatusSnapshot FromQueue(QueuedImportState state) => state.Status switch
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
        HasReport = report is not null,
    };
}
