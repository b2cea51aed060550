using System.Security.Cryptography;
using System.Text;
using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Pages;

/// <summary>A simple sign-in against the demo accounts of the configuration.</summary>
public sealed class LoginModel : PageModel
{
    private readonly SampleOptions _options;

    public LoginModel(IOptions<SampleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    public string? UserName { get; private set; }

    public string? ReturnUrl { get; private set; }

    public string? ErrorMessage { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        UserName = username;
        ReturnUrl = returnUrl;
        var account = _options.Accounts.FirstOrDefault(a => string.Equals(a.UserName, username, StringComparison.OrdinalIgnoreCase));
        if (account is null || password is null || !SamePassword(account.Password, password))
        {
            ErrorMessage = "Unknown user name or wrong password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            TenantUser.Create(account, CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    private static bool SamePassword(string expected, string given)
        => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
