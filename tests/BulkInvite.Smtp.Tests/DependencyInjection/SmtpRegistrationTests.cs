using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Smtp.Tests.DependencyInjection;

[TestFixture]
public sealed class SmtpRegistrationTests
{
    private static ServiceProvider Build(Action<IBulkInviteBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddBulkInvite().WithoutUserExistenceCheck());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static string StartUpFailure(Action<IBulkInviteBuilder> configure)
    {
        using var provider = Build(configure);
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        return ex!.Message;
    }

    [Test]
    public async Task An_smtp_sender_bound_from_configuration_resolves_as_the_default_sender()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BulkInvite:Smtp:Host"] = "127.0.0.1",
            ["BulkInvite:Smtp:Port"] = "2525",
            ["BulkInvite:Smtp:Security"] = "None",
            ["BulkInvite:Smtp:MaxConnections"] = "8",
            ["BulkInvite:Smtp:MessageTimeout"] = "00:00:10",
            ["BulkInvite:Smtp:Message:FromAddress"] = "invitations@example.com",
            ["BulkInvite:Smtp:Message:AccountName"] = "Contoso",
        }).Build();
        await using var provider = Build(b => b.AddSmtpSender(configuration.GetSection("BulkInvite:Smtp")));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<SmtpSenderOptions>>().Get(Options.DefaultName);

        Assert.That(options.Port, Is.EqualTo(2525));
        Assert.That(options.Security, Is.EqualTo(SmtpSecurity.None));
        Assert.That(options.MaxConnections, Is.EqualTo(8));
        Assert.That(options.MessageTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.Message.AccountName, Is.EqualTo("Contoso"));
        Assert.That(provider.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("SmtpInvitationSender"));
    }

    [Test]
    public async Task A_pickup_sender_bound_from_configuration_gets_every_setting_of_its_section()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bulkinvite-pickup-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BulkInvite:Pickup:Directory"] = directory,
            ["BulkInvite:Pickup:Message:FromAddress"] = "invitations@example.com",
            ["BulkInvite:Pickup:Message:FromName"] = "Contoso",
            ["BulkInvite:Pickup:Message:AccountName"] = "Contoso Cloud",
            ["BulkInvite:Pickup:Message:AcceptLinkBaseUrl"] = "https://example.com/accept",
            ["BulkInvite:Pickup:Message:MessageIdDomain"] = "mail.example.com",
        }).Build();
        await using var provider = Build(b => b.AddPickupFolderSender(configuration.GetSection("BulkInvite:Pickup")));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<PickupFolderSenderOptions>>().Get(Options.DefaultName);

        Assert.Multiple(() =>
        {
            Assert.That(options.Directory, Is.EqualTo(directory));
            Assert.That(options.Message.FromAddress, Is.EqualTo("invitations@example.com"));
            Assert.That(options.Message.FromName, Is.EqualTo("Contoso"));
            Assert.That(options.Message.AccountName, Is.EqualTo("Contoso Cloud"));
            Assert.That(options.Message.AcceptLinkBaseUrl, Is.EqualTo("https://example.com/accept"));
            Assert.That(options.Message.MessageIdDomain, Is.EqualTo("mail.example.com"));
            Assert.That(options.Message.Template, Is.Null, "a template object is set in code, never from configuration");
        });
        Assert.That(provider.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("PickupFolderInvitationSender"));
    }

    [Test]
    public async Task Named_senders_live_side_by_side()
    {
        await using var provider = Build(b => b
            .AddPickupFolderSender(o =>
            {
                o.Directory = "default-pickup";
                o.Message.FromAddress = "a@example.com";
            })
            .AddSmtpSender("marketing", o =>
            {
                o.Host = "127.0.0.1";
                o.Message.FromAddress = "b@example.com";
            }));

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.That(provider.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("PickupFolderInvitationSender"));
        Assert.That(provider.GetRequiredKeyedService<IInvitationSender>("marketing").GetType().Name, Is.EqualTo("SmtpInvitationSender"));
    }

    [Test]
    public async Task The_last_default_sender_registered_wins()
    {
        static void Smtp(SmtpSenderOptions o)
        {
            o.Host = "127.0.0.1";
            o.Message.FromAddress = "a@example.com";
        }

        static void Pickup(PickupFolderSenderOptions o)
        {
            o.Directory = "pickup";
            o.Message.FromAddress = "a@example.com";
        }

        await using var pickupLast = Build(b => b.AddSmtpSender(Smtp).AddPickupFolderSender(Pickup));
        await using var smtpLast = Build(b => b.AddPickupFolderSender(Pickup).AddSmtpSender(Smtp));
        await using var hostLast = Build(b => b.AddSmtpSender(Smtp).AddSender(new HostSender()));
        await using var smtpAfterHost = Build(b => b.AddSender(new HostSender()).AddSmtpSender(Smtp));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pickupLast.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("PickupFolderInvitationSender"));
            Assert.That(smtpLast.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("SmtpInvitationSender"));
            Assert.That(hostLast.GetRequiredService<IInvitationSender>(), Is.InstanceOf<HostSender>());
            Assert.That(smtpAfterHost.GetRequiredService<IInvitationSender>().GetType().Name, Is.EqualTo("SmtpInvitationSender"));
            Assert.That(pickupLast.GetServices<IInvitationSender>().Count(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task The_last_sender_registered_under_a_name_wins()
    {
        await using var provider = Build(b => b
            .AddSmtpSender("marketing", o =>
            {
                o.Host = "127.0.0.1";
                o.Message.FromAddress = "b@example.com";
            })
            .AddPickupFolderSender("marketing", o =>
            {
                o.Directory = "marketing-pickup";
                o.Message.FromAddress = "b@example.com";
            }));

        Assert.That(provider.GetRequiredKeyedService<IInvitationSender>("marketing").GetType().Name, Is.EqualTo("PickupFolderInvitationSender"));
        Assert.That(provider.GetKeyedServices<IInvitationSender>("marketing").Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_last_accept_link_provider_registered_wins()
    {
        await using var provider = Build(b => b.AddAcceptLinkProvider<OtherLinks>().AddAcceptLinkProvider<FixedLinks>());

        Assert.That(provider.GetRequiredService<IAcceptLinkProvider>(), Is.InstanceOf<FixedLinks>());
        Assert.That(provider.GetServices<IAcceptLinkProvider>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_missing_host_and_from_address_fail_at_start_up_naming_the_settings()
    {
        var message = StartUpFailure(b => b.AddSmtpSender(_ => { }));

        Assert.That(message, Does.Contain("BulkInvite:Smtp:Host").And.Contain("BulkInvite:Smtp:Message:FromAddress"));
    }

    [Test]
    public void Credentials_must_come_in_pairs()
    {
        var message = StartUpFailure(b => b.AddSmtpSender(o =>
        {
            o.Host = "127.0.0.1";
            o.UserName = "user";
            o.Message.FromAddress = "a@example.com";
        }));

        Assert.That(message, Does.Contain("UserName").And.Contain("Password"));
    }

    [Test]
    public void Bad_limits_of_a_named_sender_name_the_sender()
    {
        var message = StartUpFailure(b => b.AddSmtpSender("bulk", o =>
        {
            o.Host = "127.0.0.1";
            o.Port = 0;
            o.MaxConnections = 0;
            o.MessageTimeout = TimeSpan.Zero;
            o.Message.FromAddress = "a@example.com";
        }));

        Assert.That(message, Does.Contain("BulkInvite:Smtp:bulk:Port").And.Contain("BulkInvite:Smtp:bulk:MaxConnections").And.Contain("BulkInvite:Smtp:bulk:MessageTimeout"));
    }

    [Test]
    public void A_template_with_an_unknown_placeholder_fails_at_start_up()
    {
        var message = StartUpFailure(b => b.AddPickupFolderSender(o =>
        {
            o.Directory = "pickup";
            o.Message.FromAddress = "a@example.com";
            o.Message.Template = null;
            o.Message.TemplateDirectory = WriteTemplate("Join {{acount_name}}", "Hello {{email}}");
        }));

        Assert.That(message, Does.Contain("BulkInvite:Pickup:Message:TemplateDirectory").And.Contain("acount_name"));
    }

    [Test]
    public void A_pickup_sender_needs_a_folder_and_a_valid_accept_link()
    {
        var message = StartUpFailure(b => b.AddPickupFolderSender(o =>
        {
            o.Directory = " ";
            o.Message.FromAddress = "a@example.com";
            o.Message.AcceptLinkBaseUrl = "not a url";
        }));

        Assert.That(message, Does.Contain("BulkInvite:Pickup:Directory").And.Contain("BulkInvite:Pickup:Message:AcceptLinkBaseUrl"));
    }

    [Test]
    public void Registration_methods_validate_their_arguments()
    {
        IBulkInviteBuilder builder = null!;
        var real = new ServiceCollection().AddBulkInvite();
        Assert.Multiple(() =>
        {
            Assert.That(() => builder.AddSmtpSender(_ => { }), Throws.ArgumentNullException);
            Assert.That(() => real.AddSmtpSender((Action<SmtpSenderOptions>)null!), Throws.ArgumentNullException);
            Assert.That(() => real.AddSmtpSender((IConfiguration)null!), Throws.ArgumentNullException);
            Assert.That(() => real.AddSmtpSender(null!, _ => { }), Throws.ArgumentNullException);
            Assert.That(() => builder.AddPickupFolderSender(_ => { }), Throws.ArgumentNullException);
            Assert.That(() => real.AddPickupFolderSender((Action<PickupFolderSenderOptions>)null!), Throws.ArgumentNullException);
            Assert.That(() => builder.AddAcceptLinkProvider<FixedLinks>(), Throws.ArgumentNullException);
        });
    }

    private static string WriteTemplate(string subject, string text)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bulkinvite-template-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "subject.txt"), subject);
        File.WriteAllText(Path.Combine(directory, "body.txt"), text);
        return directory;
    }

    private sealed class FixedLinks : IAcceptLinkProvider
    {
        public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => ValueTask.FromResult("https://app.example.com/accept/" + invitation.Sequence);
    }

    private sealed class OtherLinks : IAcceptLinkProvider
    {
        public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => ValueTask.FromResult("https://other.example.com/accept/" + invitation.Sequence);
    }

    private sealed class HostSender : IInvitationSender
    {
        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => Task.FromResult(InvitationSendResult.Success());
    }
}
