using MimeKit;

namespace BulkInvite.Smtp.Composition;

/// <summary>A composed invitation, ready to send or to write as a file.</summary>
/// <param name="Message">The message.</param>
/// <param name="Recipient">The envelope recipient (IDN domains as A-labels).</param>
/// <param name="RequiresSmtpUtf8">Whether the recipient's local part is non-ASCII, so only a server announcing SMTPUTF8 can take it.</param>
internal sealed record ComposedInvitation(MimeMessage Message, MailboxAddress Recipient, bool RequiresSmtpUtf8)
{
    /// <summary>The reusable message this invitation was composed into, if it came from a composer's pool.</summary>
    internal InvitationMessageShell? Shell { get; init; }

    /// <summary>
    /// Hands the message back for the next invitation once it has been sent or written (its last use): the
    /// <see cref="Message"/> must not be read after this.
    /// </summary>
    public void Release() => Shell?.Return();
}

/// <summary>Builds the message of one invitation from the template.</summary>
internal interface IInvitationComposer
{
    ValueTask<ComposedInvitation> ComposeAsync(Invitation invitation, CancellationToken cancellationToken);
}
