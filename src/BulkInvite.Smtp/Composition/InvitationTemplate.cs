namespace BulkInvite.Smtp;

/// <summary>
/// The invitation email: a subject, a plain-text body and an optional HTML body with <c>{{placeholder}}</c>s
/// (see <see cref="InvitationPlaceholders"/>). Parsed once when created; values are HTML-encoded in the HTML body.
/// </summary>
public sealed class InvitationTemplate
{
    private InvitationTemplate(string subject, string textBody, string? htmlBody)
    {
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
    }

    /// <summary>The built-in template (subject, text and HTML).</summary>
    public static InvitationTemplate Default => throw new NotImplementedException();

    /// <summary>The subject line template.</summary>
    public string Subject { get; }

    /// <summary>The plain-text body template.</summary>
    public string TextBody { get; }

    /// <summary>The HTML body template, if any.</summary>
    public string? HtmlBody { get; }

    /// <summary>The placeholder names the template uses.</summary>
    public IReadOnlyCollection<string> Placeholders => throw new NotImplementedException();

    /// <summary>Creates a template from strings.</summary>
    /// <param name="subject">The subject line template.</param>
    /// <param name="textBody">The plain-text body template.</param>
    /// <param name="htmlBody">The HTML body template, if any.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="InvitationTemplateException">A placeholder is unknown or malformed.</exception>
    public static InvitationTemplate FromStrings(string subject, string textBody, string? htmlBody = null)
        => throw new NotImplementedException();

    /// <summary>Loads a template from a directory holding <c>subject.txt</c>, <c>body.txt</c> and optionally <c>body.html</c> (UTF-8).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="InvitationTemplateException">A file is missing, or a placeholder is unknown or malformed.</exception>
    public static InvitationTemplate FromDirectory(string directory) => throw new NotImplementedException();
}
