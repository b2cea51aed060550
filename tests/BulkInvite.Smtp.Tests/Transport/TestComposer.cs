using BulkInvite.Smtp.Composition;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Builds a small plain-text invitation; the subject carries the entry's sequence number.</summary>
internal sealed class TestComposer : IInvitationComposer
{
    public const string FromAddress = "invitations@example.com";

    public ValueTask<ComposedInvitation> ComposeAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var recipient = new MailboxAddress(invitation.DisplayName, invitation.Address);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Invitations", FromAddress));
        message.To.Add(recipient);
        message.Subject = SubjectOf(invitation.Sequence);
        message.Body = new TextPart("plain") { Text = $"You are invited (entry {invitation.Sequence})." };
        var requiresSmtpUtf8 = invitation.Address.AsSpan(0, invitation.Address.IndexOf('@', StringComparison.Ordinal)).ContainsAnyExceptInRange((char)0, (char)127);
        return ValueTask.FromResult(new ComposedInvitation(message, recipient, requiresSmtpUtf8));
    }

    public static string SubjectOf(long sequence) => $"Invitation {sequence}";

    public static Invitation Invitation(long sequence, string? address = null) => new()
    {
        ImportId = Guid.Empty,
        Sequence = sequence,
        TenantId = "tenant",
        InitiatedBy = "admin",
        Address = address ?? $"user{sequence}@example.org",
    };
}
