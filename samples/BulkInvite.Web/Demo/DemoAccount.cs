namespace BulkInvite.Web.Demo;

/// <summary>One of the sample's sign-in accounts: an administrator of one tenant.</summary>
public sealed class DemoAccount
{
    /// <summary>The sign-in name.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>The password (a demo: kept in configuration).</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>The name shown and recorded as the initiator of imports.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The tenant whose imports this account sees.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The account name written into invitations.</summary>
    public string AccountName { get; set; } = string.Empty;
}
