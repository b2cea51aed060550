using BulkInvite.Smtp.Composition;

namespace BulkInvite.Smtp.Pickup;

/// <summary>Writes each invitation as an <c>.eml</c> file (names safe for any address, never overwriting).</summary>
internal sealed class PickupFolderInvitationSender : IInvitationSender
{
    public PickupFolderInvitationSender(PickupFolderSenderOptions options, IInvitationComposer composer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composer);
    }

    public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
