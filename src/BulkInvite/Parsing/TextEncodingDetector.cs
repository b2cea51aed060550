using System.Text;

namespace BulkInvite.Parsing;

/// <summary>
/// Finds the encoding of an upload from its byte order mark: UTF-8 (with or without a BOM), UTF-16 LE/BE and
/// UTF-32 LE/BE with a BOM. Without a BOM the file is read as UTF-8.
/// </summary>
/// <remarks>
/// The encodings returned never throw: invalid bytes decode to U+FFFD, which the parsers report on the entry that
/// holds them (<see cref="InvalidReason.InvalidEncoding"/>).
/// </remarks>
internal static class TextEncodingDetector
{
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    public static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: false);
    public static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: false);
    public static readonly Encoding Utf32LittleEndian = new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: false);
    public static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: false);

    /// <summary>Detects the encoding from the first bytes of a file.</summary>
    /// <param name="head">The first bytes (at least four unless the file is shorter).</param>
    /// <param name="byteOrderMarkLength">The length of the byte order mark to skip, 0 when there is none.</param>
    public static Encoding Detect(ReadOnlySpan<byte> head, out int byteOrderMarkLength)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            byteOrderMarkLength = 3;
            return Utf8;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            byteOrderMarkLength = 4;
            return Utf32LittleEndian;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            byteOrderMarkLength = 4;
            return Utf32BigEndian;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            byteOrderMarkLength = 2;
            return Utf16LittleEndian;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            byteOrderMarkLength = 2;
            return Utf16BigEndian;
        }

        byteOrderMarkLength = 0;
        return Utf8;
    }

    /// <summary>Whether the encoding is one of the multi-byte-unit encodings (UTF-16, UTF-32), where NUL bytes are normal.</summary>
    public static bool IsWide(Encoding encoding) => !ReferenceEquals(encoding, Utf8);

    /// <summary>Decodes the head of a file for <see cref="InviteFileProbe.Text"/>, without the byte order mark.</summary>
    /// <remarks>A character cut at the end of the head is left out rather than shown as U+FFFD.</remarks>
    public static string DecodeHead(ReadOnlySpan<byte> head, Encoding encoding, int byteOrderMarkLength)
    {
        var bytes = head[byteOrderMarkLength..];
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        var decoder = encoding.GetDecoder();
        var chars = new char[encoding.GetMaxCharCount(bytes.Length)];
        var count = decoder.GetChars(bytes, chars, flush: false);
        return new string(chars, 0, count);
    }
}
