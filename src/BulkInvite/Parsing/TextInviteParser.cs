using System.Runtime.CompilerServices;
using System.Text;
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
        return ParseCoreAsync(content, CheckedMaxEntryLength(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The entries are those of <see cref="ParseAsync"/>, found by the same tokenizer on the file's UTF-8 bytes (text in
    /// UTF-16 or UTF-32 is transcoded to UTF-8 as it is read). A plain ASCII entry (no quotes, brackets or display
    /// name, within <see cref="InviteParserOptions.MaxEntryLength"/>) is given trimmed, as its bytes
    /// (<see cref="IInviteEntrySink.AddAddress"/>); any other through <see cref="IInviteEntrySink.Add"/>. The sink is
    /// paused after each buffer of 1 MiB read.
    /// </remarks>
    public async ValueTask ParseIntoAsync(Stream content, IInviteEntrySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sink);
        var maxEntryLength = CheckedMaxEntryLength();
        await using var utf8 = await OpenUtf8Async(content, cancellationToken).ConfigureAwait(false);
        using var scanner = new Utf8TextScanner(utf8, maxEntryLength);
        using var feed = new TextEntryFeed(sink, maxEntryLength);
        while (await scanner.ReadAsync(feed, cancellationToken).ConfigureAwait(false))
        {
            await sink.PauseAsync(cancellationToken).ConfigureAwait(false);
        }

        await sink.PauseAsync(cancellationToken).ConfigureAwait(false);
    }

    private int CheckedMaxEntryLength()
    {
        var maxEntryLength = Options.MaxEntryLength;
        return maxEntryLength < 1
            ? throw new InvalidOperationException($"{nameof(InviteParserOptions)}.{nameof(InviteParserOptions.MaxEntryLength)} must be at least 1; it is {maxEntryLength}.")
            : maxEntryLength;
    }

    private static async IAsyncEnumerable<InviteEntry> ParseCoreAsync(
        Stream content,
        int maxEntryLength,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var utf8 = await OpenUtf8Async(content, cancellationToken).ConfigureAwait(false);
        using var scanner = new Utf8TextScanner(utf8, maxEntryLength);
        var entries = new EntryList();
        using var feed = new TextEntryFeed(entries, maxEntryLength);
        var more = true;
        while (more)
        {
            more = await scanner.ReadAsync(feed, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entry;
            }

            entries.Entries.Clear();
        }
    }

    /// <summary>
    /// The content as UTF-8 bytes, without its byte order mark: UTF-8 as it is, UTF-16 and UTF-32 transcoded as they are
    /// read (bytes that are not valid become U+FFFD). Binary content is refused from its first 8 KiB.
    /// </summary>
    private static async ValueTask<Stream> OpenUtf8Async(Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[DecodingReader.HeadSize];
        var length = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var encoding = TextEncodingDetector.Detect(head.AsSpan(0, length), out var byteOrderMarkLength);
        BinaryContentDetector.ThrowIfBinary(head.AsSpan(0, length), TextEncodingDetector.IsWide(encoding), byteOrderMarkLength);
        var rest = new PrefixedReadStream(head.AsMemory(byteOrderMarkLength, length - byteOrderMarkLength), content);
        return ReferenceEquals(encoding, TextEncodingDetector.Utf8)
            ? rest
            : Encoding.CreateTranscodingStream(rest, encoding, TextEncodingDetector.Utf8, leaveOpen: false);
    }

    /// <summary>Collects the entries of one buffer for <see cref="ParseAsync"/>, plain addresses as strings.</summary>
    private sealed class EntryList : IInviteEntrySink
    {
        public List<InviteEntry> Entries { get; } = [];

        public void Add(in InviteEntry entry) => Entries.Add(entry);

        public void AddAddress(ReadOnlySpan<byte> utf8Address, long line) => Entries.Add(new InviteEntry { Line = line, Address = Encoding.UTF8.GetString(utf8Address) });

        public ValueTask PauseAsync(CancellationToken cancellationToken) => default;
    }
}
