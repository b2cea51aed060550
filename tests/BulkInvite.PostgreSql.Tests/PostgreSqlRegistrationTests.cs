using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>AddPostgreSqlHistoryStore: registration, start-up validation, and the whole pipeline on the server.</summary>
[TestFixture]
public sealed class PostgreSqlRegistrationTests
{
    private const string Tenant = "tenant-a";

    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _connectionString = await PostgresServer.Current.CreateDatabaseAsync();

    private static InvitationTokenKey TestKey => new() { Id = "test", Key = Convert.ToBase64String(new byte[32]) };

    private static ServiceProvider BuildProvider(Action<PostgreSqlHistoryStoreOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o =>
            {
                o.ProgressInterval = TimeSpan.Zero;
                o.InvitationTokenKeys.Add(TestKey);
            })
            .WithoutUserExistenceCheck()
            .AddSender(new AcceptingSender())
            .AddPostgreSqlHistoryStore(configure);
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public async Task The_container_resolves_one_store_on_the_connection_string()
    {
        await using var provider = BuildProvider(o =>
        {
            o.ConnectionString = _connectionString;
            o.RetryTimeout = TimeSpan.FromSeconds(5);
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var store = provider.GetRequiredService<IInviteHistoryStore>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(store, Is.InstanceOf<PostgreSqlInviteHistoryStore>());
            Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.SameAs(store), "a singleton");
            Assert.That(((PostgreSqlInviteHistoryStore)store).DataSource.ConnectionString, Is.EqualTo(new NpgsqlConnectionStringBuilder(_connectionString).ConnectionString));
            Assert.That(provider.GetRequiredService<IOptions<PostgreSqlHistoryStoreOptions>>().Value.RetryTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }
    }

    [Test]
    public async Task The_store_is_also_the_work_store_and_replaces_one_registered_before()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IImportWorkStore>(_ => throw new InvalidOperationException("The earlier work store was resolved."));
        services.AddBulkInvite(o => o.InvitationTokenKeys.Add(TestKey))
            .WithoutUserExistenceCheck()
            .AddSender(new AcceptingSender())
            .AddPostgreSqlHistoryStore(o => o.ConnectionString = _connectionString);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<IInviteHistoryStore>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<IImportWorkStore>(), Is.SameAs(store), "one instance on one database");
            Assert.That(provider.GetServices<IImportWorkStore>().Count(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Without_a_connection_string_the_store_uses_the_data_source_registered_in_the_container()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var provider = BuildProvider(_ => { }, services => services.AddSingleton(dataSource));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var store = (PostgreSqlInviteHistoryStore)provider.GetRequiredService<IInviteHistoryStore>();
        await store.CreateImportAsync(new BulkInviteReport { ImportId = Guid.NewGuid(), TenantId = Tenant, FileName = "f", InitiatedBy = "a", CreatedAt = DateTimeOffset.UnixEpoch });

        Assert.That(store.DataSource, Is.SameAs(dataSource));
    }

    [Test]
    public async Task A_connection_string_wins_over_the_data_source_in_the_container()
    {
        await using var other = NpgsqlDataSource.Create("Host=127.0.0.1;Database=other");
        await using var provider = BuildProvider(o => o.ConnectionString = _connectionString, services => services.AddSingleton(other));

        var store = (PostgreSqlInviteHistoryStore)provider.GetRequiredService<IInviteHistoryStore>();

        Assert.That(store.DataSource, Is.Not.SameAs(other));
    }

    [Test]
    public void Start_up_fails_without_a_connection_string_or_a_data_source_and_names_the_setting()
    {
        using var provider = BuildProvider(_ => { });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:PostgreSql:ConnectionString").And.Contain("NpgsqlDataSource"));
    }

    [TestCase("Host=db;Password=s3cret;Unheard=1")]
    [TestCase("Host=db;Password=s3cret;=1")]
    public void Start_up_fails_on_an_unreadable_connection_string_and_does_not_repeat_it(string unreadable)
    {
        using var provider = BuildProvider(o => o.ConnectionString = unreadable);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:PostgreSql:ConnectionString").And.Not.Contain("s3cret"));
    }

    [Test]
    public void Start_up_fails_on_a_negative_retry_timeout_and_names_the_setting()
    {
        using var provider = BuildProvider(o =>
        {
            o.ConnectionString = _connectionString;
            o.RetryTimeout = TimeSpan.FromSeconds(-1);
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:PostgreSql:RetryTimeout"));
    }

    [Test]
    public void Start_up_fails_without_a_token_key_and_names_the_setting()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddSender(new AcceptingSender()).AddPostgreSqlHistoryStore(o => o.ConnectionString = _connectionString);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:InvitationTokenKeys"));
    }

    [Test]
    public void Registering_twice_keeps_one_store_and_one_validator()
    {
        var services = new ServiceCollection();
        var builder = services.AddBulkInvite().WithoutUserExistenceCheck();
        builder.AddPostgreSqlHistoryStore(o => o.ConnectionString = "Host=127.0.0.1");
        var count = services.Count;
        builder.AddPostgreSqlHistoryStore(o => o.MigrateSchema = false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<PostgreSqlHistoryStoreOptions>)), Is.EqualTo(1));
            Assert.That(services, Has.Count.EqualTo(count + 1), "only the second configure action is added");
        }
    }

    [Test]
    public async Task The_last_history_store_registered_wins()
    {
        var postgresLast = new ServiceCollection();
        postgresLast.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<InMemoryInviteHistoryStore>().AddPostgreSqlHistoryStore(o => o.ConnectionString = _connectionString);
        var inMemoryLast = new ServiceCollection();
        inMemoryLast.AddBulkInvite().WithoutUserExistenceCheck().AddPostgreSqlHistoryStore(o => o.ConnectionString = _connectionString).AddHistoryStore<InMemoryInviteHistoryStore>();
        await using var postgresProvider = postgresLast.BuildServiceProvider();
        await using var inMemoryProvider = inMemoryLast.BuildServiceProvider();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(postgresProvider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<PostgreSqlInviteHistoryStore>());
            Assert.That(inMemoryProvider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<InMemoryInviteHistoryStore>());
        }
    }

    [Test]
    public void AddPostgreSqlHistoryStore_validates_its_arguments()
    {
        var builder = new ServiceCollection().AddBulkInvite();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => ((IBulkInviteBuilder)null!).AddPostgreSqlHistoryStore(o => o.ConnectionString = "Host=x"), Throws.ArgumentNullException);
            Assert.That(() => builder.AddPostgreSqlHistoryStore(null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    public async Task An_import_through_the_pipeline_is_in_the_history_of_another_instance()
    {
        const string File = "Jane <jane@example.com>\ninvalid-address\nbob@example.com\nJANE@example.com\n";
        BulkInviteReport report;
        await using (var provider = BuildProvider(o => o.ConnectionString = _connectionString))
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            await using var scope = provider.CreateAsyncScope();
            report = await scope.ServiceProvider.GetRequiredService<IBulkInviteService>().ImportAsync(new BulkInviteRequest
            {
                Content = new MemoryStream(Encoding.UTF8.GetBytes(File)),
                FileName = "invitees.txt",
                TenantId = Tenant,
                InitiatedBy = "admin",
            });
        }

        await using (var provider = BuildProvider(o => o.ConnectionString = _connectionString))
        {
            await using var scope = provider.CreateAsyncScope();
            var reads = scope.ServiceProvider.GetRequiredService<IBulkInviteHistory>();
            var history = await reads.GetHistoryAsync(Tenant, new ImportQuery());
            var entries = await reads.GetEntriesAsync(Tenant, report.ImportId, new EntryQuery());
            var otherTenant = await reads.GetHistoryAsync("tenant-b", new ImportQuery());
            var invitations = await scope.ServiceProvider.GetRequiredService<IInvitationService>().ListAsync(Tenant, new InvitationQuery { ImportId = report.ImportId });

            using (Assert.EnterMultipleScope())
            {
                Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
                Assert.That(history.Items.Single(i => i.ImportId == report.ImportId), Is.EqualTo(report with { Invitations = new InvitationCounts { Pending = 2 } }));
                Assert.That(report.Counts, Is.EqualTo(new OutcomeCounts { Invited = 2, Invalid = 1, Duplicate = 1 }));
                Assert.That(
                    entries.Items.Select(e => (e.Line, e.Address, e.Outcome)),
                    Is.EqualTo(new[]
                    {
                        (1L, "jane@example.com", InviteOutcome.Invited),
                        (2L, "invalid-address", InviteOutcome.Invalid),
                        (3L, "bob@example.com", InviteOutcome.Invited),
                        (4L, "JANE@example.com", InviteOutcome.Duplicate),
                    }));
                Assert.That(invitations.Items.Select(i => i.Address), Is.EquivalentTo(new[] { "jane@example.com", "bob@example.com" }));
                Assert.That(otherTenant.TotalCount, Is.Zero);
            }
        }
    }

    private sealed class AcceptingSender : IInvitationSender
    {
        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => Task.FromResult(InvitationSendResult.Success());
    }
}
