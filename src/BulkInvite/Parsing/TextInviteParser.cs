namespace BulkInvite;

/// <summary>
/// Reads plain-text address lists: one address a line or lists separated by commas, semicolons or tabs, and
/// mail-client forms such as <c>"Doe, Jane" &lt;jane@example.com&gt;; bob@example.com</c>.
/// </summary>
public sealed class TextInviteParser : IInviteFileParser
{
    /// <summary>The parser's name: <c>text</c>.</summary>
    public const string ParserName = "text";

    /// <summary>Creates the parser.</summary>
    /// <param name="options">Its limits; defaults when <see langword="null"/>.</param>
    public TextInviteParser(InviteParserOptions? options = null) => Options = options ?? new InviteParserOptions();

    internal InviteParserOptions Options { get; }

    /// <inheritdoc />
    public string Name => ParserName;

    /// <inheritdoc />
    public int Score(InviteFileProbe probe) => throw new NotImplementedException();

    /// <inheritdoc />
    public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
