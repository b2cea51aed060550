using BulkInvite.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Tests.DependencyInjection;

[TestFixture]
public sealed class RegistrationTests
{
    [Test]
    public async Task The_container_builds_and_resolves_everything()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddSender<RecordingSender>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();
        await using var scope = provider.CreateAsyncScope();
        Assert.Multiple(() =>
        {
            Assert.That(scope.ServiceProvider.GetRequiredService<IBulkInviteService>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IEmailValidator>(), Is.InstanceOf<EmailValidator>());
            Assert.That(provider.GetServices<IInviteFileParser>().Select(p => p.Name), Is.EqualTo(new[] { "text", "csv" }));
            Assert.That(provider.GetRequiredService<IInviteFileReader>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<InMemoryInviteHistoryStore>());
            Assert.That(provider.GetRequiredService<IInvitationSender>(), Is.InstanceOf<RecordingSender>());
            Assert.That(scope.ServiceProvider.GetRequiredService<IUserExistenceCheck>(), Is.InstanceOf<FakeUserDirectory>());
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
            Assert.That(provider.GetRequiredService<IBulkInviteHistory>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IInvitationService>(), Is.SameAs(scope.ServiceProvider.GetRequiredService<IInvitationService>()), "one singleton");
            Assert.That(provider.GetRequiredService<IBulkInviteRetention>(), Is.Not.Null);
        });
    }

    [Test]
    public async Task The_read_and_retention_surfaces_are_one_singleton_that_a_scope_and_the_root_share()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();

        var history = provider.GetRequiredService<IBulkInviteHistory>();

        Assert.That(provider.GetRequiredService<IBulkInviteRetention>(), Is.SameAs(history));
        Assert.That(scope.ServiceProvider.GetRequiredService<IBulkInviteHistory>(), Is.SameAs(history));
        Assert.That(scope.ServiceProvider.GetRequiredService<IBulkInviteRetention>(), Is.SameAs(history));
    }

    [Test]
    public async Task The_read_surface_resolves_beside_the_background_queue()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddBackgroundImports();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var history = provider.GetRequiredService<IBulkInviteHistory>();

        Assert.That(await history.GetStatusAsync("tenant-a", Guid.NewGuid()), Is.Null);
        Assert.That(provider.GetRequiredService<IBulkInviteQueue>(), Is.Not.Null);
    }

    [Test]
    public void Registering_twice_changes_nothing()
    {
        var once = new ServiceCollection();
        once.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddSender<RecordingSender>();
        var twice = new ServiceCollection();
        twice.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddSender<RecordingSender>();
        twice.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddSender<RecordingSender>();

        Assert.That(twice.Count, Is.EqualTo(once.Count));
    }

    [Test]
    public void Start_up_fails_without_a_user_existence_check_and_says_how_to_fix_it()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().AddSender<RecordingSender>();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("AddUserExistenceCheck").And.Contain("WithoutUserExistenceCheck"));
    }

    [Test]
    public void Opting_out_of_the_user_existence_check_is_explicit()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IStartupValidator>().Validate(), Throws.Nothing);
        Assert.That(provider.GetRequiredService<IOptions<BulkInviteOptions>>().Value.AllowMissingUserExistenceCheck, Is.True);
    }

    [TestCase(nameof(BulkInviteOptions.MaxParallelSends))]
    [TestCase(nameof(BulkInviteOptions.ExistenceCheckBatchSize))]
    [TestCase(nameof(BulkInviteOptions.MaxEntries))]
    [TestCase(nameof(BulkInviteOptions.MaxFileBytes))]
    [TestCase(nameof(BulkInviteOptions.StagingBatchSize))]
    public void Bad_options_fail_at_start_up_naming_the_setting(string setting)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => typeof(BulkInviteOptions).GetProperty(setting)!.SetValue(o, Convert.ChangeType(0, typeof(BulkInviteOptions).GetProperty(setting)!.PropertyType, System.Globalization.CultureInfo.InvariantCulture)))
            .WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:" + setting));
    }

    [TestCase("00:00:00", "BulkInvite:InvitationLifetime")]
    [TestCase("-1.00:00:00", "BulkInvite:InvitationLifetime")]
    [TestCase("366.00:00:00", "BulkInvite:InvitationLifetime")]
    public void A_bad_invitation_lifetime_fails_at_start_up_naming_the_setting(string lifetime, string setting)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.InvitationLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture)).WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain(setting));
    }

    [TestCase("k", "AAAA", "BulkInvite:InvitationTokenKeys:0:Key is 3 bytes")]
    [TestCase("k", "not base64!", "BulkInvite:InvitationTokenKeys:0:Key is not base64")]
    [TestCase("", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "BulkInvite:InvitationTokenKeys:0:Id is empty")]
    public void A_bad_token_key_fails_at_start_up_naming_the_setting(string id, string key, string message)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.InvitationTokenKeys.Add(new InvitationTokenKey { Id = id, Key = key })).WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void Two_token_keys_with_one_id_fail_at_start_up()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o =>
        {
            o.InvitationTokenKeys.Add(TestTokenKeys.Current);
            o.InvitationTokenKeys.Add(new InvitationTokenKey { Id = TestTokenKeys.Current.Id, Key = TestTokenKeys.Older.Key });
        }).WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:InvitationTokenKeys:1:Id 'k2' is used by an earlier key"));
    }

    [Test]
    public void A_store_of_the_hosts_own_without_a_token_key_fails_at_start_up_and_the_in_memory_one_needs_none()
    {
        var own = new ServiceCollection();
        own.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<OtherStore>();
        using var ownProvider = own.BuildServiceProvider();
        var inMemory = new ServiceCollection();
        inMemory.AddBulkInvite().WithoutUserExistenceCheck();
        using var inMemoryProvider = inMemory.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => ownProvider.GetRequiredService<IStartupValidator>().Validate());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("BulkInvite:InvitationTokenKeys"));
            Assert.That(() => inMemoryProvider.GetRequiredService<IStartupValidator>().Validate(), Throws.Nothing);
            Assert.That(inMemoryProvider.GetRequiredService<IInvitationService>(), Is.Not.Null);
        }
    }

    [Test]
    public void Parser_limits_are_checked_at_start_up()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.Parsing.MaxEntryLength = 10).WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(ex!.Message, Does.Contain("BulkInvite:Parsing:MaxEntryLength"));
    }

    [Test]
    public void Validation_options_reach_the_registered_validator()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.Validation.AllowSingleLabelDomain = true).WithoutUserExistenceCheck();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IEmailValidator>().Validate("user@localhost"), Is.EqualTo(InvalidReason.None));
    }

    [Test]
    public void A_history_store_replaces_the_in_memory_one()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<OtherStore>();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<OtherStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
    }

    [Test]
    public void A_host_parser_is_added_beside_the_built_in_ones()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddParser<HostParser>();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetServices<IInviteFileParser>().Select(p => p.Name), Is.EqualTo(new[] { "text", "csv", "host" }));
    }

    [Test]
    public void The_last_user_existence_check_registered_wins()
    {
        var byType = new ServiceCollection();
        byType.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddUserExistenceCheck<OtherDirectory>();
        var withLifetime = new ServiceCollection();
        withLifetime.AddBulkInvite().AddUserExistenceCheck<OtherDirectory>().AddUserExistenceCheck<FakeUserDirectory>(ServiceLifetime.Singleton);
        var byFactory = new ServiceCollection();
        byFactory.AddBulkInvite().AddUserExistenceCheck<FakeUserDirectory>().AddUserExistenceCheck(_ => new OtherDirectory());
        using var byTypeProvider = byType.BuildServiceProvider();
        using var withLifetimeProvider = withLifetime.BuildServiceProvider();
        using var byFactoryProvider = byFactory.BuildServiceProvider();
        using var byTypeScope = byTypeProvider.CreateScope();
        using var byFactoryScope = byFactoryProvider.CreateScope();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byTypeScope.ServiceProvider.GetRequiredService<IUserExistenceCheck>(), Is.InstanceOf<OtherDirectory>());
            Assert.That(withLifetimeProvider.GetRequiredService<IUserExistenceCheck>(), Is.InstanceOf<FakeUserDirectory>());
            Assert.That(byFactoryScope.ServiceProvider.GetRequiredService<IUserExistenceCheck>(), Is.InstanceOf<OtherDirectory>());
            Assert.That(byType.Count(d => d.ServiceType == typeof(IUserExistenceCheck)), Is.EqualTo(1));
            Assert.That(withLifetime.Count(d => d.ServiceType == typeof(IUserExistenceCheck)), Is.EqualTo(1));
            Assert.That(byFactory.Count(d => d.ServiceType == typeof(IUserExistenceCheck)), Is.EqualTo(1));
        }
    }

    [Test]
    public void The_last_sender_registered_wins()
    {
        var instance = new OtherSender();
        var byType = new ServiceCollection();
        byType.AddBulkInvite().WithoutUserExistenceCheck().AddSender(instance).AddSender<RecordingSender>();
        var byInstance = new ServiceCollection();
        byInstance.AddBulkInvite().WithoutUserExistenceCheck().AddSender<RecordingSender>().AddSender(instance);
        using var byTypeProvider = byType.BuildServiceProvider();
        using var byInstanceProvider = byInstance.BuildServiceProvider();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byTypeProvider.GetRequiredService<IInvitationSender>(), Is.InstanceOf<RecordingSender>());
            Assert.That(byInstanceProvider.GetRequiredService<IInvitationSender>(), Is.SameAs(instance));
            Assert.That(byType.Count(d => d.ServiceType == typeof(IInvitationSender)), Is.EqualTo(1));
            Assert.That(byInstance.Count(d => d.ServiceType == typeof(IInvitationSender)), Is.EqualTo(1));
        }
    }

    [Test]
    public void The_last_history_store_registered_wins()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<OtherStore>().AddHistoryStore<InMemoryInviteHistoryStore>();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<InMemoryInviteHistoryStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(IInviteHistoryStore)), Is.EqualTo(1));
    }

    [Test]
    public void The_work_store_of_background_imports_is_the_history_store_whichever_is_registered_first()
    {
        foreach (var backgroundFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            services.AddLogging();
            var builder = services.AddBulkInvite().WithoutUserExistenceCheck();
            if (backgroundFirst)
            {
                builder.AddBackgroundImports().AddHistoryStore<OtherStore>().AddHistoryStore<InMemoryInviteHistoryStore>();
            }
            else
            {
                builder.AddHistoryStore<OtherStore>().AddHistoryStore<InMemoryInviteHistoryStore>().AddBackgroundImports();
            }

            using var provider = services.BuildServiceProvider();

            Assert.That(provider.GetRequiredService<IImportWorkStore>(), Is.SameAs(provider.GetRequiredService<IInviteHistoryStore>()), $"background imports added first: {backgroundFirst}");
            Assert.That(services.Count(d => d.ServiceType == typeof(IImportWorkStore)), Is.EqualTo(1));
        }
    }

    [Test]
    public void Background_imports_over_a_history_store_that_keeps_no_work_fail_saying_why()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddBackgroundImports().AddHistoryStore<OtherStore>();
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IBulkInviteQueue>(), Throws.InvalidOperationException.With.Message.Contains("OtherStore is not an IImportWorkStore"));
    }

    [Test]
    public void Background_imports_resolve_without_logging_registered()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddBackgroundImports();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.That(provider.GetRequiredService<IBulkInviteQueue>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<IImportWorker>(), Is.Not.Null);
    }

    [Test]
    public void A_history_store_alone_registers_no_work_store_unless_it_keeps_work()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<OtherStore>();

        Assert.That(services.Any(d => d.ServiceType == typeof(IImportWorkStore)), Is.False);
    }

    [Test]
    public void A_host_choice_made_before_AddBulkInvite_is_called_again_is_kept()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddHistoryStore<OtherStore>();
        services.AddBulkInvite();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IInviteHistoryStore>(), Is.InstanceOf<OtherStore>());
    }

    [Test]
    public void A_parser_added_twice_is_there_once()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddParser<HostParser>().AddParser<HostParser>();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetServices<IInviteFileParser>().Select(p => p.Name), Is.EqualTo(new[] { "text", "csv", "host" }));
    }

    [Test]
    public void Registration_methods_validate_their_arguments()
    {
        IBulkInviteBuilder builder = null!;
        Assert.Multiple(() =>
        {
            Assert.That(() => ((IServiceCollection)null!).AddBulkInvite(), Throws.ArgumentNullException);
            Assert.That(() => builder.AddSender<RecordingSender>(), Throws.ArgumentNullException);
            Assert.That(() => builder.AddUserExistenceCheck<FakeUserDirectory>(), Throws.ArgumentNullException);
            Assert.That(() => builder.WithoutUserExistenceCheck(), Throws.ArgumentNullException);
            Assert.That(() => builder.AddHistoryStore<OtherStore>(), Throws.ArgumentNullException);
            Assert.That(() => builder.AddParser<HostParser>(), Throws.ArgumentNullException);
            Assert.That(() => new ServiceCollection().AddBulkInvite().AddSender(null!), Throws.ArgumentNullException);
            Assert.That(() => new ServiceCollection().AddBulkInvite().AddUserExistenceCheck((Func<IServiceProvider, IUserExistenceCheck>)null!), Throws.ArgumentNullException);
        });
    }

    private sealed class OtherStore : DelegatingHistoryStore;

    private sealed class OtherDirectory : IUserExistenceCheck
    {
        public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<UserStatus>>(new UserStatus[query.Addresses.Count]);
    }

    private sealed class OtherSender : IInvitationSender
    {
        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => Task.FromResult(InvitationSendResult.Success());
    }

    private sealed class HostParser : IInviteFileParser
    {
        public string Name => "host";

        public int Score(InviteFileProbe probe) => 0;

        public async IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new InviteEntry { Line = 1, Address = "host@example.com" };
        }
    }
}
