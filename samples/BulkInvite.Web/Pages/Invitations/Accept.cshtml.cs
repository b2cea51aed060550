using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Pages.Invitations;

/// <summary>
/// The page an invitation's link opens: it shows the invitation without consuming it, and "Accept" (a POST) accepts it,
/// creates the account in the demo directory and signs its owner in.
/// </summary>
/// <remarks>
/// The token arrives in the link's query and leaves only in the form's body: the form posts to the page's address
/// without it, the welcome page's address has none, and the page sends no referrer. A refused link shows the state of
/// its invitation and nothing of the invitation itself, so an unknown and a forged token get the same page.
/// </remarks>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class AcceptModel : PageModel
{
    private readonly IInvitationService _invitations;
    private readonly DemoUserDirectory _directory;
    private readonly SampleOptions _options;

    public AcceptModel(IInvitationService invitations, DemoUserDirectory directory, IOptions<SampleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _invitations = invitations;
        _directory = directory;
        _options = options.Value;
    }

    /// <summary>What the page shows.</summary>
    public AcceptView View { get; private set; } = AcceptView.Unknown;

    /// <summary>The open invitation (only when <see cref="View"/> is <see cref="AcceptView.Open"/>).</summary>
    public InvitationRecord? Invitation { get; private set; }

    /// <summary>The token, for the form's hidden field (only when <see cref="View"/> is <see cref="AcceptView.Open"/>).</summary>
    public string? Token { get; private set; }

    /// <summary>The name of the account the invitation joins.</summary>
    public string AccountName => Invitation is null ? string.Empty : _options.AccountName(Invitation.TenantId);

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        NoReferrer();
        var invitation = string.IsNullOrEmpty(token) ? null : await _invitations.LookupAsync(token, cancellationToken);
        View = invitation?.State switch
        {
            InvitationState.Pending => AcceptView.Open,
            InvitationState.Accepted => AcceptView.Used,
            InvitationState.Expired => AcceptView.Expired,
            InvitationState.Revoked => AcceptView.Revoked,
            _ => AcceptView.Unknown,
        };
        if (View == AcceptView.Open)
        {
            Invitation = invitation;
            Token = token;
        }

        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        NoReferrer();
        var result = string.IsNullOrEmpty(token)
            ? new InvitationAcceptResult { Status = InvitationAcceptStatus.Unknown }
            : await _invitations.AcceptAsync(token, cancellationToken);
        if (result is { Succeeded: true, Invitation: { } accepted })
        {
            // The host creates the account from what the invitation carries, then signs its owner in.
            _directory.Add(accepted.TenantId, accepted.Address);
            await HttpContext.SignInAsync(
                CookieAuthenticationDefaults.AuthenticationScheme,
                TenantUser.Create(accepted, CookieAuthenticationDefaults.AuthenticationScheme));
            return RedirectToPage("/Invitations/Welcome");
        }

        View = result.Status switch
        {
            InvitationAcceptStatus.AlreadyUsed => AcceptView.Used,
            InvitationAcceptStatus.Expired => AcceptView.Expired,
            InvitationAcceptStatus.Revoked => AcceptView.Revoked,
            _ => AcceptView.Unknown,
        };
        return Shown();
    }

    private PageResult Shown()
    {
        Response.StatusCode = View switch
        {
            AcceptView.Open => StatusCodes.Status200OK,
            AcceptView.Unknown => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status410Gone,
        };
        return Page();
    }

    private void NoReferrer() => Response.Headers["Referrer-Policy"] = "no-referrer";
}

/// <summary>What the accept page shows.</summary>
public enum AcceptView
{
    /// <summary>A pending invitation, with its Accept button.</summary>
    Open,

    /// <summary>The invitation was accepted already.</summary>
    Used,

    /// <summary>The invitation's lifetime has passed.</summary>
    Expired,

    /// <summary>The invitation was revoked.</summary>
    Revoked,

    /// <summary>No invitation has this token (mistyped, forged, or replaced by a newer email).</summary>
    Unknown,
}
