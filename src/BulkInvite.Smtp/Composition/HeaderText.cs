using System.Text;
using MimeKit;

namespace BulkInvite.Smtp.Composition;

/// <summary>
/// Keeps text that goes into header fields on one line, so that no text can add a header, and writes text that would
/// read as an RFC 2047 encoded word as encoded words of its own.
/// </summary>
internal static class HeaderText
{
    private const string EncodedWordStart = "=?";
    private const string WordPrefix = "=?utf-8?b?";
    private const string WordSuffix = "?=";

    // 39 UTF-8 bytes are 52 base64 characters: a word of 64, so that "Subject: " and the first word fit in 78 columns
    // (RFC 2047 allows 75 per word).
    private const int MaxBytesPerWord = 39;

    /// <summary>Replaces every control character (CR, LF, tab, ...) and Unicode line or paragraph separator with a space.</summary>
    /// <param name="builder">The text to clean, in place.</param>
    public static void MakeSingleLine(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        for (var i = 0; i < builder.Length; i++)
        {
            if (IsBreak(builder[i]))
            {
                builder[i] = ' ';
            }
        }
    }

    /// <summary>Returns the text with every control character and line separator replaced by a space.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text itself when it is already one clean line.</returns>
    public static string MakeSingleLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = IndexOfBreak(text);
        if (index < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = IsBreak(c) ? ' ' : c;
            }
        });
    }

    private static int IndexOfBreak(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsBreak(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether MimeKit would write the text as it is although it holds <c>=?</c>: MimeKit passes an ASCII word such as
    /// <c>=?utf-8?b?...?=</c> through unencoded, and a mail client then decodes it into whatever it encodes (a line
    /// break and a <c>Bcc:</c>, say). Such text must go through <see cref="EncodeWords"/>.
    /// </summary>
    /// <param name="text">The header text (a subject or a display name).</param>
    /// <returns><see langword="true"/> when the text must be encoded by <see cref="EncodeWords"/>.</returns>
    public static bool NeedsOwnEncoding(string text) => text.Contains(EncodedWordStart, StringComparison.Ordinal);

    /// <summary>
    /// The raw value of a header holding the whole text as UTF-8 base64 encoded words, one per folded line, so that
    /// a reader decodes exactly the text; an address follows on a line of its own. Written as it is in both ASCII and
    /// international (SMTPUTF8) messages.
    /// </summary>
    /// <param name="text">The unstructured text (a subject) or the phrase (a display name), one line.</param>
    /// <param name="address">The address in angle brackets that follows the phrase, or <see langword="null"/> for a subject.</param>
    /// <returns>The raw header value, starting with a space and ending with a line break, for <see cref="Header.SetRawValue"/>.</returns>
    public static byte[] EncodeWords(string text, string? address)
    {
        ArgumentNullException.ThrowIfNull(text);
        // MimeKit turns line ends into those of the format the message is written with.
        const string newLine = "\r\n";
        var raw = new StringBuilder(text.Length * 2);
        Span<byte> chunk = stackalloc byte[MaxBytesPerWord];
        Span<byte> encoded = stackalloc byte[4];
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var size = rune.EncodeToUtf8(encoded);
            if (length + size > MaxBytesPerWord)
            {
                AppendWord(raw, chunk[..length], newLine);
                length = 0;
            }

            encoded[..size].CopyTo(chunk[length..]);
            length += size;
        }

        if (length > 0)
        {
            AppendWord(raw, chunk[..length], newLine);
        }

        if (address is not null)
        {
            raw.Append(newLine).Append(' ').Append(address);
        }

        raw.Append(newLine);
        return Encoding.UTF8.GetBytes(raw.ToString());
    }

    /// <summary>Whether the character is a control character (C0, DEL, C1) or a Unicode line or paragraph separator.</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> for a character that must not reach a header.</returns>
    internal static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static void AppendWord(StringBuilder raw, ReadOnlySpan<byte> bytes, string newLine)
    {
        if (raw.Length > 0)
        {
            raw.Append(newLine);
        }

        raw.Append(' ').Append(WordPrefix).Append(Convert.ToBase64String(bytes)).Append(WordSuffix);
    }
}
