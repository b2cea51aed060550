using BulkInvite.Web.Demo;
using BulkInvite.Web.Imports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages.Invitations;

/// <summary>
/// "Pending invitations": the signed-in tenant's invitations by state, paged by keyset, optionally of one import; resend
/// or revoke one, or every open one of an import. Another tenant's invitation or import reads as missing (404). The
/// report's rows resend and revoke through the same actions and come back to the report (<see cref="BackToReport"/>).
/// </summary>
public sealed class IndexModel : PageModel
{
    /// <summary>Invitations per page.</summary>
    public const int PageSize = 20;

    /// <summary>The state filter's value for every state.</summary>
    public const string AllStates = "All";

    /// <summary>
    /// The <c>back</c> value of a resend or revoke posted from the report: the action comes back to the report of the
    /// invitation's import (with the report's outcome filter and page), not to this page.
    /// </summary>
    public const string BackToReport = "report";

    private readonly IInvitationService _invitations;
    private readonly IBulkInviteHistory _history;

    public IndexModel(IInvitationService invitations, IBulkInviteHistory history)
    {
        _invitations = invitations;
        _history = history;
    }

    public InvitePage<InvitationRecord> Invitations { get; private set; } = new() { Items = [], TotalCount = -1, HasMore = false };

    /// <summary>The state shown; every state when <see langword="null"/>.</summary>
    public InvitationState? State { get; private set; } = InvitationState.Pending;

    /// <summary>The state filter as it goes into links and forms.</summary>
    public string StateValue => State?.ToString() ?? AllStates;

    /// <summary>The import shown, if one is.</summary>
    public BulkInviteReport? Import { get; private set; }

    /// <summary>The last invitation of the page before, if this is not the first page.</summary>
    public Guid? After { get; private set; }

    /// <summary>The file names of the imports on this page, by id.</summary>
    public Dictionary<Guid, string> FileNames { get; } = [];

    /// <summary>What the last action did (set before the redirect that follows it).</summary>
    [TempData]
    public string? Notice { get; set; }

    public string? StateError { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? state, Guid? import, Guid? after, CancellationToken cancellationToken)
    {
        if (!ReadState(state))
        {
            StateError = $"\u201C{state}\u201D is not a state: showing the pending invitations.";
        }

        if (import is { } importId)
        {
            Import = await _history.GetReportAsync(User.Tenant(), importId, cancellationToken);
            if (Import is null)
            {
                return NotFound();
            }

            FileNames[importId] = Import.FileName;
        }

        After = after;
        Invitations = await _invitations.ListAsync(
            User.Tenant(),
            new InvitationQuery { State = State, ImportId = import, AfterInvitationId = after, Limit = PageSize },
            cancellationToken);
        foreach (var id in Invitations.Items.Select(i => i.ImportId).Distinct())
        {
            if (!FileNames.ContainsKey(id) && await _history.GetReportAsync(User.Tenant(), id, cancellationToken) is { } report)
            {
                FileNames[id] = report.FileName;
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid invitation, string? state, Guid? import, string? back, InviteOutcome? outcome, long after, CancellationToken cancellationToken)
    {
        if (await _invitations.GetAsync(User.Tenant(), invitation, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        try
        {
            var result = await _invitations.ResendAsync(User.Tenant(), invitation, cancellationToken);
            Notice = result.Status switch
            {
                InvitationResendStatus.Sent => $"Sent again to {found.Address}, with a new link; the old link no longer works.",
                InvitationResendStatus.Rejected => $"The mail server refused {found.Address}{(result.Detail is { Length: > 0 } d ? $": {d}" : ".")} The old link no longer works.",
                InvitationResendStatus.Closed => $"The invitation of {found.Address} is {Wording.State(result.Invitation?.State ?? found.State).ToLowerInvariant()}: nothing was sent.",
                _ => "There is no such invitation.",
            };
        }
        catch (InvitationTransportException)
        {
            Notice = $"The mail server could not be reached: the invitation of {found.Address} has a new link that was not sent. Resend it again later.";
        }

        return back == BackToReport ? BackToReportOf(found, outcome, after) : Back(state, import);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid invitation, string? state, Guid? import, string? back, InviteOutcome? outcome, long after, CancellationToken cancellationToken)
    {
        if (await _invitations.GetAsync(User.Tenant(), invitation, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Notice = await _invitations.RevokeAsync(User.Tenant(), invitation, cancellationToken)
            ? $"Revoked the invitation of {found.Address}: its link no longer works."
            : $"The invitation of {found.Address} is {Wording.State(found.State).ToLowerInvariant()}: only a pending invitation can be revoked.";
        return back == BackToReport ? BackToReportOf(found, outcome, after) : Back(state, import);
    }

    public async Task<IActionResult> OnPostResendImportAsync(Guid import, string? state, CancellationToken cancellationToken)
    {
        if (await _history.GetReportAsync(User.Tenant(), import, cancellationToken) is not { } report)
        {
            return NotFound();
        }

        try
        {
            var sent = await _invitations.ResendImportAsync(User.Tenant(), import, cancellationToken);
            Notice = $"Sent {Wording.Count(sent, "invitation", "invitations")} of {report.FileName} again, each with a new link.";
        }
        catch (InvitationTransportException)
        {
            Notice = $"The mail server could not be reached: some invitations of {report.FileName} were not sent again. Resend them later.";
        }

        return Back(state, import);
    }

    public async Task<IActionResult> OnPostRevokeImportAsync(Guid import, string? state, CancellationToken cancellationToken)
    {
        if (await _history.GetReportAsync(User.Tenant(), import, cancellationToken) is not { } report)
        {
            return NotFound();
        }

        var revoked = await _invitations.RevokeImportAsync(User.Tenant(), import, cancellationToken);
        Notice = $"Revoked {Wording.Count(revoked, "pending invitation", "pending invitations")} of {report.FileName}.";
        return Back(state, import);
    }

    private bool ReadState(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            return true;
        }

        if (string.Equals(state, AllStates, StringComparison.OrdinalIgnoreCase))
        {
            State = null;
            return true;
        }

        if (Enum.TryParse<InvitationState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(state.Trim()[0]))
        {
            State = parsed;
            return true;
        }

        return false;
    }

    private RedirectToPageResult Back(string? state, Guid? import)
        => RedirectToPage(new { state = ReadState(state) ? StateValue : null, import });

    /// <summary>The report of the invitation's own import (of this tenant, as the invitation was read), at the page it was acted on from.</summary>
    private RedirectToPageResult BackToReportOf(InvitationRecord invitation, InviteOutcome? outcome, long after)
        => RedirectToPage("/Report", new { importId = invitation.ImportId, outcome = outcome is { } o && Enum.IsDefined(o) ? o : (InviteOutcome?)null, after = after > 0 ? after : (long?)null });
}
