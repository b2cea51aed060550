using BulkInvite.Web.Demo;
using BulkInvite.Web.Imports;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>
/// The Bulk Invite page: choose a file, send (or preview), and the import's status right under the button.
/// </summary>
/// <remarks>
/// The form is checked for its antiforgery token by the handler itself, after the size check: a request over the
/// limit is answered with a message on the page, without reading the file.
/// </remarks>
[IgnoreAntiforgeryToken]
[RequestFormLimits(ValueCountLimit = 64)]
public sealed class IndexModel : PageModel
{
    private readonly IBulkInviteQueue _queue;
    private readonly IBulkInviteService _service;
    private readonly IAntiforgery _antiforgery;
    private readonly UploadLimits _limits;

    public IndexModel(IBulkInviteQueue queue, IBulkInviteService service, IAntiforgery antiforgery, UploadLimits limits)
    {
        _queue = queue;
        _service = service;
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
            Status = await ImportStatusView.LoadAsync(_queue, _service, User.Tenant(), id, cancellationToken);
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

    private async Task<IActionResult> UploadAsync(bool preview, CancellationToken cancellationToken)
    {
        if (Request.ContentLength > _limits.MaxRequestBytes)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }

        try
        {
            await _antiforgery.ValidateRequestAsync(HttpContext);
        }
        catch (AntiforgeryValidationException)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The form has expired. Reload the page and choose the file again.");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The upload could not be read: " + e.Message);
        }

        var file = Request.Form.Files.GetFile("file");
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
                    },
                    preview,
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

    private PageResult Refuse(int statusCode, string message)
    {
        ErrorMessage = message;
        Response.StatusCode = statusCode;
        return Page();
    }
}
