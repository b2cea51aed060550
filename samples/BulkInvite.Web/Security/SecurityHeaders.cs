namespace BulkInvite.Web.Security;

/// <summary>
/// The headers every response carries: a content security policy that allows the site's own scripts, styles and
/// requests only (the pages have no inline script or style), no framing, no MIME sniffing, no referrer to other sites.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Adds the headers when the response starts, so that error pages and downloads carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            context.Response.OnStarting(
                static state =>
                {
                    var headers = ((HttpResponse)state).Headers;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    // A page may be stricter (the accept page, whose address holds a token, sends no referrer at all).
                    if (!headers.ContainsKey("Referrer-Policy"))
                    {
                        headers["Referrer-Policy"] = "same-origin";
                    }
                    return Task.CompletedTask;
                },
                context.Response);
            return next(context);
        });
}
