namespace BulkInvite.Parsing;

/// <summary>The parser chosen for an upload, and the content to give it (the sniffed head replayed).</summary>
internal readonly record struct ParserSelection(IInviteFileParser Parser, Stream Content);

/// <summary>
/// Picks the parser for an upload: by name when asked, otherwise the highest <see cref="IInviteFileParser.Score"/>
/// (ties go to the parser registered first). Rejects binary content with <see cref="InviteFileFormatException"/>.
/// </summary>
internal sealed class InviteParserSelector
{
    private readonly IInviteFileParser[] _parsers;

    public InviteParserSelector(IEnumerable<IInviteFileParser> parsers) => _parsers = [.. parsers];

    /// <summary>Reads the head of <paramref name="content"/> (up to 8 KiB), sniffs encoding and binary content, and chooses.</summary>
    public ValueTask<ParserSelection> SelectAsync(Stream content, string fileName, string? parserName, CancellationToken cancellationToken)
        => throw new NotImplementedException();
}
