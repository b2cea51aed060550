namespace BulkInvite;

/// <summary>
/// One part of an import whose sending is shared (<see cref="IImportWorkStore.SplitAsync"/>): the entries of a range of
/// sequence numbers, sent by whichever worker claims the part, under a lease of its own.
/// </summary>
public sealed class ImportWorkPart
{
    /// <summary>The part's number: 1 for the first, in sequence order.</summary>
    public required int Number { get; init; }

    /// <summary>The first sequence number of the part's entries.</summary>
    public required long FirstSequence { get; init; }

    /// <summary>The last sequence number of the part's entries (<see cref="long.MaxValue"/> for the last part).</summary>
    public required long LastSequence { get; init; }
}
