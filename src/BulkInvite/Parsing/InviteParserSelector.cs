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
    /// <remarks>
    /// The returned <see cref="ParserSelection.Content"/> replays the head and then reads on from
    /// <paramref name="content"/>, which need not be seekable; disposing it leaves <paramref name="content"/> open.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="parserName"/> names no registered parser.</exception>
    /// <exception cref="InviteFileFormatException">The content is binary, or no parser can read it.</exception>
    public async ValueTask<ParserSelection> SelectAsync(Stream content, string fileName, string? parserName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        fileName ??= string.Empty;
        if (_parsers.Length == 0)
        {
            throw new InvalidOperationException("No invite file parser is registered.");
        }

        var named = parserName is null ? null : FindByName(parserName);

        var head = new byte[DecodingReader.HeadSize];
        var length = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var headBytes = head.AsMemory(0, length);

        var encoding = TextEncodingDetector.Detect(headBytes.Span, out var byteOrderMarkLength);
        BinaryContentDetector.ThrowIfBinary(headBytes.Span, TextEncodingDetector.IsWide(encoding), byteOrderMarkLength);
        var contentStream = new PrefixedReadStream(headBytes, content);
        if (named is not null)
        {
            return new ParserSelection(named, contentStream);
        }

        var probe = new InviteFileProbe { FileName = fileName, Head = headBytes, Text = TextEncodingDetector.DecodeHead(headBytes.Span, encoding, byteOrderMarkLength) };
        IInviteFileParser? best = null;
        var bestScore = 0;
        foreach (var parser in _parsers)
        {
            var score = parser.Score(probe);
            if (score > bestScore)
            {
                best = parser;
                bestScore = score;
            }
        }

        return best is null
            ? throw new InviteFileFormatException("None of the file parsers can read this file; upload a plain-text list of addresses or a CSV file with an email column.")
            : new ParserSelection(best, contentStream);
    }

    /// <summary>Throws the error an import would give for a parser name no registered parser has (a queued import checks it before it is kept).</summary>
    /// <param name="parserName">The name.</param>
    /// <exception cref="ArgumentException">No registered parser has this name.</exception>
    public void CheckName(string parserName) => FindByName(parserName);

    private IInviteFileParser FindByName(string parserName)
    {
        foreach (var parser in _parsers)
        {
            if (string.Equals(parser.Name, parserName, StringComparison.OrdinalIgnoreCase))
            {
                return parser;
            }
        }

        var known = string.Join(", ", _parsers.Select(p => p.Name));
        throw new ArgumentException($"There is no file parser named '{parserName}'. Known parsers: {known}.", nameof(parserName));
    }
}
