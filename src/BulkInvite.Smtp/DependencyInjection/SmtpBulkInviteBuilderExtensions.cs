using System.Diagnostics.CodeAnalysis;
using BulkInvite.Smtp;
using BulkInvite.Smtp.Composition;
using BulkInvite.Smtp.DependencyInjection;
using BulkInvite.Smtp.Pickup;
using BulkInvite.Smtp.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite;

/// <summary>Registers the SMTP and pickup-folder senders on the BulkInvite builder.</summary>
/// <remarks>
/// These methods follow the SDK's rule for <c>Add*</c> methods that choose an implementation: a sender registered
/// under a name replaces the sender registered under that name before (an SMTP or a pickup-folder sender, or, for the
/// default sender, one registered with <c>AddSender</c>), so the last call wins; options given to several calls for
/// one name are applied in order.
/// </remarks>
public static class SmtpBulkInviteBuilderExtensions
{
    /// <summary>Registers the default sender: SMTP over pooled MailKit connections. It replaces the default sender registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSmtpSender(this IBulkInviteBuilder builder, Action<SmtpSenderOptions> configure)
        => builder.AddSmtpSender(Options.DefaultName, configure);

    /// <summary>Registers a named SMTP sender (chosen with <see cref="BulkInviteRequest.SenderName"/>). It replaces the sender registered under that name before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The sender's name; empty for the default sender.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSmtpSender(this IBulkInviteBuilder builder, string name, Action<SmtpSenderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SmtpSenderOptions>(name).Configure(configure).ValidateOnStart();
        return RegisterSmtp(builder, name);
    }

    /// <summary>Registers the default SMTP sender with options bound from configuration (for example the section <c>BulkInvite:Smtp</c>). It replaces the default sender registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSmtpSender(this IBulkInviteBuilder builder, IConfiguration configuration)
        => builder.AddSmtpSender(Options.DefaultName, configuration);

    /// <summary>Registers a named SMTP sender with options bound from configuration. It replaces the sender registered under that name before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The sender's name; empty for the default sender.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSmtpSender(this IBulkInviteBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<SmtpSenderOptions>(name).Bind(configuration).ValidateOnStart();
        return RegisterSmtp(builder, name);
    }

    /// <summary>Registers the default sender: a pickup folder that receives each invitation as an <c>.eml</c> file. It replaces the default sender registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddPickupFolderSender(this IBulkInviteBuilder builder, Action<PickupFolderSenderOptions> configure)
        => builder.AddPickupFolderSender(Options.DefaultName, configure);

    /// <summary>Registers a named pickup-folder sender. It replaces the sender registered under that name before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The sender's name; empty for the default sender.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddPickupFolderSender(this IBulkInviteBuilder builder, string name, Action<PickupFolderSenderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PickupFolderSenderOptions>(name).Configure(configure).ValidateOnStart();
        return RegisterPickup(builder, name);
    }

    /// <summary>Registers the default pickup-folder sender with options bound from configuration. It replaces the default sender registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddPickupFolderSender(this IBulkInviteBuilder builder, IConfiguration configuration)
        => builder.AddPickupFolderSender(Options.DefaultName, configuration);

    /// <summary>Registers a named pickup-folder sender with options bound from configuration. It replaces the sender registered under that name before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The sender's name; empty for the default sender.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddPickupFolderSender(this IBulkInviteBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<PickupFolderSenderOptions>(name).Bind(configuration).ValidateOnStart();
        return RegisterPickup(builder, name);
    }

    /// <summary>Registers the host's accept-link provider (the host owns its invitation tokens). It replaces a provider registered before: the last call wins.</summary>
    /// <typeparam name="T">The implementation (a singleton).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddAcceptLinkProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder)
        where T : class, IAcceptLinkProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IAcceptLinkProvider>();
        builder.Services.AddSingleton<IAcceptLinkProvider, T>();
        return builder;
    }

    private static IBulkInviteBuilder RegisterSmtp(IBulkInviteBuilder builder, string name)
    {
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpSenderOptions>, SmtpSenderOptionsValidator>());
        services.RemoveAllKeyed<IInvitationSender>(name);
        services.AddKeyedSingleton<IInvitationSender>(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<SmtpSenderOptions>>().Get(name);
            var logger = (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite.Smtp");
            return new SmtpInvitationSender(options, CreateComposer(sp, options.Message), Time(sp), logger);
        });
        return RegisterDefault(builder, name);
    }

    private static IBulkInviteBuilder RegisterPickup(IBulkInviteBuilder builder, string name)
    {
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PickupFolderSenderOptions>, PickupFolderSenderOptionsValidator>());
        services.RemoveAllKeyed<IInvitationSender>(name);
        services.AddKeyedSingleton<IInvitationSender>(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<PickupFolderSenderOptions>>().Get(name);
            return new PickupFolderInvitationSender(options, CreateComposer(sp, options.Message));
        });
        return RegisterDefault(builder, name);
    }

    private static IBulkInviteBuilder RegisterDefault(IBulkInviteBuilder builder, string name)
    {
        if (name.Length == 0)
        {
            builder.Services.RemoveAll<IInvitationSender>();
            builder.Services.AddSingleton<IInvitationSender>(sp => sp.GetRequiredKeyedService<IInvitationSender>(Options.DefaultName));
        }

        return builder;
    }

    private static InvitationComposer CreateComposer(IServiceProvider services, InvitationMessageOptions message)
        => new(
            message,
            InvitationTemplateResolver.Resolve(message),
            services.GetService<IAcceptLinkProvider>() ?? new DefaultAcceptLinkProvider(message),
            Time(services));

    private static TimeProvider Time(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;
}
