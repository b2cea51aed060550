namespace BulkInvite.Smtp;

/// <summary>Issues the link an invitee follows to accept (the host owns its tokens).</summary>
public interface IAcceptLinkProvider
{
    /// <summary>Returns the accept link for one invitation.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>An absolute URL.</returns>
    ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default);
}
