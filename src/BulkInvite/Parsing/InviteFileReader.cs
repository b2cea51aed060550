using System.Runtime.CompilerServices;

namespace BulkInvite.Parsing;

/// <summary>Reads a file with the parser an upload of it would get, through the pipeline's <see cref="InviteParserSelector"/>.</summary>
internal sealed class InviteFileReader(IEnumerable<IInviteFileParser> parsers) : IInviteFileReader
{
    private readonly InviteParserSelector _selector = new(parsers);

    public IAsyncEnumerable<InviteEntry> ReadAsync(Stream content, string fileName, string? parserName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        return ReadCoreAsync(content, fileName, parserName, cancellationToken);
    }

    private async IAsyncEnumerable<InviteEntry> ReadCoreAsync(
        Stream content, string fileName, string? parserName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var selection = await _selector.SelectAsync(content, fileName, parserName, cancellationToken).ConfigureAwait(false);
        await using (selection.Content.ConfigureAwait(false))
        {
            await foreach (var entry in selection.Parser.ParseAsync(selection.Content, cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }
        }
    }
}
