namespace BulkInvite.Pipeline;

/// <summary>What takes the entries <see cref="EntryClassifier"/> classified: the import's stager, or the counter of a count-only run.</summary>
internal interface IClassifiedEntrySink
{
    /// <summary>Takes the next classified entry, in file order.</summary>
    /// <param name="entry">The entry; valid only during the call.</param>
    void Take(in ClassifiedEntry entry);

    /// <summary>Called between reads of the file, where the consumer may wait (for its store, or its user directory).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when reading may go on.</returns>
    ValueTask PauseAsync(CancellationToken cancellationToken);
}
