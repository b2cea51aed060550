using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>
/// "View details": one row per entry of an import, paged by keyset, filterable by outcome, each with its invitation as
/// it stands now, and the import's invitations counted by state. A row's open invitation is resent or revoked through
/// the pending invitations page's actions, which come back here.
/// </summary>
public sealed class ReportModel : PageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;

    private readonly IBulkInviteHistory _history;

    public ReportModel(IBulkInviteHistory history) => _history = history;

    public BulkInviteReport? Report { get; private set; }

    public InvitePage<InviteEntryResult> Entries { get; private set; } = new() { Items = [], TotalCount = 0, HasMore = false };

    public InviteOutcome? Outcome { get; private set; }

    public long After { get; private set; }

    /// <summary>What the last resend or revoke of a row did (set by the pending invitations page before it comes back).</summary>
    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid importId, InviteOutcome? outcome, long after, CancellationToken cancellationToken)
    {
        // Another tenant's import reads as missing: the store scopes every query to the signed-in tenant.
        Report = await _history.GetReportAsync(User.Tenant(), importId, cancellationToken);
        if (Report is null)
        {
            return NotFound();
        }

        Outcome = outcome;
        After = Math.Max(0, after);
        Entries = await _history.GetEntriesAsync(
            User.Tenant(),
            importId,
            new EntryQuery { Outcome = outcome, AfterSequence = After, Limit = PageSize },
            cancellationToken);
        return Page();
    }
}
