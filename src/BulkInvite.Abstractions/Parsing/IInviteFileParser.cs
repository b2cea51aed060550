namespace BulkInvite;

/// <summary>Reads the candidate addresses of an uploaded file as a stream.</summary>
/// <remarks>
/// Parsers must stream: they never hold the whole file in memory, and their memory stays bounded for any
/// line length. A problem with one entry is reported on that entry (<see cref="InviteEntry.Problem"/>); only a
/// file that cannot be read as text at all throws <see cref="InviteFileFormatException"/>.
/// </remarks>
public interface IInviteFileParser
{
    /// <summary>The parser's name, used to choose it explicitly (for example <c>text</c> or <c>csv</c>).</summary>
    string Name { get; }

    /// <summary>How well this parser fits a file: 0 when it cannot read it; the highest score wins.</summary>
    /// <param name="probe">The file name and the first bytes of the file.</param>
    /// <returns>A score from 0 (cannot read) to 100 (certain).</returns>
    int Score(InviteFileProbe probe);

    /// <summary>Reads the entries of a file in order.</summary>
    /// <param name="content">The file's content, positioned at its start (including any byte order mark).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="InviteFileFormatException">The content cannot be read as text.</exception>
    IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>Reads the entries of a file in order into a sink: how the pipeline reads every upload.</summary>
    /// <remarks>
    /// The default implementation gives every entry of <see cref="ParseAsync(Stream, CancellationToken)"/> to
    /// <see cref="IInviteEntrySink.Add"/> and pauses every <see cref="EntriesBetweenPauses"/> entries. A parser that reads UTF-8
    /// bytes overrides it to give plain addresses as bytes (<see cref="IInviteEntrySink.AddAddress"/>), without a
    /// string per entry.
    /// </remarks>
    /// <param name="content">The file's content, positioned at its start (including any byte order mark).</param>
    /// <param name="sink">Takes the entries.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when every entry was given to the sink.</returns>
    /// <exception cref="InviteFileFormatException">The content cannot be read as text.</exception>
    async ValueTask ParseIntoAsync(Stream content, IInviteEntrySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sink);
        var sincePause = 0;
        await foreach (var entry in ParseAsync(content, cancellationToken).ConfigureAwait(false))
        {
            sink.Add(entry);
            if (++sincePause == EntriesBetweenPauses)
            {
                sincePause = 0;
                await sink.PauseAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await sink.PauseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many entries the default <see cref="ParseIntoAsync"/> gives between two pauses.</summary>
    const int EntriesBetweenPauses = 4096;
}
