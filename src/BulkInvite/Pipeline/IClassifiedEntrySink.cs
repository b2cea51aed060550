namespace BulkInvite.Pipeline;

/// <summary>What takes the entries <see cref="EntryClassifier"/> classified: the import's stager, or the counter of a count-only run.</summary>
internal interface IClassifiedEntrySink
{
    /// <summary>
    /// Whether the consumer reads <see cref="ClassifiedEntry.Key"/>. When it does not, no key is written: an ASCII address
    /// compared ignoring case is fingerprinted as it is read.
    /// </summary>
    bool NeedsKeys { get; }

    /// <summary>Takes the next classified entries, a batch of them in file order.</summary>
    /// <param name="entries">The entries; valid only during the call.</param>
    void Take(in ClassifiedEntries entries);

    /// <summary>Called between reads of the file, where the consumer may wait (for its store, or its user directory).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when reading may go on.</returns>
    ValueTask PauseAsync(CancellationToken cancellationToken);
}
