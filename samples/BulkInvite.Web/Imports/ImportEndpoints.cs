using BulkInvite.Web.Demo;

namespace BulkInvite.Web.Imports;

/// <summary>The status the page polls, and the report downloads. Every one reads the signed-in tenant's data only.</summary>
internal static class ImportEndpoints
{
    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/imports/{importId:guid}").RequireAuthorization(TenantUser.AdminPolicy);

        imports.MapGet("/status", async (Guid importId, HttpContext http, IBulkInviteHistory history, CancellationToken ct) =>
        {
            var view = await ImportStatusView.LoadAsync(history, http.User.Tenant(), importId, ct);
            return view is null ? Results.NotFound() : Results.Json(view, ImportJson.Options);
        });

        imports.MapGet("/report.csv", async (Guid importId, HttpContext http, IBulkInviteHistory history, CancellationToken ct) =>
        {
            var report = await history.GetReportAsync(http.User.Tenant(), importId, ct);
            if (report is null)
            {
                return Results.NotFound();
            }

            return Results.Stream(
                output => InviteReportExport.WriteCsvAsync(history, report.TenantId, importId, output, cancellationToken: ct),
                "text/csv; charset=utf-8",
                DownloadName(report.FileName, "report", ".csv"));
        });

        imports.MapGet("/failed-rows", async (Guid importId, HttpContext http, IBulkInviteHistory history, CancellationToken ct) =>
        {
            var report = await history.GetReportAsync(http.User.Tenant(), importId, ct);
            if (report is null)
            {
                return Results.NotFound();
            }

            var csv = string.Equals(report.ParserName, "csv", StringComparison.OrdinalIgnoreCase);
            return Results.Stream(
                output => InviteReportExport.WriteFailedRowsAsync(history, report.TenantId, importId, output, ct),
                csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8",
                DownloadName(report.FileName, "failed-rows", csv ? ".csv" : ".txt"));
        });
    }

    /// <summary>A download name made of the upload's name (letters, digits, dot, dash, underscore only).</summary>
    private static string DownloadName(string fileName, string suffix, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var safe = new string([.. stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return $"{(safe.Length == 0 ? "import" : safe)}-{suffix}{extension}";
    }
}
