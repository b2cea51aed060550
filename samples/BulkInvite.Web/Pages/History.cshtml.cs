using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>"History": the signed-in tenant's imports, newest first, selectable by date.</summary>
public sealed class HistoryModel : PageModel
{
    /// <summary>Imports per page.</summary>
    public const int PageSize = 20;

    private readonly IBulkInviteService _service;

    public HistoryModel(IBulkInviteService service) => _service = service;

    public InvitePage<BulkInviteReport> Imports { get; private set; } = new([], 0, false);

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    public bool Previews { get; private set; }

    public int Offset { get; private set; }

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, bool previews, int offset, CancellationToken cancellationToken)
    {
        From = from;
        To = to;
        Previews = previews;
        Offset = Math.Max(0, offset);
        Imports = await _service.GetHistoryAsync(
            User.Tenant(),
            new ImportQuery
            {
                Offset = Offset,
                Limit = PageSize,
                // Whole days in UTC: "to" includes the day it names.
                From = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                To = to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                IncludePreviews = previews,
            },
            cancellationToken);
    }
}
