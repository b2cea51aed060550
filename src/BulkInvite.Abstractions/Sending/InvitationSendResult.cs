namespace BulkInvite;

/// <summary>The outcome of sending one invitation: create it with <see cref="Success"/> or <see cref="Failure"/>.</summary>
public readonly struct InvitationSendResult
{
    /// <summary>Whether the mail server (or pickup folder) accepted the invitation.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The server's status code (for example 250 or 550), if there was one.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The server's reply text or another explanation, if any.</summary>
    public string? Detail { get; init; }

    /// <summary>An accepted invitation.</summary>
    /// <param name="detail">An optional note, for example the message id.</param>
    /// <returns>The result.</returns>
    public static InvitationSendResult Success(string? detail = null) => new() { Succeeded = true, Detail = detail };

    /// <summary>A permanent failure for this recipient (for example 550 mailbox unavailable).</summary>
    /// <param name="statusCode">The server's status code, if any.</param>
    /// <param name="detail">The server's reply text or another explanation.</param>
    /// <returns>The result.</returns>
    public static InvitationSendResult Failure(int? statusCode, string detail) => new() { Succeeded = false, StatusCode = statusCode, Detail = detail };
}
