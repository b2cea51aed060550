namespace BulkInvite;

/// <summary>
/// Reads a file of addresses the way an upload is read: a binary file (a workbook, a PDF) refused, the encoding
/// found from the byte order mark, and the parser chosen by name or by the file's name and content (a CSV header with
/// an email column, or plain text). For lists a host reads besides uploads, such as an export of its user directory.
/// </summary>
public interface IInviteFileReader
{
    /// <summary>Reads the entries of a file in order, with the registered parsers.</summary>
    /// <param name="content">The file's content, positioned at its start; it is read, not disposed.</param>
    /// <param name="fileName">The file's name (its extension counts when the parser is chosen).</param>
    /// <param name="parserName">The parser to use (<c>text</c>, <c>csv</c>, or a host's own), or <see langword="null"/> to choose by name and content.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, in file order; an entry's <see cref="InviteEntry.Problem"/> tells when it could not be read.</returns>
    /// <exception cref="InviteFileFormatException">The file is binary, or no parser can read it.</exception>
    /// <exception cref="ArgumentException"><paramref name="parserName"/> names no registered parser.</exception>
    IAsyncEnumerable<InviteEntry> ReadAsync(Stream content, string fileName, string? parserName = null, CancellationToken cancellationToken = default);
}
