namespace BulkInvite.Pipeline;

/// <summary>
/// Entries <see cref="EntryClassifier"/> classified, a batch of them in file order, for its consumer
/// (<see cref="IClassifiedEntrySink"/>). Valid only during the call that gives them.
/// </summary>
internal readonly ref struct ClassifiedEntries
{
    private readonly EntryClassifier.Arena _arena;
    private readonly long _firstSequence;

    internal ClassifiedEntries(in EntryClassifier.Arena arena, int count, long firstSequence)
    {
        _arena = arena;
        Count = count;
        _firstSequence = firstSequence;
    }

    /// <summary>How many entries there are.</summary>
    public int Count { get; }

    /// <summary>The entry at an index, from 0.</summary>
    /// <param name="index">The index.</param>
    public ClassifiedEntry this[int index] => EntryClassifier.Describe(_arena, index, _firstSequence + index);

    /// <summary>The outcome of the entry at an index, from 0: all a counter needs.</summary>
    /// <param name="index">The index.</param>
    /// <returns>Its outcome.</returns>
    public InviteOutcome OutcomeAt(int index) => _arena.Entries[index].Outcome;
}
