using Microsoft.Extensions.Logging;

namespace BulkInvite.PostgreSql;

/// <summary>
/// The PostgreSQL store's log messages (event ids 2100-2199, category <c>BulkInvite.PostgreSql</c>). They carry
/// SqlStates, counts and versions, never connection strings, tenants' data or addresses.
/// </summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning,
        Message = "A call to the history database failed transiently (SqlState: {SqlState}); its transaction runs again in {DelayMs} ms (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, Exception exception, string? sqlState, long delayMs, int attempt);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "The BulkInvite schema of the history database was migrated from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaMigrated(ILogger logger, int fromVersion, int toVersion);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "The connection that listens for queued imports was lost or could not be opened (SqlState: {SqlState}); waits for work poll until it is opened again by the next wait")]
    public static partial void WorkListenerLost(ILogger logger, Exception exception, string? sqlState);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information,
        Message = "The connection that listens for queued imports was opened again")]
    public static partial void WorkListenerReconnected(ILogger logger);
}
