using System.Runtime.CompilerServices;
using BulkInvite.Parsing;

namespace BulkInvite;

/// <summary>
/// Reads plain-text address lists: one address a line or lists separated by commas, semicolons or tabs, and
/// mail-client forms such as <c>"Doe, Jane" &lt;jane@example.com&gt;; bob@example.com</c>.
/// </summary>
/// <remarks>
/// <para>
/// Entries are trimmed of whitespace (any <see cref="char.IsWhiteSpace(char)"/> character, such as no-break spaces)
/// and U+FEFF; empty entries (blank lines, <c>a@example.com,,b@example.com</c>, trailing separators) are not entries.
/// Separators inside double quotes (with backslash escapes) or angle brackets do not split; quotes and brackets end
/// at the line end, and an entry left unterminated there is reported as <see cref="InvalidReason.MalformedEntry"/>.
/// </para>
/// <para>
/// <c>Name &lt;address&gt;</c> gives the address inside the brackets and the name without its quotes; text after the
/// closing bracket makes the entry <see cref="InvalidReason.DisplayNameNotAllowed"/>. Comments
/// (<c>jane@example.com (Jane)</c>) are kept in the address, for the validator to reject. Control characters such as
/// NUL are kept too (the validator rejects them); bytes that are not valid in the file's encoding make the entry
/// <see cref="InvalidReason.InvalidEncoding"/>.
/// </para>
/// <para>Instances keep no state between parses and can be shared.</para>
/// </remarks>
public sealed class TextInviteParser : IInviteFileParser
{
    /// <summary>The parser's name: <c>text</c>.</summary>
    public const string ParserName = "text";

    private const int ExtensionScore = 60;
    private const int FallbackScore = 10;

    /// <summary>Creates the parser.</summary>
    /// <param name="options">Its limits; defaults when <see langword="null"/>.</param>
    public TextInviteParser(InviteParserOptions? options = null) => Options = options ?? new InviteParserOptions();

    internal InviteParserOptions Options { get; }

    /// <inheritdoc />
    public string Name => ParserName;

    /// <inheritdoc />
    /// <remarks>60 for <c>.txt</c>, <c>.text</c>, <c>.lst</c> or no extension; 10 for any other text.</remarks>
    public int Score(InviteFileProbe probe)
    {
        var extension = Path.GetExtension(probe.FileName.AsSpan());
        return extension.IsEmpty
            || extension.Equals(".txt", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".text", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".lst", StringComparison.OrdinalIgnoreCase)
            ? ExtensionScore
            : FallbackScore;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var maxEntryLength = Options.MaxEntryLength;
        if (maxEntryLength < 1)
        {
            throw new InvalidOperationException($"{nameof(InviteParserOptions)}.{nameof(InviteParserOptions.MaxEntryLength)} must be at least 1; it is {maxEntryLength}.");
        }

        return ParseCoreAsync(content, maxEntryLength, cancellationToken);
    }

    private static async IAsyncEnumerable<InviteEntry> ParseCoreAsync(
        Stream content,
        int maxEntryLength,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new DecodingReader(content);
        using var tokenizer = new TextTokenizer(maxEntryLength);
        var more = true;
        while (more)
        {
            more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (more)
            {
                tokenizer.SetInput(reader.Chars, reader.Length);
            }
            else
            {
                tokenizer.SetEndOfInput();
            }

            while (tokenizer.TryReadEntry(out var entry))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entry;
            }
        }
    }
}
