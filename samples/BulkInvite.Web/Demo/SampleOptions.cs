namespace BulkInvite.Web.Demo;

/// <summary>The sample host's own settings (section <c>Sample</c>).</summary>
public sealed class SampleOptions
{
    /// <summary>Where the history database, the pickup folder and the spool folder go (relative to the content root).</summary>
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary><c>Pickup</c> (an .eml file per invitation) or <c>Smtp</c> (section <c>BulkInvite:Smtp</c>).</summary>
    public string Sender { get; set; } = "Pickup";

    /// <summary>The demo sign-in accounts.</summary>
    public List<DemoAccount> Accounts { get; set; } = [];

    /// <summary>The user directory: per tenant, the addresses that already have an account.</summary>
    public Dictionary<string, List<string>> ExistingUsers { get; set; } = new(StringComparer.Ordinal);
}
