namespace BulkInvite;

/// <summary>
/// One send of an invitation, as the store records it before the email leaves: the invitation of one entry of an
/// import, with the keyed hash of its new token.
/// </summary>
public sealed class InvitationSend
{
    /// <summary>The id the invitation gets when this send creates it; ignored when the entry has an invitation already.</summary>
    public required Guid InvitationId { get; init; }

    /// <summary>The import.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>The entry's sequence number in the import: the invitation's identity within the import.</summary>
    public required long Sequence { get; init; }

    /// <summary>The entry's line in the file.</summary>
    public long Line { get; init; }

    /// <summary>The invitee's address.</summary>
    public required string Address { get; init; }

    /// <summary>The address's comparison key (<see cref="EmailAddressNormalizer.Normalize"/>).</summary>
    public required string AddressKey { get; init; }

    /// <summary>The invitee's display name, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Per-recipient fields, if any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>Who started the import.</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>The keyed hash (HMAC-SHA256) of the new token; it replaces the old one, whose link then accepts nothing.</summary>
    public required ReadOnlyMemory<byte> TokenHash { get; init; }

    /// <summary>The id of the key that made <see cref="TokenHash"/>.</summary>
    public required string TokenKeyId { get; init; }

    /// <summary>When it is sent.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When the new link stops accepting it.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The left part of this send's Message-Id, if any.</summary>
    public string? MessageKey { get; init; }

    /// <summary>
    /// Whether a pending invitation of the same address from another entry is superseded by this send (recorded
    /// <see cref="InvitationState.Revoked"/>, its link dead) instead of holding the address
    /// (<see cref="BulkInviteRequest.ResendPendingInvitations"/>). An accepted invitation always holds it.
    /// </summary>
    public bool ReplacePending { get; init; }
}
