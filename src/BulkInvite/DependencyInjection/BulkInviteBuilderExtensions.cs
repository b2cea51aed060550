using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using BulkInvite.Background;
using BulkInvite.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BulkInvite;

/// <summary>Registrations that chain off <see cref="IBulkInviteBuilder"/>.</summary>
/// <remarks>
/// <para>
/// One rule for every <c>Add*</c> method that chooses the implementation of a service (the user directory, the sender,
/// the history store, and the adapters' <c>AddSmtpSender</c>, <c>AddPickupFolderSender</c>,
/// <c>AddAcceptLinkProvider</c> and <c>AddSqliteHistoryStore</c>): it replaces whatever was registered for that service
/// before — the SDK's default and an earlier call alike — so <b>the last call wins</b>. <see cref="AddParser{T}"/> adds
/// to a set instead (a parser added twice is there once), and options given to several calls are applied in order.
/// </para>
/// </remarks>
public static class BulkInviteBuilderExtensions
{
    /// <summary>
    /// Registers the host's user directory (scoped), asked in batches which addresses already have an account. It
    /// replaces a directory registered before: the last call wins.
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddUserExistenceCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder)
        where T : class, IUserExistenceCheck
        => builder.AddUserExistenceCheck<T>(ServiceLifetime.Scoped);

    /// <summary>
    /// Registers the host's user directory with a lifetime, asked in batches which addresses already have an account.
    /// It replaces a directory registered before: the last call wins.
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="lifetime">The implementation's lifetime (scoped suits a directory backed by a database context).</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddUserExistenceCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder, ServiceLifetime lifetime)
        where T : class, IUserExistenceCheck
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IUserExistenceCheck>();
        builder.Services.Add(ServiceDescriptor.Describe(typeof(IUserExistenceCheck), typeof(T), lifetime));
        return builder;
    }

    /// <summary>
    /// Registers the host's user directory through a factory (scoped). It replaces a directory registered before: the
    /// last call wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the check.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddUserExistenceCheck(this IBulkInviteBuilder builder, Func<IServiceProvider, IUserExistenceCheck> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<IUserExistenceCheck>();
        builder.Services.AddScoped(factory);
        return builder;
    }

    /// <summary>
    /// Runs imports without a user directory: every valid, unique address is invited, even one that already has
    /// an account. Only for hosts that have no accounts to protect, such as tests and one-off mailings.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder WithoutUserExistenceCheck(this IBulkInviteBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<BulkInviteOptions>(o => o.AllowMissingUserExistenceCheck = true);
        return builder;
    }

    /// <summary>
    /// Registers the default sender that delivers invitations (a singleton: it must be thread-safe). It replaces a
    /// default sender registered before (by this method or an adapter's <c>Add*Sender</c>): the last call wins.
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSender<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder)
        where T : class, IInvitationSender
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IInvitationSender>();
        builder.Services.AddSingleton<IInvitationSender, T>();
        return builder;
    }

    /// <summary>
    /// Registers a sender instance as the default sender that delivers invitations. It replaces a default sender
    /// registered before (by this method or an adapter's <c>Add*Sender</c>): the last call wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sender">The sender (thread-safe).</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddSender(this IBulkInviteBuilder builder, IInvitationSender sender)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sender);
        builder.Services.RemoveAll<IInvitationSender>();
        builder.Services.AddSingleton(sender);
        return builder;
    }

    /// <summary>
    /// Registers the history store (a singleton) in place of the in-memory one. It replaces a store registered before
    /// (by this method or an adapter's, such as <c>AddSqliteHistoryStore</c>): the last call wins. The work store of
    /// background imports goes with it: the same instance when <typeparamref name="T"/> is an
    /// <see cref="IImportWorkStore"/>, else none (and <c>AddBackgroundImports</c> then fails to start, saying why).
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddHistoryStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder)
        where T : class, IInviteHistoryStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IInviteHistoryStore>();
        builder.Services.AddSingleton<IInviteHistoryStore, T>();
        builder.Services.RemoveAll<IImportWorkStore>();
        if (typeof(IImportWorkStore).IsAssignableFrom(typeof(T)) || builder.Services.Any(static d => d.ServiceType == typeof(BulkInviteQueue)))
        {
            builder.Services.AddSingleton(WorkStoreOfHistory);
        }

        return builder;
    }

    /// <summary>The history store as the work store of background imports; a store that keeps no work is refused, saying why.</summary>
    private static IImportWorkStore WorkStoreOfHistory(IServiceProvider services)
    {
        var history = services.GetRequiredService<IInviteHistoryStore>();
        return history as IImportWorkStore ?? throw new InvalidOperationException(
            $"Background imports need a work store: the history store {history.GetType().Name} is not an {nameof(IImportWorkStore)}. Use the SQLite or PostgreSQL store, or register an {nameof(IImportWorkStore)}.");
    }

    /// <summary>
    /// Adds a file parser beside the built-in text and CSV parsers; it competes by <see cref="IInviteFileParser.Score"/>.
    /// Parsers form a set: adding the same parser type again changes nothing.
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder AddParser<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IBulkInviteBuilder builder)
        where T : class, IInviteFileParser
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInviteFileParser, T>());
        return builder;
    }

    /// <summary>Sets options of the pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IBulkInviteBuilder Configure(this IBulkInviteBuilder builder, Action<BulkInviteOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds <see cref="IBulkInviteQueue"/> and this instance's <see cref="IImportWorker"/>, run as a hosted service: imports
    /// and previews are kept with their uploads in the history store's <see cref="IImportWorkStore"/> and run in the
    /// background, so that a page answers at once and shows progress. Every instance sharing the store can run any
    /// import, and takes over one whose instance stopped (after <see cref="BackgroundImportOptions.LeaseDuration"/>);
    /// after a restart, interrupted imports continue by themselves. Needs a generic host (ASP.NET Core, a worker service)
    /// to run the worker; a host without one runs <see cref="IImportWorker"/> itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options, if given; bind configuration with <c>services.Configure&lt;BackgroundImportOptions&gt;(section)</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The work store is the history store itself: the SQLite and PostgreSQL stores keep uploads and leases in their
    /// database (shared by every process that opens it), and the in-memory store keeps them in memory, lost with the
    /// process like its history. A host's own history store must implement <see cref="IImportWorkStore"/>, or an
    /// <see cref="IImportWorkStore"/> be registered.
    /// </remarks>
    public static IBulkInviteBuilder AddBackgroundImports(this IBulkInviteBuilder builder, Action<BackgroundImportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BackgroundImportOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.Services.Any(d => d.ServiceType == typeof(BulkInviteQueue)))
        {
            options.ValidateOnStart();
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackgroundImportOptions>, BackgroundImportOptionsValidator>());
        builder.Services.TryAddSingleton(WorkStoreOfHistory);
        builder.Services.TryAddSingleton<BulkInviteQueue>();
        builder.Services.TryAddSingleton<IBulkInviteQueue>(sp => sp.GetRequiredService<BulkInviteQueue>());
        builder.Services.TryAddSingleton<IImportWorker, ImportWorker>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BackgroundImportWorker>());
        return builder;
    }
}
