using Microsoft.Extensions.Logging;

namespace BulkInvite.Diagnostics;

/// <summary>The SDK's log messages. They carry ids, counts and line numbers, never recipients' addresses.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = BulkInviteEventIds.ImportStarted, Level = LogLevel.Information,
        Message = "Import {ImportId} started for tenant {TenantId} (preview: {IsPreview})")]
    public static partial void ImportStarted(ILogger logger, Guid importId, string tenantId, bool isPreview);

    [LoggerMessage(EventId = BulkInviteEventIds.StagingCompleted, Level = LogLevel.Information,
        Message = "Import {ImportId} staged {Entries} entries with parser {Parser}: {Pending} to check, {Invalid} invalid, {Duplicate} duplicates, {Skipped} over the limit")]
    public static partial void StagingCompleted(ILogger logger, Guid importId, long entries, string parser, long pending, long invalid, long duplicate, long skipped);

    [LoggerMessage(EventId = BulkInviteEventIds.ExistenceCheckCompleted, Level = LogLevel.Information,
        Message = "Import {ImportId} checked {Checked} addresses in {Batches} batches: {ExistingUsers} existing users, {AlreadyInvited} already invited")]
    public static partial void ExistenceCheckCompleted(ILogger logger, Guid importId, long @checked, long batches, long existingUsers, long alreadyInvited);

    [LoggerMessage(EventId = BulkInviteEventIds.ImportCompleted, Level = LogLevel.Information,
        Message = "Import {ImportId} ended {Status} in {ElapsedMs} ms: {Invited} invited, {Failed} failed")]
    public static partial void ImportCompleted(ILogger logger, Guid importId, ImportStatus status, long elapsedMs, long invited, long failed);

    [LoggerMessage(EventId = BulkInviteEventIds.PreviewCompleted, Level = LogLevel.Information,
        Message = "Preview {ImportId} ended in {ElapsedMs} ms: {Pending} would be invited")]
    public static partial void PreviewCompleted(ILogger logger, Guid importId, long elapsedMs, long pending);

    [LoggerMessage(EventId = BulkInviteEventIds.ImportCancelled, Level = LogLevel.Warning,
        Message = "Import {ImportId} was cancelled: {Skipped} unsent entries skipped")]
    public static partial void ImportCancelled(ILogger logger, Guid importId, long skipped);

    [LoggerMessage(EventId = BulkInviteEventIds.ImportFailed, Level = LogLevel.Error,
        Message = "Import {ImportId} failed")]
    public static partial void ImportFailed(ILogger logger, Exception exception, Guid importId);

    [LoggerMessage(EventId = BulkInviteEventIds.ImportResumed, Level = LogLevel.Information,
        Message = "Import {ImportId} resumed with {Pending} entries pending")]
    public static partial void ImportResumed(ILogger logger, Guid importId, long pending);

    [LoggerMessage(EventId = BulkInviteEventIds.SendFailedUnexpectedly, Level = LogLevel.Warning,
        Message = "Import {ImportId}: the sender failed for entry {Sequence} (line {Line})")]
    public static partial void SendFailedUnexpectedly(ILogger logger, Exception exception, Guid importId, long sequence, long line);

    [LoggerMessage(EventId = BulkInviteEventIds.TransportUnavailable, Level = LogLevel.Error,
        Message = "Import {ImportId}: the transport is unavailable; unsent entries stay pending")]
    public static partial void TransportUnavailable(ILogger logger, Exception exception, Guid importId);

    [LoggerMessage(EventId = BulkInviteEventIds.RecordingFailed, Level = LogLevel.Error,
        Message = "Import {ImportId}: the history store failed to record {Updates} updates; sending stops, and nothing more is sent until they are recorded")]
    public static partial void RecordingFailed(ILogger logger, Exception exception, Guid importId, int updates);

    [LoggerMessage(EventId = BulkInviteEventIds.InFlightAfterCrash, Level = LogLevel.Warning,
        Message = "Import {ImportId}: {Count} entries were being sent when the import stopped; InFlightAfterCrash is {Policy}")]
    public static partial void InFlightAfterCrash(ILogger logger, Guid importId, long count, InFlightAfterCrash policy);

    [LoggerMessage(EventId = BulkInviteEventIds.HistoryDeleted, Level = LogLevel.Information,
        Message = "Deleted {Imports} imports of tenant {TenantId} created before {Cutoff:O}")]
    public static partial void HistoryDeleted(ILogger logger, int imports, string tenantId, DateTimeOffset cutoff);

    [LoggerMessage(EventId = BulkInviteEventIds.AddressForgotten, Level = LogLevel.Information,
        Message = "Deleted {Entries} report entries of one address for tenant {TenantId}")]
    public static partial void AddressForgotten(ILogger logger, long entries, string tenantId);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportQueued, Level = LogLevel.Information,
        Message = "Import {ImportId} of tenant {TenantId} queued (preview: {IsPreview})")]
    public static partial void BackgroundImportQueued(ILogger logger, Guid importId, string tenantId, bool isPreview);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportClaimed, Level = LogLevel.Information,
        Message = "Import {ImportId} claimed by {Owner} (attempt {Attempt}, fencing token {Fence})")]
    public static partial void BackgroundImportClaimed(ILogger logger, Guid importId, string owner, int attempt, long fence);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportFailed, Level = LogLevel.Error,
        Message = "Queued import {ImportId} failed")]
    public static partial void BackgroundImportFailed(ILogger logger, Exception exception, Guid importId);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportLeaseLost, Level = LogLevel.Warning,
        Message = "Lost the lease on import {ImportId} (fencing token {Fence}); stopped running it, and the instance that claims it next continues it")]
    public static partial void BackgroundImportLeaseLost(ILogger logger, Guid importId, long fence);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportReleased, Level = LogLevel.Information,
        Message = "Import {ImportId} given back as the worker stops; the next claim continues it")]
    public static partial void BackgroundImportReleased(ILogger logger, Guid importId);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundWorkStoreFailed, Level = LogLevel.Warning,
        Message = "The work store failed to {Operation}; trying again")]
    public static partial void BackgroundWorkStoreFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportAttemptsExhausted, Level = LogLevel.Error,
        Message = "Import {ImportId} was claimed {Attempts} times without ending; it is left to a person to resume")]
    public static partial void BackgroundImportAttemptsExhausted(ILogger logger, Guid importId, int attempts);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundImportSplit, Level = LogLevel.Information,
        Message = "Import {ImportId} split into {Parts} parts of its {Pending} pending entries, for any worker to send")]
    public static partial void BackgroundImportSplit(ILogger logger, Guid importId, int parts, long pending);

    [LoggerMessage(EventId = BulkInviteEventIds.BackgroundPartClaimed, Level = LogLevel.Information,
        Message = "Part {Part} of import {ImportId} claimed by {Owner} (attempt {Attempt}, fencing token {Fence})")]
    public static partial void BackgroundPartClaimed(ILogger logger, int part, Guid importId, string owner, int attempt, long fence);
}
