using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Pages.Invitations;

/// <summary>Where an accepted invitation leads: the new member, signed in, in the account they joined.</summary>
public sealed class WelcomeModel : PageModel
{
    private readonly SampleOptions _options;

    public WelcomeModel(IOptions<SampleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    public string AccountName { get; private set; } = string.Empty;

    public string? Role { get; private set; }

    public IActionResult OnGet()
    {
        // Open to every signed-in person (administrators included), not only to administrators as the other pages are.
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        AccountName = _options.AccountName(User.Tenant());
        Role = User.FindFirst(TenantUser.InvitedRoleClaim)?.Value;
        return Page();
    }
}
