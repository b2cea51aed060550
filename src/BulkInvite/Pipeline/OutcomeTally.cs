namespace BulkInvite.Pipeline;

/// <summary>The running count of each outcome of one import. Used from one task at a time.</summary>
internal sealed class OutcomeTally
{
    private readonly long[] _counts = new long[Enum.GetValues<InviteOutcome>().Length];

    public long this[InviteOutcome outcome] => _counts[(int)outcome];

    public long Total => _counts.Sum();

    public void Add(InviteOutcome outcome) => _counts[(int)outcome]++;

    public void Add(InviteOutcome outcome, long count) => _counts[(int)outcome] += count;

    public void Clear() => Array.Clear(_counts);

    public void Move(InviteOutcome from, InviteOutcome to)
    {
        _counts[(int)from]--;
        _counts[(int)to]++;
    }

    public OutcomeCounts ToCounts() => new()
    {
        Pending = this[InviteOutcome.Pending],
        Invited = this[InviteOutcome.Invited],
        Invalid = this[InviteOutcome.Invalid],
        Duplicate = this[InviteOutcome.Duplicate],
        ExistingUser = this[InviteOutcome.ExistingUser],
        AlreadyInvited = this[InviteOutcome.AlreadyInvited],
        Failed = this[InviteOutcome.Failed],
        Skipped = this[InviteOutcome.Skipped],
        Sending = this[InviteOutcome.Sending],
        Unknown = this[InviteOutcome.Unknown],
    };
}
