using BulkInvite.Web.Demo;
using BulkInvite.Web.Imports;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>
/// The Bulk Invite page: choose a file, send (or preview), and the import's status right under the button.
/// </summary>
/// <remarks>
/// The form is checked for its antiforgery token by the handler itself, after the size check and after the form has
/// been read: a request over the limit, or a form that cannot be read, is answered with its own message on the page.
/// The form limits are the host's (<c>FormOptions</c>): a page attribute would replace them all with the defaults.
/// </remarks>
[IgnoreAntiforgeryToken]
public sealed class IndexModel : PageModel
{
    private readonly IBulkInviteQueue _queue;
    private readonly IBulkInviteHistory _history;
    private readonly IAntiforgery _antiforgery;
    private readonly UploadLimits _limits;
    private PostedForm? _posted;

    public IndexModel(IBulkInviteQueue queue, IBulkInviteHistory history, IAntiforgery antiforgery, UploadLimits limits)
    {
        _queue = queue;
        _history = history;
        _antiforgery = antiforgery;
        _limits = limits;
    }

    public string? FileName { get; private set; }

    public string? ErrorMessage { get; private set; }

    public ImportStatusView? Status { get; private set; }

    /// <summary>The upload limit as people read it: <c>64 MB</c>, <c>256 KB</c>.</summary>
    public string MaxFileSize => _limits.MaxFileBytes >= 1024 * 1024 && _limits.MaxFileBytes % (1024 * 1024) == 0
        ? $"{_limits.MaxFileBytes / (1024 * 1024):N0} MB"
        : $"{Math.Max(1, _limits.MaxFileBytes / 1024):N0} KB";

    public async Task<IActionResult> OnGetAsync(Guid? import, CancellationToken cancellationToken)
    {
        if (import is { } id)
        {
            Status = await ImportStatusView.LoadAsync(_history, User.Tenant(), id, cancellationToken);
            if (Status is null)
            {
                ErrorMessage = "There is no such import in your history.";
                Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }

        return Page();
    }

    public Task<IActionResult> OnPostSendAsync(CancellationToken cancellationToken) => UploadAsync(preview: false, cancellationToken);

    public Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken) => UploadAsync(preview: true, cancellationToken);

    /// <summary>
    /// Reads a posted form before anything else does (model binding would read it too, and swallow its errors), so
    /// that the handler can tell a file that is too large, a form that cannot be read and an expired form apart.
    /// </summary>
    public override async Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsPost(Request.Method))
        {
            _posted = await ReadFormAsync(HttpContext.RequestAborted);
        }

        await base.OnPageHandlerSelectionAsync(context);
    }

    private async Task<PostedForm> ReadFormAsync(CancellationToken cancellationToken)
    {
        if (Request.ContentLength > _limits.MaxRequestBytes)
        {
            return PostedForm.Refused(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }

        // The limit is enforced here, for bodies without a Content-Length too. The server's own limit is lifted for
        // this request so that, once the page has answered, the server may still read away the rest of a body that
        // is too large (for a few seconds at most), and the browser gets the page instead of a cut connection.
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        Request.Body = new LimitedRequestBody(Request.Body, _limits.MaxRequestBytes);
        try
        {
            return new PostedForm(await Request.ReadFormAsync(cancellationToken), StatusCodes.Status200OK, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return PostedForm.Refused(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }
        catch (InvalidDataException e)
        {
            return PostedForm.Refused(StatusCodes.Status400BadRequest, $"The form could not be read: it is malformed or has too many parts ({e.Message.TrimEnd('.')}). Reload the page and choose one file.");
        }
        catch (IOException e)
        {
            return PostedForm.Refused(StatusCodes.Status400BadRequest, $"The upload could not be read ({e.Message.TrimEnd('.')}). Try again.");
        }
    }

    private async Task<IActionResult> UploadAsync(bool preview, CancellationToken cancellationToken)
    {
        // The form is read before its antiforgery token is checked, so that a form that cannot be read is not
        // reported as an expired one.
        var posted = _posted ?? await ReadFormAsync(cancellationToken);
        if (posted.Form is not { } form)
        {
            return Refuse(posted.StatusCode, posted.Error!);
        }

        try
        {
            await _antiforgery.ValidateRequestAsync(HttpContext);
        }
        catch (AntiforgeryValidationException)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The form has expired. Reload the page and choose the file again.");
        }

        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, file is null ? "Choose a file first." : $"The file '{file.FileName}' is empty.");
        }

        FileName = Path.GetFileName(file.FileName);
        if (file.Length > _limits.MaxFileBytes)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }

        Guid importId;
        try
        {
            var content = file.OpenReadStream();
            await using (content.ConfigureAwait(false))
            {
                importId = await _queue.EnqueueAsync(
                    new BulkInviteRequest
                    {
                        Content = content,
                        FileName = FileName,
                        TenantId = User.Tenant(),
                        InitiatedBy = User.DisplayName(),
                        SenderName = User.Tenant(),
                        Mode = preview ? ImportMode.Preview : ImportMode.Send,
                    },
                    cancellationToken);
            }
        }
        catch (InviteLimitExceededException e)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, e.Message);
        }

        // Post/redirect/get: the status page can be reloaded without sending the file again.
        return RedirectToPage("/Index", new { import = importId });
    }

    private string TooLarge() => $"The file is larger than the limit of {MaxFileSize}. Split it into smaller files.";

    /// <summary>A posted form as read, or why it was refused (status code and message).</summary>
    private sealed record PostedForm(IFormCollection? Form, int StatusCode, string? Error)
    {
        public static PostedForm Refused(int statusCode, string error) => new(null, statusCode, error);
    }

    private PageResult Refuse(int statusCode, string message)
    {
        ErrorMessage = message;
        Response.StatusCode = statusCode;
        return Page();
    }
}
