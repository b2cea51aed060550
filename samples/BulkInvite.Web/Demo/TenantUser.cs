using System.Security.Claims;

namespace BulkInvite.Web.Demo;

/// <summary>Who is signed in: the claims the sample's cookie carries.</summary>
internal static class TenantUser
{
    public const string TenantClaim = "bulkinvite:tenant";

    public static string Tenant(this ClaimsPrincipal user)
        => user.FindFirstValue(TenantClaim) ?? throw new InvalidOperationException("The signed-in user has no tenant.");

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.GivenName) ?? user.Identity?.Name ?? "unknown";

    public static ClaimsPrincipal Create(DemoAccount account, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, account.UserName),
            new Claim(ClaimTypes.GivenName, account.DisplayName),
            new Claim(TenantClaim, account.TenantId),
        ],
        scheme));
}
