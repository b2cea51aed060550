using BulkInvite.PostgreSql.Tests;

namespace BulkInvite.Cli.Tests.PostgreSql;

/// <summary>
/// Starts the throwaway PostgreSQL cluster of the PostgreSQL store's tests (<see cref="PostgresServer"/>) before the
/// fixtures of this namespace, and stops it after them; the tool's other tests run without it.
/// </summary>
[SetUpFixture]
public sealed class PostgresServerSetUp
{
    private readonly PostgresServer _server = new();

    [OneTimeSetUp]
    public Task StartAsync() => _server.StartAsync();

    [OneTimeTearDown]
    public Task StopAsync() => _server.StopAsync();
}
