namespace BulkInvite.Parsing;

/// <summary>
/// What the parsers trim from entries: every character <see cref="char.IsWhiteSpace(char)"/> accepts (including
/// no-break and ideographic spaces) and the byte order mark / zero-width no-break space U+FEFF.
/// </summary>
internal static class TextTrimming
{
    private const char ZeroWidthNoBreakSpace = '\uFEFF';

    // Which ASCII bytes are trimmable (U+FEFF is not ASCII), for the parsers that look at UTF-8 bytes.
    private static readonly bool[] AsciiTrimmable = CreateAsciiTable();

    public static bool IsTrimmable(char c) => char.IsWhiteSpace(c) || c == ZeroWidthNoBreakSpace;

    /// <summary>
    /// The bytes of <paramref name="token"/> without the ASCII whitespace around them. A byte above ASCII stops the
    /// trimming: when what remains is ASCII, nothing else would have been trimmed from the decoded text either.
    /// </summary>
    /// <param name="token">UTF-8 bytes.</param>
    /// <param name="start">Receives where the trimmed bytes start.</param>
    /// <returns>The trimmed bytes.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> TrimAscii(ReadOnlySpan<byte> token, out int start)
    {
        var trimmable = AsciiTrimmable;
        start = 0;
        var end = token.Length;
        while (start < end && token[start] < 128 && trimmable[token[start]])
        {
            start++;
        }

        while (end > start && token[end - 1] < 128 && trimmable[token[end - 1]])
        {
            end--;
        }

        return token[start..end];
    }

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

    private static bool[] CreateAsciiTable()
    {
        var table = new bool[128];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = IsTrimmable((char)i);
        }

        return table;
    }
}
