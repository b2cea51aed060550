namespace BulkInvite.Web.Demo;

/// <summary>The sample host's own settings (section <c>Sample</c>).</summary>
public sealed class SampleOptions
{
    /// <summary>Where the history database, the pickup folder and the token key go (relative to the content root).</summary>
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>
    /// <c>Sqlite</c> (a database file in <see cref="DataDirectory"/>) or <c>PostgreSql</c> (the database of
    /// <c>ConnectionStrings:BulkInvite</c>): instances of the sample sharing one PostgreSQL database show each other's
    /// imports, and run and take over each other's queued imports.
    /// </summary>
    public string Store { get; set; } = "Sqlite";

    /// <summary>
    /// The file that keeps the accept-link token keys; instances sharing one database must share it (or set
    /// <c>BulkInvite:InvitationTokenKeys</c> from a secret store), so that a link issued by one is accepted by another.
    /// </summary>
    /// <value>Default: <c>token-key</c> in <see cref="DataDirectory"/>.</value>
    public string? TokenKeyFile { get; set; }

    /// <summary><c>Pickup</c> (an .eml file per invitation) or <c>Smtp</c> (section <c>BulkInvite:Smtp</c>).</summary>
    public string Sender { get; set; } = "Pickup";

    /// <summary>
    /// The address invitees reach the sample at (for example <c>https://invite.example.com</c>, behind a proxy): the
    /// accept links in the emails are <c>{BaseAddress}/Invitations/Accept?token=…</c>.
    /// </summary>
    /// <value>Default: the first address the server listens on.</value>
    public string? BaseAddress { get; set; }

    /// <summary>The demo sign-in accounts.</summary>
    public List<DemoAccount> Accounts { get; set; } = [];

    /// <summary>The user directory: per tenant, the addresses that already have an account.</summary>
    public Dictionary<string, List<string>> ExistingUsers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The name of a tenant as invitees read it: its account's <see cref="DemoAccount.AccountName"/>, else its id.</summary>
    public string AccountName(string tenantId)
        => Accounts.FirstOrDefault(a => string.Equals(a.TenantId, tenantId, StringComparison.Ordinal))?.AccountName is { Length: > 0 } name ? name : tenantId;
}
