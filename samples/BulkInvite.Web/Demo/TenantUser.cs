using System.Security.Claims;

namespace BulkInvite.Web.Demo;

/// <summary>Who is signed in: the claims the sample's cookie carries.</summary>
/// <remarks>
/// Two kinds of people sign in: a tenant's administrators (the demo accounts of the configuration), who invite and see
/// their tenant's imports and invitations, and the people who accepted an invitation, who are members of the tenant
/// and see only their welcome page.
/// </remarks>
internal static class TenantUser
{
    public const string TenantClaim = "bulkinvite:tenant";

    /// <summary>The role from the invitation's file (its <c>role</c> field), if it had one.</summary>
    public const string InvitedRoleClaim = "bulkinvite:invited-role";

    /// <summary>The role of the demo accounts: they administer their tenant's invitations.</summary>
    public const string AdminRole = "admin";

    /// <summary>The role of a person who accepted an invitation.</summary>
    public const string MemberRole = "member";

    /// <summary>The policy of every administration page and endpoint.</summary>
    public const string AdminPolicy = "TenantAdmin";

    public static string Tenant(this ClaimsPrincipal user)
        => user.FindFirstValue(TenantClaim) ?? throw new InvalidOperationException("The signed-in user has no tenant.");

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.GivenName) ?? user.Identity?.Name ?? "unknown";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    public static ClaimsPrincipal Create(DemoAccount account, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, account.UserName),
            new Claim(ClaimTypes.GivenName, account.DisplayName),
            new Claim(TenantClaim, account.TenantId),
            new Claim(ClaimTypes.Role, AdminRole),
        ],
        scheme));

    /// <summary>The member an accepted invitation made: named by its address, in the invitation's tenant.</summary>
    public static ClaimsPrincipal Create(InvitationRecord invitation, string scheme)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        List<Claim> claims =
        [
            new Claim(ClaimTypes.Name, invitation.Address),
            new Claim(ClaimTypes.GivenName, invitation.DisplayName is { Length: > 0 } name ? name : invitation.Address),
            new Claim(TenantClaim, invitation.TenantId),
            new Claim(ClaimTypes.Role, MemberRole),
        ];
        if (invitation.Fields?.FirstOrDefault(f => string.Equals(f.Key, "role", StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } role)
        {
            claims.Add(new Claim(InvitedRoleClaim, role));
        }

        return new(new ClaimsIdentity(claims, scheme));
    }
}
