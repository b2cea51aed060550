using BulkInvite.Sqlite;
using BulkInvite.Sqlite.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BulkInvite;

/// <summary>Registers the SQLite history store off <see cref="IBulkInviteBuilder"/>.</summary>
public static class SqliteBulkInviteBuilderExtensions
{
    /// <summary>
    /// Keeps the history in a SQLite database file instead of in memory: replaces the
    /// <see cref="IInviteHistoryStore"/> registration with a singleton <see cref="SqliteInviteHistoryStore"/>, and the
    /// <see cref="IImportWorkStore"/> registration with the same instance, so that background imports are queued, with
    /// their uploads, in the same file (and survive a restart). The options are validated at start-up. Like every
    /// <c>Add*</c> method that chooses an implementation, it replaces the stores registered before (the in-memory
    /// default, or one added with <c>AddHistoryStore</c>): the last call wins. Called twice, it registers one store,
    /// whose options are those of both calls applied in order.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="SqliteHistoryStoreOptions.DatabasePath"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddBulkInvite()
    ///     .AddUserExistenceCheck&lt;MyUserDirectory&gt;()
    ///     .AddSender&lt;MyInvitationSender&gt;()
    ///     .AddSqliteHistoryStore(o =&gt; o.DatabasePath = "data/invite-history.db");
    /// </code>
    /// </example>
    public static IBulkInviteBuilder AddSqliteHistoryStore(this IBulkInviteBuilder builder, Action<SqliteHistoryStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = builder.Services.AddOptions<SqliteHistoryStoreOptions>().Configure(configure);
        if (!builder.Services.Any(static d => d.ServiceType == typeof(IValidateOptions<SqliteHistoryStoreOptions>) && d.ImplementationType == typeof(SqliteHistoryStoreOptionsValidator)))
        {
            options.ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<SqliteHistoryStoreOptions>, SqliteHistoryStoreOptionsValidator>();
        }

        builder.Services.RemoveAll<SqliteInviteHistoryStore>();
        builder.Services.RemoveAll<IInviteHistoryStore>();
        builder.Services.RemoveAll<IImportWorkStore>();
        builder.Services.Add(ServiceDescriptor.Singleton(
            static sp => new SqliteInviteHistoryStore(sp.GetRequiredService<IOptions<SqliteHistoryStoreOptions>>().Value)));
        builder.Services.Add(ServiceDescriptor.Singleton<IInviteHistoryStore>(static sp => sp.GetRequiredService<SqliteInviteHistoryStore>()));
        builder.Services.Add(ServiceDescriptor.Singleton<IImportWorkStore>(static sp => sp.GetRequiredService<SqliteInviteHistoryStore>()));
        return builder;
    }
}
