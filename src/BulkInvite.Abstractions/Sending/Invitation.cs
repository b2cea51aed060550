namespace BulkInvite;

/// <summary>One invitation to send.</summary>
public sealed record Invitation
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
    /// The id of this sending attempt, recorded with the entry (outcome <see cref="InviteOutcome.Sending"/>) before the
    /// sender is called, and different for every attempt. A sender that sets a Message-Id makes it the id's left part
    /// (<c>&lt;AttemptId@domain&gt;</c>), so that an operator can find a message whose outcome a crash left unknown.
    /// </summary>
    public string? AttemptId { get; init; }
}
