using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace BulkInvite.Smtp.Composition;

/// <summary>Composes invitations with MimeKit: the template parsed once, only the personalised parts built per message.</summary>
/// <remarks>
/// <para>
/// The MimeKit objects of a message (the message with From and Reply-To, its parts and their headers) are built once
/// and reused: a sender hands them back with <see cref="ComposedInvitation.Release"/> after the send, and the next
/// invitation only sets To, Date, Message-ID, the subject (when it changed) and the bodies. A composed message is
/// used by one invitation at a time, so messages composed on different threads share nothing mutable; one that is
/// never released is simply collected.
/// </para>
/// <para>
/// Bodies are UTF-8; each part is 7bit when it is ASCII with lines of at most 998 characters, otherwise
/// quoted-printable or base64, whichever MimeKit finds shorter. Header values that are not ASCII are written as
/// RFC 2047 encoded words, and IDN domains as A-labels, when the message is written with MimeKit's default options.
/// </para>
/// <para>
/// Values from data enter through <see cref="TemplateValues"/>, which passes each through <see cref="DataText"/>; a
/// display name or subject that holds <c>=?</c> is written as encoded words of its own (<see cref="HeaderText.EncodeWords"/>),
/// because MimeKit would pass it through as it is and a mail client would decode it.
/// </para>
/// <para>
/// An address that MimeKit cannot put in a header (one the validator would not pass, such as <c>a..b@example.com</c>)
/// throws <see cref="ArgumentException"/> with <see cref="ArgumentException.ParamName"/> <c>invitation</c>; senders turn
/// it into a failed result for that recipient.
/// </para>
/// </remarks>
internal sealed class InvitationComposer : IInvitationComposer
{
    // RFC 5322 line length limit; longer lines (long links in HTML) make MimeKit pick quoted-printable.
    private const int MaxLineLength = 998;
    private const int InitialBuilderCapacity = 256;
    private const int BoundaryRandomBytes = 16;
    private const int MaxCachedBuilderCapacity = 64 * 1024;

    // Keeps letters of every script readable in the HTML source; markup characters and quotes are always encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    // IdnMapping keeps no state besides its two flags, which are never changed after this point.
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly MailboxAddress _from;
    private readonly MailboxAddress? _replyTo;
    private readonly string _messageIdDomain;
    private readonly string _accountName;
    private readonly InvitationTemplate _template;
    private readonly IAcceptLinkProvider _acceptLinks;
    private readonly TimeProvider _time;
    private readonly InvitationMessageShellPool _shells = new();

    public InvitationComposer(InvitationMessageOptions options, InvitationTemplate template, IAcceptLinkProvider acceptLinks, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(acceptLinks);
        ArgumentNullException.ThrowIfNull(time);

        _from = ParseMailbox(options.FromAddress, "Message:FromAddress", required: true)!;
        if (!string.IsNullOrWhiteSpace(options.FromName))
        {
            _from.Name = HeaderText.MakeSingleLine(options.FromName.Trim());
        }

        _replyTo = ParseMailbox(options.ReplyTo, "Message:ReplyTo", required: false);
        _messageIdDomain = string.IsNullOrWhiteSpace(options.MessageIdDomain)
            ? _from.Domain
            : ValidateDomain(options.MessageIdDomain.Trim(), "Message:MessageIdDomain");
        _accountName = options.AccountName ?? string.Empty;
        _template = template;
        _acceptLinks = acceptLinks;
        _time = time;
    }

    public ValueTask<ComposedInvitation> ComposeAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_template.UsesAcceptLink)
        {
            return new ValueTask<ComposedInvitation>(Compose(invitation, string.Empty));
        }

        var link = _acceptLinks.GetAcceptLinkAsync(invitation, cancellationToken);
        return link.IsCompletedSuccessfully
            ? new ValueTask<ComposedInvitation>(Compose(invitation, link.Result))
            : ComposeAfterLinkAsync(invitation, link);
    }

    private async ValueTask<ComposedInvitation> ComposeAfterLinkAsync(Invitation invitation, ValueTask<string> link)
        => Compose(invitation, await link.ConfigureAwait(false));

    /// <summary>The text of <c>{{expires_at}}</c>: the instant in UTC, invariant English; empty without an expiry.</summary>
    internal static string FormatExpiry(DateTimeOffset? expiresAt)
        => expiresAt is { } at ? at.UtcDateTime.ToString("d MMMM yyyy 'at' HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    private ComposedInvitation Compose(Invitation invitation, string acceptLink)
    {
        var values = new TemplateValues(
            invitation.Address,
            invitation.DisplayName,
            invitation.InitiatedBy,
            _accountName,
            acceptLink,
            invitation.Fields,
            FormatExpiry(invitation.ExpiresAt));
        var displayName = values.DisplayName.Trim();

        // MimeKit keeps the domain in U-labels and writes A-labels unless the message is formatted as international.
        MailboxAddress recipient;
        try
        {
            recipient = new MailboxAddress(displayName, invitation.Address);
        }
        catch (ParseException e)
        {
            throw new ArgumentException("The recipient's address cannot be written in a message header.", nameof(invitation), e);
        }

        var requiresSmtpUtf8 = !Ascii.IsValid(recipient.LocalPart);

        var builder = t_builder ?? new StringBuilder(InitialBuilderCapacity);
        t_builder = null;
        string subject, text;
        string? html = null;
        try
        {
            _template.CompiledSubject.Render(builder, values, encoder: null);
            HeaderText.MakeSingleLine(builder);
            subject = builder.ToString();

            builder.Clear();
            _template.CompiledText.Render(builder, values, encoder: null);
            text = builder.ToString();

            if (_template.CompiledHtml is not null)
            {
                builder.Clear();
                _template.CompiledHtml.Render(builder, values, Html);
                html = builder.ToString();
            }
        }
        finally
        {
            if (builder.Capacity <= MaxCachedBuilderCapacity)
            {
                builder.Clear();
                t_builder = builder;
            }
        }

        var shell = _shells.TryRent(out var released) ? released : CreateShell();
        var message = shell.Message;
        message.To.Clear();
        message.To.Add(recipient);
        if (HeaderText.NeedsOwnEncoding(displayName))
        {
            SetRawValue(message, HeaderId.To, HeaderText.EncodeWords(displayName, "<" + recipient.GetAddress(idnEncode: true) + ">"));
        }

        message.Date = _time.GetUtcNow();
        // The pipeline's key of the entry: a message whose outcome a crash left unknown can be found at the mail
        // server by it, and one sent again after a crash has the Message-Id of the first attempt.
        message.MessageId = IsMessageIdPart(invitation.MessageKey)
            ? invitation.MessageKey + "@" + _messageIdDomain
            : MimeUtils.GenerateMessageId(_messageIdDomain);
        if (!string.Equals(shell.Subject, subject, StringComparison.Ordinal))
        {
            message.Subject = subject;
            if (HeaderText.NeedsOwnEncoding(subject))
            {
                SetRawValue(message, HeaderId.Subject, HeaderText.EncodeWords(subject, address: null));
            }

            shell.Subject = subject;
        }

        SetContent(shell.Text, text);
        if (shell.Html is not null)
        {
            SetContent(shell.Html, html!);
            KeepBoundaryOutOf(shell.Alternative!, shell.Text, text, shell.Html, html!);
        }

        return new ComposedInvitation(message, recipient, requiresSmtpUtf8) { Shell = shell };
    }

    /// <summary>Replaces how MimeKit would write the header; MimeKit writes an explicit raw value as it is, in every format.</summary>
    private static void SetRawValue(MimeMessage message, HeaderId id, byte[] raw)
        => message.Headers[message.Headers.IndexOf(id)].SetRawValue(raw);

    /// <summary>The message structure of this template: built once per shell, filled per invitation.</summary>
    private InvitationMessageShell CreateShell()
    {
        var message = new MimeMessage();
        message.From.Add(_from.Clone());
        if (_replyTo is not null)
        {
            message.ReplyTo.Add(_replyTo.Clone());
        }

        var text = new TextPart(TextFormat.Plain);
        TextPart? html = null;
        Multipart? alternative = null;
        if (_template.CompiledHtml is null)
        {
            message.Body = text;
        }
        else
        {
            html = new TextPart(TextFormat.Html);
            alternative = new Multipart("alternative") { text, html };
            message.Body = alternative;
        }

        return new InvitationMessageShell(_shells, message, text, html, alternative);
    }

    /// <summary>UTF-8 content; 7bit when it is ASCII with short lines, else quoted-printable or base64, whichever MimeKit finds shorter.</summary>
    private static void SetContent(TextPart part, string content)
    {
        part.SetText(Encoding.UTF8, content);
        part.ContentTransferEncoding = SevenBitText.IsSafe(content)
            ? ContentEncoding.SevenBit
            : part.GetBestEncoding(EncodingConstraint.SevenBit, MaxLineLength);
    }

    /// <summary>
    /// A shell keeps its boundary from one invitation to the next; a 7bit body that happens to contain it (only
    /// possible through a value) gets a new one. Quoted-printable and base64 bodies cannot contain <c>=-</c>.
    /// </summary>
    private static void KeepBoundaryOutOf(Multipart alternative, TextPart text, string textContent, TextPart html, string htmlContent)
    {
        var boundary = alternative.Boundary ?? string.Empty;
        while (boundary.Length == 0
            || (text.ContentTransferEncoding == ContentEncoding.SevenBit && textContent.Contains(boundary, StringComparison.Ordinal))
            || (html.ContentTransferEncoding == ContentEncoding.SevenBit && htmlContent.Contains(boundary, StringComparison.Ordinal)))
        {
            boundary = "=-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(BoundaryRandomBytes));
            alternative.Boundary = boundary;
        }
    }

    private static MailboxAddress? ParseMailbox(string? value, string setting, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required
                ? throw new ArgumentException($"{setting} is required: the address invitations are sent from, for example invitations@example.com.", "options")
                : null;
        }

        if (!MailboxAddress.TryParse(value.Trim(), out var mailbox) || string.IsNullOrEmpty(mailbox.Domain))
        {
            throw new ArgumentException($"{setting} '{value}' is not an email address (for example invitations@example.com).", "options");
        }

        return mailbox;
    }

    private static string ValidateDomain(string domain, string setting)
    {
        try
        {
            return Idn.GetAscii(domain);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{setting} '{domain}' is not a domain name.", "options", e);
        }
    }

    /// <summary>Whether a message key can be a Message-Id's left part as it is (letters, digits, '.', '-', '_'; no leading, trailing or double dot).</summary>
    private static bool IsMessageIdPart([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128 || value[0] == '.' || value[^1] == '.' || value.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
