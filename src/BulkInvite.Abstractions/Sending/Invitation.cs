namespace BulkInvite;

/// <summary>One invitation to send.</summary>
public sealed class Invitation
{
    /// <summary>The import this invitation belongs to.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>The entry's 1-based sequence number within the import (unique per import).</summary>
    public required long Sequence { get; init; }

    /// <summary>The account (tenant) that invites.</summary>
    public required string TenantId { get; init; }

    /// <summary>Who started the import (for example the administrator's name or id).</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>The recipient's address, as validated.</summary>
    public required string Address { get; init; }

    /// <summary>The recipient's display name from the file, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Per-recipient fields from the file (for example CSV columns), if any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>
    /// The left part of the message's Message-Id, <c>{ImportId:N}.{Sequence}</c>, set by the pipeline. A sender that sets
    /// a Message-Id uses it (<c>&lt;MessageKey@domain&gt;</c>): the entry is recorded <see cref="InviteOutcome.Sending"/>
    /// before the send, so a message whose outcome a crash left unknown can be found at the mail server by it, and a
    /// message sent again after a crash carries the same Message-Id as the first attempt, which lets mail systems that
    /// remove duplicates by Message-Id show it once.
    /// </summary>
    public string? MessageKey { get; init; }

    /// <summary>
    /// The token of this send's accept link (256 random bits, base64url), set by the pipeline and by
    /// <see cref="IInvitationService.ResendAsync"/>: the link's only query parameter (<c>{AcceptLinkBaseUrl}?token=…</c>).
    /// It exists only here: the store keeps a keyed hash of it. A sender must not log or store it.
    /// </summary>
    public string? AcceptToken { get; init; }

    /// <summary>When the accept link stops working, set with <see cref="AcceptToken"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
