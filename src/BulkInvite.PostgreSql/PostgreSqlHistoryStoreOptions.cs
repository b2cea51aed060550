namespace BulkInvite.PostgreSql;

/// <summary>Which PostgreSQL database the history store uses, whether it manages its schema, and how long it retries.</summary>
public sealed class PostgreSqlHistoryStoreOptions
{
    /// <summary>
    /// The Npgsql connection string (configuration key <c>BulkInvite:PostgreSql:ConnectionString</c>). When it is not
    /// set, <c>AddPostgreSqlHistoryStore</c> uses the <c>NpgsqlDataSource</c> registered in the container (for example
    /// by <c>AddNpgsqlDataSource</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Whether the store creates its schema (<c>bulkinvite</c>) in an empty database and migrates an older one, under an
    /// advisory lock, on first use (configuration key <c>BulkInvite:PostgreSql:MigrateSchema</c>). When
    /// <see langword="false"/>, it only checks that the schema is there at the version it needs and fails otherwise: for
    /// teams that apply the scripts (<c>sql/*.sql</c> in the package) with their own migrations, and for a database
    /// user without the right to create tables.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool MigrateSchema { get; set; } = true;

    /// <summary>
    /// How long one call keeps retrying after transient failures (a dropped connection, a server restarting, a
    /// serialization failure or a deadlock) before it gives up and throws (configuration key
    /// <c>BulkInvite:PostgreSql:RetryTimeout</c>). A write is retried only when it is known not to have committed; a
    /// connection lost during a commit is thrown at once. <see cref="TimeSpan.Zero"/> turns retries off.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
