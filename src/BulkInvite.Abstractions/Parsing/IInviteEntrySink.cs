namespace BulkInvite;

/// <summary>Receives the entries of a file from a parser, in file order (<see cref="IInviteFileParser.ParseIntoAsync"/>).</summary>
/// <remarks>
/// The pipeline's one entry point for parsers. A parser that finds plain entries in UTF-8 bytes gives them with
/// <see cref="AddAddress"/>, so that they are validated, keyed and counted without becoming strings first; any other
/// entry goes through <see cref="Add"/>. Both kinds are classified by the same rules.
/// </remarks>
public interface IInviteEntrySink
{
    /// <summary>Takes the next entry.</summary>
    /// <param name="entry">The entry, as <see cref="IInviteFileParser.ParseAsync(Stream, CancellationToken)"/> would give it.</param>
    void Add(in InviteEntry entry);

    /// <summary>
    /// Takes the next entry when it is a plain address: trimmed, with no display name, no fields and no problem, its
    /// UTF-8 bytes exactly those of <see cref="InviteEntry.Address"/>.
    /// </summary>
    /// <param name="utf8Address">The address's UTF-8 bytes; valid only during the call.</param>
    /// <param name="line">The 1-based physical line on which the entry starts.</param>
    void AddAddress(ReadOnlySpan<byte> utf8Address, long line);

    /// <summary>
    /// Called by the parser between reads of the content, where the sink may wait (for example for its store to take a
    /// batch); never while a span given to <see cref="AddAddress"/> is in use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the parser may go on.</returns>
    ValueTask PauseAsync(CancellationToken cancellationToken);
}
