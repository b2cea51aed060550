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
}
