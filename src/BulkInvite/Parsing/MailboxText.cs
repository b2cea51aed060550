using System.Buffers;

namespace BulkInvite.Parsing;

/// <summary>
/// Turns the text of one entry into an <see cref="InviteEntry"/>: reduces the mail-client forms
/// <c>"Doe, Jane" &lt;jane@example.com&gt;</c>, <c>Jane Doe &lt;jane@example.com&gt;</c> and
/// <c>&lt;jane@example.com&gt;</c> to the address and the display name, and flags the problems a parser can see.
/// </summary>
/// <remarks>
/// Comments such as <c>jane@example.com (Jane)</c> are not stripped: the entry keeps them and the validator
/// reports <see cref="InvalidReason.CommentNotAllowed"/>. Precedence of problems: <see cref="InvalidReason.EntryTooLong"/>,
/// then <see cref="InvalidReason.InvalidEncoding"/>, then <see cref="InvalidReason.MalformedEntry"/> or
/// <see cref="InvalidReason.DisplayNameNotAllowed"/>.
/// </remarks>
internal static class MailboxText
{
    private const char ReplacementCharacter = '\uFFFD';
    private const int StackLimit = 256;

    /// <summary>Builds the entry for <paramref name="text"/>.</summary>
    /// <param name="line">The line the entry starts on.</param>
    /// <param name="text">The entry's text (trimmed here).</param>
    /// <param name="tooLong">Whether the text was cut: it is then kept as it is, without display-name handling.</param>
    public static InviteEntry ToEntry(long line, ReadOnlySpan<char> text, bool tooLong)
    {
        text = TextTrimming.Trim(text);
        if (tooLong)
        {
            return new InviteEntry { Line = line, Address = text.ToString(), Problem = InvalidReason.EntryTooLong };
        }

        var problem = Split(text, out var address, out var displayName);
        if (text.Contains(ReplacementCharacter))
        {
            problem = InvalidReason.InvalidEncoding;
        }

        return new InviteEntry { Line = line, Address = address, Problem = problem, DisplayName = displayName };
    }

    private static InvalidReason Split(ReadOnlySpan<char> text, out string address, out string? displayName)
    {
        displayName = null;
        var open = FindAngleBracket(text, out var unterminatedQuote);
        if (open < 0)
        {
            address = text.ToString();
            return unterminatedQuote ? InvalidReason.MalformedEntry : InvalidReason.None;
        }

        var close = text[(open + 1)..].IndexOf('>');
        if (close < 0)
        {
            address = text.ToString();
            return InvalidReason.MalformedEntry;
        }

        close += open + 1;
        if (!TextTrimming.IsAllTrimmable(text[(close + 1)..]))
        {
            address = text.ToString();
            return InvalidReason.DisplayNameNotAllowed;
        }

        address = TextTrimming.Trim(text[(open + 1)..close]).ToString();
        displayName = Unquote(text[..open]);
        return InvalidReason.None;
    }

    /// <summary>The index of the first <c>&lt;</c> outside double quotes, or -1.</summary>
    private static int FindAngleBracket(ReadOnlySpan<char> text, out bool unterminatedQuote)
    {
        var inQuote = false;
        var escaped = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuote)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inQuote = false;
                }
            }
            else if (c == '"')
            {
                inQuote = true;
            }
            else if (c == '<')
            {
                unterminatedQuote = false;
                return i;
            }
        }

        unterminatedQuote = inQuote;
        return -1;
    }

    /// <summary>The display name without its quotes and backslash escapes, trimmed; <see langword="null"/> when empty.</summary>
    private static string? Unquote(ReadOnlySpan<char> text)
    {
        text = TextTrimming.Trim(text);
        if (text.IsEmpty)
        {
            return null;
        }

        if (!text.ContainsAny('"', '\\'))
        {
            return text.ToString();
        }

        char[]? rented = null;
        var buffer = text.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        try
        {
            var length = 0;
            var inQuote = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '"')
                {
                    inQuote = !inQuote;
                    continue;
                }

                if (inQuote && c == '\\' && i + 1 < text.Length)
                {
                    c = text[++i];
                }

                buffer[length++] = c;
            }

            var name = TextTrimming.Trim(buffer[..length]);
            return name.IsEmpty ? null : name.ToString();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
