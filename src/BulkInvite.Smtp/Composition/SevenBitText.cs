namespace BulkInvite.Smtp.Composition;

/// <summary>
/// Tells, without encoding it, whether a text body can go out as 7bit: the cases where MimeKit's
/// <c>GetBestEncoding(EncodingConstraint.SevenBit, 998)</c> answers <c>7bit</c>, checked over the characters.
/// </summary>
internal static class SevenBitText
{
    private const int MaxLineLength = 998;

    /// <summary>
    /// Whether the text is ASCII without NUL and has no line longer than 998 characters (counted up to each LF).
    /// </summary>
    /// <param name="text">The rendered body.</param>
    /// <returns><see langword="true"/> when 7bit is the best encoding.</returns>
    public static bool IsSafe(ReadOnlySpan<char> text)
    {
        if (!System.Text.Ascii.IsValid(text) || text.Contains('\0'))
        {
            return false;
        }

        while (true)
        {
            var end = text.IndexOf('\n');
            if ((end < 0 ? text.Length : end) > MaxLineLength)
            {
                return false;
            }

            if (end < 0)
            {
                return true;
            }

            text = text[(end + 1)..];
        }
    }
}
