namespace BulkInvite.Parsing;

/// <summary>Receives the entries <see cref="Utf8TextScanner"/> finds, as bytes where it can.</summary>
internal interface IUtf8EntrySink
{
    /// <summary>One entry, not trimmed, its bytes contiguous in the scanner's buffer (valid until the scanner reads again).</summary>
    /// <param name="token">The bytes between two separators.</param>
    /// <param name="line">The line the entry is on.</param>
    /// <param name="simple">Whether no quote, angle bracket or backslash took part in finding its end; a simple token holds no quote and no <c>&lt;</c>.</param>
    void Token(ReadOnlySpan<byte> token, long line, bool simple);

    /// <summary>One entry too long for the scanner's buffer, decoded into <paramref name="token"/> (trimmed at the start, cut at the limit).</summary>
    /// <param name="token">The entry's characters.</param>
    /// <param name="line">The line the entry is on.</param>
    void LongToken(TokenBuffer token, long line);
}
