namespace BulkInvite;

/// <summary>The outcome of sending one invitation.</summary>
/// <param name="Succeeded">Whether the mail server (or pickup folder) accepted the invitation.</param>
/// <param name="StatusCode">The server's status code (for example 250 or 550), if there was one.</param>
/// <param name="Detail">The server's reply text or another explanation, if any.</param>
public readonly record struct InvitationSendResult(bool Succeeded, int? StatusCode = null, string? Detail = null)
{
    /// <summary>An accepted invitation.</summary>
    /// <param name="detail">An optional note, for example the message id.</param>
    /// <returns>The result.</returns>
    public static InvitationSendResult Success(string? detail = null) => new(true, null, detail);

    /// <summary>A permanent failure for this recipient (for example 550 mailbox unavailable).</summary>
    /// <param name="statusCode">The server's status code, if any.</param>
    /// <param name="detail">The server's reply text or another explanation.</param>
    /// <returns>The result.</returns>
    public static InvitationSendResult Failure(int? statusCode, string detail) => new(false, statusCode, detail);
}
