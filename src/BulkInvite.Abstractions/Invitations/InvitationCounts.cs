namespace BulkInvite;

/// <summary>How many of an import's invitations are in each state, as read at one time.</summary>
public sealed record InvitationCounts
{
    /// <summary>No invitations.</summary>
    public static InvitationCounts Empty { get; } = new();

    /// <summary>Invitations sent and waiting, unexpired.</summary>
    public long Pending { get; init; }

    /// <summary>Invitations accepted.</summary>
    public long Accepted { get; init; }

    /// <summary>Invitations whose lifetime passed before they were accepted (recorded or not yet swept).</summary>
    public long Expired { get; init; }

    /// <summary>Invitations revoked.</summary>
    public long Revoked { get; init; }

    /// <summary>All invitations.</summary>
    public long Total => Pending + Accepted + Expired + Revoked;

    /// <summary>The count of one state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>How many invitations are in it.</returns>
    public long this[InvitationState state] => state switch
    {
        InvitationState.Pending => Pending,
        InvitationState.Accepted => Accepted,
        InvitationState.Expired => Expired,
        InvitationState.Revoked => Revoked,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown invitation state."),
    };

    /// <summary>These counts with one more invitation in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="count">How many more.</param>
    /// <returns>The new counts.</returns>
    public InvitationCounts Add(InvitationState state, long count = 1) => state switch
    {
        InvitationState.Pending => this with { Pending = Pending + count },
        InvitationState.Accepted => this with { Accepted = Accepted + count },
        InvitationState.Expired => this with { Expired = Expired + count },
        InvitationState.Revoked => this with { Revoked = Revoked + count },
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown invitation state."),
    };
}
