namespace BulkInvite;

/// <summary>Delivers invitations (SMTP, a pickup folder, or the host's own channel).</summary>
/// <remarks>
/// <para>
/// A rejected recipient is a result, not an exception: return <see cref="InvitationSendResult.Failure"/>.
/// Throw <see cref="InvitationTransportException"/> when the transport itself is unavailable: the import then
/// stops, and every unsent entry stays <see cref="InviteOutcome.Pending"/> so that it can be resumed.
/// </para>
/// <para>The pipeline calls the sender from several tasks at once; implementations must be thread-safe.</para>
/// </remarks>
public interface IInvitationSender
{
    /// <summary>Sends one invitation.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Whether the recipient was accepted.</returns>
    Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default);
}
