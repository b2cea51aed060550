namespace BulkInvite.Smtp.Composition;

/// <summary>Composes invitations with MimeKit: the template parsed once, only the personalised parts built per message.</summary>
internal sealed class InvitationComposer : IInvitationComposer
{
    public InvitationComposer(InvitationMessageOptions options, InvitationTemplate template, IAcceptLinkProvider acceptLinks, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(acceptLinks);
        ArgumentNullException.ThrowIfNull(time);
    }

    public ValueTask<ComposedInvitation> ComposeAsync(Invitation invitation, CancellationToken cancellationToken) => throw new NotImplementedException();
}
