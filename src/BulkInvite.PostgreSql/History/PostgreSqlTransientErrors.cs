using System.Net.Sockets;
using Npgsql;

namespace BulkInvite.PostgreSql;

/// <summary>Which failures of a call are worth running the whole transaction again.</summary>
internal static class PostgreSqlTransientErrors
{
    /// <summary>
    /// A failure that leaves nothing written and may not happen again: the connection dropped or could not be opened
    /// (the server restarting or shutting down), a serialization failure or a deadlock (the transaction was rolled back).
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is
            PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        _ => false,
    };
}
