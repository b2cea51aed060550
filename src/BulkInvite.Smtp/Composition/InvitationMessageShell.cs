using MimeKit;

namespace BulkInvite.Smtp.Composition;

/// <summary>
/// The MimeKit objects of one invitation, kept for the next one: the message with its From and Reply-To, the text
/// part, and the HTML part under a <c>multipart/alternative</c>. Building these costs more than filling them
/// (MimeKit formats every header as it is set), so a composer fills a released shell with the next recipient's
/// To, Date, Message-ID, subject and bodies instead.
/// </summary>
/// <remarks>One invitation uses a shell at a time: from composition until the sender releases it after the send.</remarks>
internal sealed class InvitationMessageShell
{
    private readonly InvitationMessageShellPool _pool;
    private int _inUse = 1;

    public InvitationMessageShell(InvitationMessageShellPool pool, MimeMessage message, TextPart text, TextPart? html, Multipart? alternative)
    {
        _pool = pool;
        Message = message;
        Text = text;
        Html = html;
        Alternative = alternative;
    }

    public MimeMessage Message { get; }

    public TextPart Text { get; }

    public TextPart? Html { get; }

    public Multipart? Alternative { get; }

    /// <summary>The subject last set, so that an unchanged subject is not formatted again.</summary>
    public string? Subject { get; set; }

    /// <summary>Marks the shell taken from the pool.</summary>
    public void Take() => Volatile.Write(ref _inUse, 1);

    /// <summary>Hands the shell back to its pool; a second call for the same use does nothing.</summary>
    public void Return()
    {
        if (Interlocked.Exchange(ref _inUse, 0) == 1)
        {
            _pool.Return(this);
        }
    }
}
