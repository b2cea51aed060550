namespace BulkInvite;

/// <summary>
/// One invitation in the ledger: one per invited entry of an import. It never holds the token or its hash: a token is
/// given only to the sender of each email, and the store keeps only a keyed hash of it.
/// </summary>
/// <remarks>Times are read back as UTC instants.</remarks>
public sealed class InvitationRecord
{
    /// <summary>The invitation's id (time-ordered: a later invitation has a greater id).</summary>
    public required Guid InvitationId { get; init; }

    /// <summary>The account (tenant) that invites.</summary>
    public required string TenantId { get; init; }

    /// <summary>The invitee's address, as validated.</summary>
    public required string Address { get; init; }

    /// <summary>The address's comparison key (<see cref="EmailAddressNormalizer.Normalize"/>).</summary>
    public required string AddressKey { get; init; }

    /// <summary>The import that invited.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>The entry's sequence number in that import.</summary>
    public required long Sequence { get; init; }

    /// <summary>The entry's line in the import's file.</summary>
    public long Line { get; init; }

    /// <summary>The invitee's display name from the file, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Per-recipient fields from the file (for example role or groups), if any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>Who started the import that invited.</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>The state at the time of the read (a pending invitation past its expiry reads as <see cref="InvitationState.Expired"/>).</summary>
    public required InvitationState State { get; init; }

    /// <summary>When the invitation was first sent.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the current link stops accepting it.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was accepted, if it was.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>How many times it was sent (each send with a new link).</summary>
    public required int SendCount { get; init; }

    /// <summary>When it was last sent.</summary>
    public required DateTimeOffset LastSentAt { get; init; }

    /// <summary>The left part of the last send's Message-Id (<see cref="Invitation.MessageKey"/>), if known.</summary>
    public string? LastMessageKey { get; init; }

    /// <summary>The id of the key that hashed the current token (<c>InvitationTokenKeys</c>); never the key itself.</summary>
    public required string TokenKeyId { get; init; }
}
