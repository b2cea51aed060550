namespace BulkInvite.PostgreSql.Tests;

/// <summary>Starts the throwaway PostgreSQL cluster (<see cref="PostgresServer"/>) before this project's fixtures, and stops it after them.</summary>
[SetUpFixture]
public sealed class PostgresServerSetUp
{
    private readonly PostgresServer _server = new();

    [OneTimeSetUp]
    public Task StartAsync() => _server.StartAsync();

    [OneTimeTearDown]
    public Task StopAsync() => _server.StopAsync();
}
