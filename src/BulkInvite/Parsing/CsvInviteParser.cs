namespace BulkInvite;

/// <summary>
/// Reads CSV files with a header row (RFC 4180 quoting): the address column is found by name
/// (<c>email</c>, <c>e-mail</c>, <c>email address</c>, ...), the other columns are kept as per-recipient fields.
/// </summary>
public sealed class CsvInviteParser : IInviteFileParser
{
    /// <summary>The parser's name: <c>csv</c>.</summary>
    public const string ParserName = "csv";

    /// <summary>Creates the parser.</summary>
    /// <param name="options">Its limits; defaults when <see langword="null"/>.</param>
    public CsvInviteParser(InviteParserOptions? options = null) => Options = options ?? new InviteParserOptions();

    internal InviteParserOptions Options { get; }

    /// <inheritdoc />
    public string Name => ParserName;

    /// <inheritdoc />
    public int Score(InviteFileProbe probe) => throw new NotImplementedException();

    /// <inheritdoc />
    public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
