using System.Net.Sockets;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>Which failures the store runs its transaction again for.</summary>
[TestFixture]
public sealed class PostgreSqlTransientErrorsTests
{
    private static PostgresException Server(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [TestCase(PostgresErrorCodes.SerializationFailure, TestName = "A serialization failure is retried")]
    [TestCase(PostgresErrorCodes.DeadlockDetected, TestName = "A deadlock is retried")]
    [TestCase(PostgresErrorCodes.AdminShutdown, TestName = "A server shutting down is retried")]
    [TestCase(PostgresErrorCodes.CrashShutdown, TestName = "A server that crashed is retried")]
    [TestCase(PostgresErrorCodes.CannotConnectNow, TestName = "A server starting up is retried")]
    [TestCase(PostgresErrorCodes.TooManyConnections, TestName = "A server out of connections is retried")]
    [TestCase(PostgresErrorCodes.ConnectionFailure, TestName = "A connection failure reported by the server is retried")]
    public void Transient_server_errors_are_retried(string sqlState)
        => Assert.That(PostgreSqlTransientErrors.IsTransient(Server(sqlState)), Is.True);

    [TestCase(PostgresErrorCodes.UniqueViolation, TestName = "A unique violation is not retried")]
    [TestCase(PostgresErrorCodes.UndefinedTable, TestName = "A missing table is not retried")]
    [TestCase(PostgresErrorCodes.InsufficientPrivilege, TestName = "A missing privilege is not retried")]
    [TestCase(PostgresErrorCodes.QueryCanceled, TestName = "A cancelled statement is not retried")]
    public void Other_server_errors_are_not_retried(string sqlState)
        => Assert.That(PostgreSqlTransientErrors.IsTransient(Server(sqlState)), Is.False);

    [Test]
    public void A_connection_lost_on_the_client_side_is_retried_and_other_failures_are_not()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostgreSqlTransientErrors.IsTransient(new NpgsqlException("Exception while reading from stream", new IOException("reset"))), Is.True);
            Assert.That(PostgreSqlTransientErrors.IsTransient(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))), Is.True);
            Assert.That(PostgreSqlTransientErrors.IsTransient(new OperationCanceledException()), Is.False);
            Assert.That(PostgreSqlTransientErrors.IsTransient(new InvalidOperationException()), Is.False);
            Assert.That(PostgreSqlTransientErrors.IsTransient(new KeyNotFoundException()), Is.False);
        }
    }
}
