namespace BulkInvite.Smtp;

/// <summary>
/// Writes the link an invitee follows to accept. The default puts the invitation's token (<see cref="Invitation.AcceptToken"/>)
/// in the link as its only parameter; a host's own provider should do the same, and never put the address or ids in it.
/// </summary>
public interface IAcceptLinkProvider
{
    /// <summary>Returns the accept link for one invitation.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>An absolute URL.</returns>
    ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default);
}
