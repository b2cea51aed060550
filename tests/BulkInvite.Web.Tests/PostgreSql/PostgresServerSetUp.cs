using BulkInvite.PostgreSql.Tests;

namespace BulkInvite.Web.Tests.PostgreSql;

/// <summary>
/// Starts the throwaway PostgreSQL cluster (<see cref="PostgresServer"/>) before the fixtures of this namespace, and
/// stops it after them; the sample's other tests run without it.
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
