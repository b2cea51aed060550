using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Sqlite.Tests;

/// <summary>AddSqliteHistoryStore: registration, start-up validation, and the whole pipeline on a database file.</summary>
[TestFixture]
public sealed class SqliteRegistrationTests
{
    private const string Tenant = "tenant-a";

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private static InvitationTokenKey TestKey => new() { Id = "test", Key = Convert.ToBase64String(new byte[32]) };

    private ServiceProvider BuildProvider(Action<SqliteHistoryStoreOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o =>
            {
                o.ProgressInterval = TimeSpan.Zero;
                o.InvitationTokenKeys.Add(TestKey);
            })
            .WithoutUserExistenceCheck()
            .AddSender(new AcceptingSender())
            .AddSqliteHistoryStore(configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public async Task The_container_resolves_the_sqlite_store_as_the_history_store()
    {
        var path = _folder.File();
        await using var provider = BuildProvider(o =>
        {
            o.DatabasePath = path;
            o.BusyTimeout = TimeSpan.FromSeconds(5);
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var store = provider.GetRequiredService<IInviteHistoryStore>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(store, Is.InstanceOf<SqliteInviteHistoryStore>());
            Assert.That(((SqliteInviteHistoryStore)store).DatabasePath, Is.EqualTo(path));
            Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.SameAs(store), "a singleton");
            Assert.That(provider.GetRequiredService<IImportWorkStore>(), Is.SameAs(store), "the same store queues background imports");
            Assert.That(provider.GetRequiredService<IOptions<SqliteHistoryStoreOptions>>().Value.BusyTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }
    }

    [Test]
    public void Registering_twice_keeps_one_store_and_one_validator()
    {
        var services = new ServiceCollection();
        var builder = services.AddBulkInvite().WithoutUserExistenceCheck();
        builder.AddSqliteHistoryStore(o => o.DatabasePath = "a.db");
        var count = services.Count;
        builder.AddSqliteHistoryStore(o => o.DatabasePath = "a.db");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IImportWorkStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(SqliteInviteHistoryStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<SqliteHistoryStoreOptions>)), Is.EqualTo(1));
            Assert.That(services, Has.Count.EqualTo(count + 1), "only the second configure action is added");
        }
    }

    [Test]
    public async Task The_last_history_store_registered_wins()
    {
        var path = _folder.File();
        var sqliteLast = new ServiceCollection();
        sqliteLast.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<InMemoryInviteHistoryStore>().AddSqliteHistoryStore(o => o.DatabasePath = path);
        var inMemoryLast = new ServiceCollection();
        inMemoryLast.AddBulkInvite().WithoutUserExistenceCheck().AddSqliteHistoryStore(o => o.DatabasePath = path).AddHistoryStore<InMemoryInviteHistoryStore>();
        await using var sqliteProvider = sqliteLast.BuildServiceProvider();
        await using var inMemoryProvider = inMemoryLast.BuildServiceProvider();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sqliteProvider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<SqliteInviteHistoryStore>());
            Assert.That(inMemoryProvider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<InMemoryInviteHistoryStore>());
            Assert.That(sqliteLast.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
            Assert.That(inMemoryLast.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task The_sqlite_store_replaces_an_earlier_work_store()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IImportWorkStore, InMemoryInviteHistoryStore>();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddSqliteHistoryStore(o => o.DatabasePath = _folder.File());
        await using var provider = services.BuildServiceProvider();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IImportWorkStore)), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IImportWorkStore>(), Is.SameAs(provider.GetRequiredService<IInviteHistoryStore>()));
        }
    }

    [Test]
    public void Start_up_fails_without_a_token_key_and_names_the_setting()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddSender(new AcceptingSender()).AddSqliteHistoryStore(o => o.DatabasePath = _folder.File());
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:InvitationTokenKeys"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Start_up_fails_without_a_database_path_and_names_the_setting(string? path)
    {
        using var provider = BuildProvider(o => o.DatabasePath = path!);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:Sqlite:DatabasePath"));
    }

    [Test]
    public void Start_up_fails_on_a_negative_busy_timeout_and_names_the_setting()
    {
        using var provider = BuildProvider(o =>
        {
            o.DatabasePath = "x.db";
            o.BusyTimeout = TimeSpan.FromSeconds(-1);
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:Sqlite:BusyTimeout"));
    }

    [Test]
    public void AddSqliteHistoryStore_validates_its_arguments()
    {
        var builder = new ServiceCollection().AddBulkInvite();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => ((IBulkInviteBuilder)null!).AddSqliteHistoryStore(o => o.DatabasePath = "x.db"), Throws.ArgumentNullException);
            Assert.That(() => builder.AddSqliteHistoryStore(null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    public async Task An_import_through_the_pipeline_is_in_the_history_after_a_restart()
    {
        var path = _folder.File();
        const string File = "Jane <jane@example.com>\ninvalid-address\nbob@example.com\nJANE@example.com\n";
        BulkInviteReport report;
        await using (var provider = BuildProvider(o => o.DatabasePath = path))
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

        await using (var provider = BuildProvider(o => o.DatabasePath = path))
        {
            await using var scope = provider.CreateAsyncScope();
            var reads = scope.ServiceProvider.GetRequiredService<IBulkInviteHistory>();
            var history = await reads.GetHistoryAsync(Tenant, new ImportQuery());
            var entries = await reads.GetEntriesAsync(Tenant, report.ImportId, new EntryQuery());
            var otherTenant = await reads.GetHistoryAsync("tenant-b", new ImportQuery());

            using (Assert.EnterMultipleScope())
            {
                Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
                Assert.That(history.Items.Single() with { Invitations = null }, Is.EqualTo(report), "the import's own report does not count its invitations");
                Assert.That(history.Items.Single().Counts, Is.EqualTo(new OutcomeCounts { Invited = 2, Invalid = 1, Duplicate = 1 }));
                Assert.That(history.Items.Single().Invitations, Is.EqualTo(new InvitationCounts { Pending = 2 }), "History counts them");
                Assert.That(
                    entries.Items.Select(e => (e.Line, e.Address, e.Outcome)),
                    Is.EqualTo(new[]
                    {
                        (1L, "jane@example.com", InviteOutcome.Invited),
                        (2L, "invalid-address", InviteOutcome.Invalid),
                        (3L, "bob@example.com", InviteOutcome.Invited),
                        (4L, "JANE@example.com", InviteOutcome.Duplicate),
                    }));
                Assert.That(entries.Items[0].DisplayName, Is.EqualTo("Jane"));
                Assert.That(entries.Items[3].DuplicateOfLine, Is.EqualTo(1));
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
