using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BulkInvite.Web.Pages;

/// <summary>Error pages: status codes re-executed here, and unhandled exceptions outside Development.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Message { get; private set; } = "The request could not be completed.";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        (Title, Message) = code switch
        {
            StatusCodes.Status404NotFound => ("Not found", "There is no such page, or no such import in your history."),
            StatusCodes.Status413PayloadTooLarge => ("File too large", "The upload is larger than this site accepts. Split the file into smaller files."),
            StatusCodes.Status400BadRequest => ("Bad request", "The request could not be read. Reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Forbidden", "You may not see this page."),
            _ => (Title, Message),
        };
    }
}
