using System.Globalization;
using BulkInvite.Web.Demo;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>"History": the signed-in tenant's imports, newest first, selectable by date, with their outcomes and their invitations counted by state.</summary>
public sealed class HistoryModel : PageModel
{
    /// <summary>Imports per page.</summary>
    public const int PageSize = 20;

    private readonly IBulkInviteHistory _history;

    public HistoryModel(IBulkInviteHistory history) => _history = history;

    public InvitePage<BulkInviteReport> Imports { get; private set; } = new() { Items = [], TotalCount = 0, HasMore = false };

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    /// <summary>What was wrong with the dates given, if anything (those dates are then not used).</summary>
    public string? DateError { get; private set; }

    public bool Previews { get; private set; }

    public int Offset { get; private set; }

    /// <summary>The dates come as text, so that any value typed into the address bar gets a page with a message.</summary>
    public async Task OnGetAsync(string? from, string? to, bool previews, int offset, CancellationToken cancellationToken)
    {
        From = ReadDate(from);
        To = ReadDate(to);
        Previews = previews;
        Offset = Math.Clamp(offset, 0, int.MaxValue - PageSize);
        Imports = await _history.GetHistoryAsync(
            User.Tenant(),
            new ImportQuery
            {
                Offset = Offset,
                Limit = PageSize,
                // Whole days in UTC: "to" includes the day it names; the last day there is has no end bound.
                From = From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                To = To is { } t && t < DateOnly.MaxValue ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
                IncludePreviews = previews,
            },
            cancellationToken);
    }

    private DateOnly? ReadDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        var error = $"\u201C{value}\u201D is not a date: use the form YYYY-MM-DD.";
        DateError = DateError is null ? error : $"{DateError} {error}";
        return null;
    }
}
