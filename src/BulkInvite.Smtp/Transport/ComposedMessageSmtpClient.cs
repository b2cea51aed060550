using MailKit.Net.Smtp;
using MimeKit;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// A MailKit client for messages the composer has already prepared: every part's Content-Transfer-Encoding is
/// chosen for a 7-bit transport with lines under 998 octets, so MailKit's own pass over each part (which reads the
/// whole body again to choose an encoding) is skipped.
/// </summary>
internal sealed class ComposedMessageSmtpClient : SmtpClient
{
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
    }
}
