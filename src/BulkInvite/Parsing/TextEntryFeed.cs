using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// Makes the text parser's entries of the tokens <see cref="Utf8TextScanner"/> finds, and gives them to an
/// <see cref="IInviteEntrySink"/>: a plain ASCII entry (no quote, bracket or escape took part in finding it, within the
/// entry limit) as its trimmed bytes (<see cref="IInviteEntrySink.AddAddress"/>), any other one decoded, trimmed of
/// Unicode whitespace and U+FEFF, cut at the limit and split by <see cref="MailboxText"/> (<see cref="IInviteEntrySink.Add"/>).
/// </summary>
/// <remarks>
/// <see cref="MailboxText.ToEntry"/> makes of a plain ASCII entry an entry whose address is that text and nothing else,
/// so both ways give the same entries (<c>TextInviteParserTests</c> compares them).
/// </remarks>
internal sealed class TextEntryFeed(IInviteEntrySink sink, int maxEntryLength) : IUtf8EntrySink, IDisposable
{
    private readonly Utf8EntryDecoder _decoder = new(maxEntryLength);

    public void Token(ReadOnlySpan<byte> token, long line, bool simple)
    {
        if (simple)
        {
            var text = TextTrimming.TrimAscii(token, out var start);
            if (text.IsEmpty)
            {
                return;
            }

            // What was trimmed is ASCII whitespace; the limit counts from the first character kept, as TokenBuffer does.
            if (token.Length - start <= maxEntryLength && Ascii.IsValid(text))
            {
                sink.AddAddress(text, line);
                return;
            }
        }

        if (_decoder.TryDecode(token, line, out var entry))
        {
            sink.Add(entry);
        }
    }

    public void LongToken(TokenBuffer token, long line) => sink.Add(Utf8EntryDecoder.ToEntry(token, line));

    public void Dispose() => _decoder.Dispose();
}
