using System.Net;
using System.Text.RegularExpressions;

namespace BulkInvite.Web.Tests;

/// <summary>The report's and History's tables read back from their HTML, by the attributes the pages mark them with.</summary>
internal static partial class PageTables
{
    /// <summary>
    /// The report's rows: the outcome code of each, its invitation's state code (if it sent one), its cells by class as
    /// text (markup removed, spaces collapsed) and whether it offers a resend and a revoke.
    /// </summary>
    public static List<ReportRow> ReportRows(string page)
        => [.. ReportRowPattern().Matches(page).Select(row => new ReportRow(
            row.Groups[1].Value,
            row.Groups[2].Value is { Length: > 0 } state ? state : null,
            Cell().Matches(row.Groups[3].Value).ToDictionary(cell => cell.Groups[1].Value, cell => Text(cell.Groups[2].Value)),
            row.Groups[3].Value.Contains("class=\"secondary resend\"", StringComparison.Ordinal),
            row.Groups[3].Value.Contains("class=\"secondary revoke\"", StringComparison.Ordinal)))];

    /// <summary>The report's invitation counts by state code; <see langword="null"/> when the report shows none.</summary>
    public static Dictionary<string, long>? InvitationCounts(string page)
    {
        var table = CountsTable().Match(page);
        return table.Success
            ? CountCell().Matches(table.Groups[1].Value).ToDictionary(c => c.Groups[1].Value, c => long.Parse(c.Groups[2].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>History's invitation counts of one import by state code, as the cells read (empty for a preview).</summary>
    public static Dictionary<string, string> HistoryInvitationCounts(string page, Guid importId)
    {
        var row = Regex.Match(page, $"<tr data-import=\"{importId}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.That(row.Success, Is.True, $"History lists import {importId}");
        return HistoryCountCell().Matches(row.Groups[1].Value).ToDictionary(c => c.Groups[1].Value, c => c.Groups[2].Value.Trim());
    }

    /// <summary>One row of the report.</summary>
    internal sealed record ReportRow(string Outcome, string? InvitationState, IReadOnlyDictionary<string, string> Cells, bool OffersResend, bool OffersRevoke);

    private static string Text(string html)
        => Spaces().Replace(WebUtility.HtmlDecode(Markup().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<tr data-outcome=\"(\\w+)\" data-invitation-state=\"(\\w*)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex ReportRowPattern();

    [GeneratedRegex("<td class=\"(\\w+)\">(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<table class=\"counts\" id=\"invitation-counts\">(.*?)</table>", RegexOptions.Singleline)]
    private static partial Regex CountsTable();

    [GeneratedRegex("<td data-state=\"(\\w+)\"><a href=\"[^\"]*\">([\\d,]+)</a></td>")]
    private static partial Regex CountCell();

    [GeneratedRegex("<td class=\"invitation-count\" data-state=\"(\\w+)\">([^<]*)</td>")]
    private static partial Regex HistoryCountCell();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Markup();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
