using MimeKit;

namespace BulkInvite.Smtp.DependencyInjection;

/// <summary>Checks the message settings shared by every sender; each failure names its setting.</summary>
internal static class InvitationMessageOptionsValidator
{
    public static void Validate(InvitationMessageOptions? options, string prefix, List<string> failures)
    {
        if (options is null)
        {
            failures.Add($"{prefix}Message must be set.");
            return;
        }

        if (string.IsNullOrWhiteSpace(options.FromAddress))
        {
            failures.Add($"{prefix}Message:FromAddress is required (the invitations' sender address).");
        }
        else if (!MailboxAddress.TryParse(options.FromAddress, out _))
        {
            failures.Add($"{prefix}Message:FromAddress '{options.FromAddress}' is not an address.");
        }

        if (options.ReplyTo is { Length: > 0 } replyTo && !MailboxAddress.TryParse(replyTo, out _))
        {
            failures.Add($"{prefix}Message:ReplyTo '{replyTo}' is not an address.");
        }

        if (!Uri.TryCreate(options.AcceptLinkBaseUrl, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{prefix}Message:AcceptLinkBaseUrl '{options.AcceptLinkBaseUrl}' must be an absolute http(s) URL.");
        }

        try
        {
            InvitationTemplateResolver.Resolve(options);
        }
        catch (InvitationTemplateException ex)
        {
            failures.Add($"{prefix}Message:{(options.TemplateDirectory is { Length: > 0 } ? "TemplateDirectory" : "Template")}: {ex.Message}");
        }
    }

    public static string Prefix(string section, string? name)
        => string.IsNullOrEmpty(name) ? $"BulkInvite:{section}:" : $"BulkInvite:{section}:{name}:";
}
