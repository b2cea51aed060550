namespace BulkInvite;

/// <summary>How many entries of an import have each outcome.</summary>
public sealed record OutcomeCounts
{
    /// <summary>No entries.</summary>
    public static OutcomeCounts Empty { get; } = new();

    /// <summary>Entries staged but not yet sent.</summary>
    public long Pending { get; init; }

    /// <summary>Invitations accepted.</summary>
    public long Invited { get; init; }

    /// <summary>Invalid entries.</summary>
    public long Invalid { get; init; }

    /// <summary>Duplicates of an earlier entry.</summary>
    public long Duplicate { get; init; }

    /// <summary>Addresses that already have an account.</summary>
    public long ExistingUser { get; init; }

    /// <summary>Addresses with a pending invitation.</summary>
    public long AlreadyInvited { get; init; }

    /// <summary>Invitations that failed permanently.</summary>
    public long Failed { get; init; }

    /// <summary>Entries not processed (cancelled or over a limit).</summary>
    public long Skipped { get; init; }

    /// <summary>Entries handed to the sender whose outcome is not recorded yet (at most <c>MaxParallelSends</c>).</summary>
    public long Sending { get; init; }

    /// <summary>Entries in flight when their process stopped, whose delivery a person must decide.</summary>
    public long Unknown { get; init; }

    /// <summary>All entries.</summary>
    public long Total => Pending + Invited + Invalid + Duplicate + ExistingUser + AlreadyInvited + Failed + Skipped + Sending + Unknown;

    /// <summary>The count of one outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>How many entries have it.</returns>
    public long this[InviteOutcome outcome] => outcome switch
    {
        InviteOutcome.Pending => Pending,
        InviteOutcome.Invited => Invited,
        InviteOutcome.Invalid => Invalid,
        InviteOutcome.Duplicate => Duplicate,
        InviteOutcome.ExistingUser => ExistingUser,
        InviteOutcome.AlreadyInvited => AlreadyInvited,
        InviteOutcome.Failed => Failed,
        InviteOutcome.Skipped => Skipped,
        InviteOutcome.Sending => Sending,
        InviteOutcome.Unknown => Unknown,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };
}
