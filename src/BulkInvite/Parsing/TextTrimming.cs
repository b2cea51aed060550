namespace BulkInvite.Parsing;

/// <summary>
/// What the parsers trim from entries: every character <see cref="char.IsWhiteSpace(char)"/> accepts (including
/// no-break and ideographic spaces) and the byte order mark / zero-width no-break space U+FEFF.
/// </summary>
internal static class TextTrimming
{
    private const char ZeroWidthNoBreakSpace = '\uFEFF';

    public static bool IsTrimmable(char c) => char.IsWhiteSpace(c) || c == ZeroWidthNoBreakSpace;

    public static ReadOnlySpan<char> TrimStart(ReadOnlySpan<char> text)
    {
        var start = 0;
        while (start < text.Length && IsTrimmable(text[start]))
        {
            start++;
        }

        return text[start..];
    }

    public static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> text)
    {
        var end = text.Length;
        while (end > 0 && IsTrimmable(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text) => TrimEnd(TrimStart(text));

    public static bool IsAllTrimmable(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!IsTrimmable(c))
            {
                return false;
            }
        }

        return true;
    }
}
