using BulkInvite.DependencyInjection;
using BulkInvite.History;
using BulkInvite.Invitations;
using BulkInvite.Parsing;
using BulkInvite.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BulkInvite;

/// <summary>Registers the BulkInvite SDK in a service collection.</summary>
public static class BulkInviteServiceCollectionExtensions
{
    /// <summary>
    /// Registers the bulk-invite pipeline: the commands <see cref="IBulkInviteService"/> (scoped), the invitations
    /// <see cref="IInvitationService"/> (singleton), the reads
    /// <see cref="IBulkInviteHistory"/> and deletes <see cref="IBulkInviteRetention"/> (one singleton serves both), the validator, the text and CSV
    /// parsers, <see cref="IInviteFileReader"/> (which reads other files as uploads are read), the in-memory history store and <see cref="TimeProvider.System"/>, each only if not registered yet.
    /// Options are validated at start-up. Chain the host's user directory and a sender off the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options, if given. Bind configuration with <c>services.Configure&lt;BulkInviteOptions&gt;(section)</c>.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddBulkInvite(o => o.MaxEntries = 50_000)
    ///     .AddUserExistenceCheck&lt;MyUserDirectory&gt;()
    ///     .AddSender&lt;MyInvitationSender&gt;();
    /// </code>
    /// </example>
    public static IBulkInviteBuilder AddBulkInvite(this IServiceCollection services, Action<BulkInviteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var optionsBuilder = services.AddOptions<BulkInviteOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(BulkInviteMarker)))
        {
            services.AddSingleton<BulkInviteMarker>();
            optionsBuilder.ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulkInviteOptions>, BulkInviteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmailValidator>(sp => new EmailValidator(sp.GetRequiredService<IOptions<BulkInviteOptions>>().Value.Validation));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInviteFileParser, TextInviteParser>(
            sp => new TextInviteParser(sp.GetRequiredService<IOptions<BulkInviteOptions>>().Value.Parsing)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInviteFileParser, CsvInviteParser>(
            sp => new CsvInviteParser(sp.GetRequiredService<IOptions<BulkInviteOptions>>().Value.Parsing)));
        services.TryAddSingleton<IInviteFileReader, InviteFileReader>();
        services.TryAddSingleton<IInviteHistoryStore, InMemoryInviteHistoryStore>();
        services.TryAddSingleton(sp => InvitationTokens.Create(sp.GetRequiredService<IOptions<BulkInviteOptions>>().Value, sp.GetRequiredService<IInviteHistoryStore>()));
        services.TryAddSingleton<IInvitationService, InvitationService>();
        services.TryAddScoped<IBulkInviteService, BulkInviteService>();
        services.TryAddSingleton<BulkInviteHistory>();
        services.TryAddSingleton<IBulkInviteHistory>(sp => sp.GetRequiredService<BulkInviteHistory>());
        services.TryAddSingleton<IBulkInviteRetention>(sp => sp.GetRequiredService<BulkInviteHistory>());
        return new BulkInviteBuilder(services);
    }

    /// <summary>Marks a collection in which <c>AddBulkInvite</c> ran, so that a second call changes nothing.</summary>
    private sealed class BulkInviteMarker;
}
