using BulkInvite.PostgreSql;
using BulkInvite.PostgreSql.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BulkInvite;

/// <summary>Registers the PostgreSQL history store off <see cref="IBulkInviteBuilder"/>.</summary>
public static class PostgreSqlBulkInviteBuilderExtensions
{
    /// <summary>
    /// Keeps the history in a PostgreSQL database that every instance of the host shares: replaces the
    /// <see cref="IInviteHistoryStore"/> and <see cref="IImportWorkStore"/> registrations with one singleton
    /// <see cref="PostgreSqlInviteHistoryStore"/>, so that background imports are queued in the same database. It connects
    /// with <see cref="PostgreSqlHistoryStoreOptions.ConnectionString"/> when that is set (a data source of its own), and
    /// otherwise with the <see cref="NpgsqlDataSource"/> registered in the container. The options are validated at
    /// start-up. Like every <c>Add*</c> method that chooses an implementation, it replaces the history store registered
    /// before: the last call wins. Called twice, it registers one store, whose options are those of both calls applied in
    /// order.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddBulkInvite(o =&gt; o.InvitationTokenKeys.Add(tokenKey))
    ///     .AddUserExistenceCheck&lt;MyUserDirectory&gt;()
    ///     .AddSender&lt;MyInvitationSender&gt;()
    ///     .AddPostgreSqlHistoryStore(o =&gt; o.ConnectionString = configuration.GetConnectionString("BulkInvite"));
    /// </code>
    /// </example>
    public static IBulkInviteBuilder AddPostgreSqlHistoryStore(this IBulkInviteBuilder builder, Action<PostgreSqlHistoryStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = builder.Services.AddOptions<PostgreSqlHistoryStoreOptions>().Configure(configure);
        if (!builder.Services.Any(static d => d.ServiceType == typeof(IValidateOptions<PostgreSqlHistoryStoreOptions>) && d.ImplementationType == typeof(PostgreSqlHistoryStoreOptionsValidator)))
        {
            options.ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<PostgreSqlHistoryStoreOptions>, PostgreSqlHistoryStoreOptionsValidator>();
        }

        builder.Services.TryAddSingleton(static sp =>
        {
            var settings = sp.GetRequiredService<IOptions<PostgreSqlHistoryStoreOptions>>().Value;
            var loggerFactory = sp.GetService<ILoggerFactory>();
            return string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new PostgreSqlInviteHistoryStore(sp.GetRequiredService<NpgsqlDataSource>(), settings, loggerFactory)
                : new PostgreSqlInviteHistoryStore(settings, loggerFactory);
        });
        builder.Services.RemoveAll<IInviteHistoryStore>();
        builder.Services.Add(ServiceDescriptor.Singleton<IInviteHistoryStore>(static sp => sp.GetRequiredService<PostgreSqlInviteHistoryStore>()));
        builder.Services.RemoveAll<IImportWorkStore>();
        builder.Services.Add(ServiceDescriptor.Singleton<IImportWorkStore>(static sp => sp.GetRequiredService<PostgreSqlInviteHistoryStore>()));
        return builder;
    }
}
