using System.Text;
using BulkInvite.Smtp.Composition;

namespace BulkInvite.Smtp;

/// <summary>
/// The invitation email: a subject, a plain-text body and an optional HTML body with <c>{{placeholder}}</c>s
/// (see <see cref="InvitationPlaceholders"/>). Parsed once when created; values are HTML-encoded in the HTML body.
/// </summary>
/// <remarks>
/// <para>
/// A placeholder is written <c>{{name}}</c> on one line; spaces and tabs inside the braces are ignored and names are matched
/// case-insensitively (<c>{{ Account_Name }}</c> is <c>{{account_name}}</c>). An unknown name, an empty <c>{{}}</c>
/// or a <c>{{</c> that is not closed fails when the template is created. To write a literal <c>{{</c>, write
/// <c>{{{{</c>; a <c>}}</c> outside a placeholder is literal text.
/// </para>
/// <para>
/// The subject is one line: a line break inside the subject template fails. Every value is one line wherever it is
/// used: line breaks and other control characters become spaces and bidirectional formatting characters are removed,
/// so that no value can add a header field or a line to a body, or show text in another order than it is. A value
/// that reads like an RFC 2047 encoded word (<c>=?utf-8?b?...?=</c>) reaches a reader as that text, not decoded.
/// </para>
/// <para>Instances are immutable and can be shared between threads.</para>
/// </remarks>
public sealed class InvitationTemplate
{
    internal const string SubjectPart = "subject";
    internal const string TextPart = "text";
    internal const string HtmlPart = "html";

    private const string SubjectFile = "subject.txt";
    private const string TextFile = "body.txt";
    private const string HtmlFile = "body.html";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private InvitationTemplate(string subject, string textBody, string? htmlBody)
    {
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        CompiledSubject = CompiledTemplate.Parse(subject, SubjectPart);
        CompiledText = CompiledTemplate.Parse(textBody, TextPart);
        CompiledHtml = htmlBody is null ? null : CompiledTemplate.Parse(htmlBody, HtmlPart);

        var names = new List<string>();
        AddDistinct(names, CompiledSubject.Placeholders);
        AddDistinct(names, CompiledText.Placeholders);
        if (CompiledHtml is not null)
        {
            AddDistinct(names, CompiledHtml.Placeholders);
        }

        Placeholders = names.AsReadOnly();
        UsesAcceptLink = CompiledSubject.Uses(TemplateSegmentKind.AcceptLink)
            || CompiledText.Uses(TemplateSegmentKind.AcceptLink)
            || (CompiledHtml?.Uses(TemplateSegmentKind.AcceptLink) ?? false);
    }

    /// <summary>The built-in template (subject, text and HTML).</summary>
    public static InvitationTemplate Default { get; } = new(DefaultTemplateText.Subject, DefaultTemplateText.Text, DefaultTemplateText.Html);

    /// <summary>The subject line template.</summary>
    public string Subject { get; }

    /// <summary>The plain-text body template.</summary>
    public string TextBody { get; }

    /// <summary>The HTML body template, if any.</summary>
    public string? HtmlBody { get; }

    /// <summary>The placeholder names the template uses.</summary>
    /// <remarks>
    /// Each name once, in order of first use (subject, then text, then HTML); known names in lower case, fields as
    /// <c>field:NAME</c> with the field name as first written.
    /// </remarks>
    public IReadOnlyCollection<string> Placeholders { get; }

    internal CompiledTemplate CompiledSubject { get; }

    internal CompiledTemplate CompiledText { get; }

    internal CompiledTemplate? CompiledHtml { get; }

    /// <summary>Whether any part uses <c>{{accept_link}}</c> (the link is only asked for when it is).</summary>
    internal bool UsesAcceptLink { get; }

    /// <summary>Creates a template from strings.</summary>
    /// <param name="subject">The subject line template.</param>
    /// <param name="textBody">The plain-text body template.</param>
    /// <param name="htmlBody">The HTML body template, if any.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="InvitationTemplateException">A placeholder is unknown or malformed.</exception>
    /// <remarks>Line breaks at the end of the subject are removed; a line break inside it fails.</remarks>
    public static InvitationTemplate FromStrings(string subject, string textBody, string? htmlBody = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(textBody);
        subject = subject.TrimEnd('\r', '\n');
        if (subject.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new InvitationTemplateException("The subject template must be a single line; it contains a line break.");
        }

        return new InvitationTemplate(subject, textBody, htmlBody);
    }

    /// <summary>Loads a template from a directory holding <c>subject.txt</c>, <c>body.txt</c> and optionally <c>body.html</c> (UTF-8).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="InvitationTemplateException">A file is missing, or a placeholder is unknown or malformed.</exception>
    /// <remarks>The files are read as UTF-8, with or without a byte order mark; bytes that are not UTF-8 fail.</remarks>
    public static InvitationTemplate FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var subjectPath = Path.Combine(directory, SubjectFile);
        var textPath = Path.Combine(directory, TextFile);
        var htmlPath = Path.Combine(directory, HtmlFile);
        var subject = ReadRequired(subjectPath);
        var text = ReadRequired(textPath);
        var html = File.Exists(htmlPath) ? ReadRequired(htmlPath) : null;
        try
        {
            return FromStrings(subject, text, html);
        }
        catch (InvitationTemplateException e) when (e.Part is not null && e.Placeholder is not null)
        {
            var path = e.Part switch
            {
                SubjectPart => subjectPath,
                TextPart => textPath,
                _ => htmlPath,
            };
            throw new InvitationTemplateException($"{path}: {e.Message}", e.Part, e.Placeholder);
        }
        catch (InvitationTemplateException e)
        {
            throw new InvitationTemplateException($"{subjectPath}: {e.Message}", e);
        }
    }

    private static string ReadRequired(string path)
    {
        try
        {
            return File.ReadAllText(path, StrictUtf8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvitationTemplateException($"The invitation template file '{path}' is missing.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvitationTemplateException($"The invitation template file '{path}' is not valid UTF-8.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvitationTemplateException($"The invitation template file '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static void AddDistinct(List<string> names, IReadOnlyList<string> more)
    {
        foreach (var name in more)
        {
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }
    }
}
