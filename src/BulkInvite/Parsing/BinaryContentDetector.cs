namespace BulkInvite.Parsing;

/// <summary>
/// Recognises uploads that are not text at all, from the first bytes: known file signatures (ZIP and the Office
/// formats built on it, legacy Excel/Word, PDF, images, archives, executables) and heads full of control bytes.
/// </summary>
/// <remarks>
/// Without a UTF-16 or UTF-32 byte order mark, a head is binary when more than 10% of its bytes are control bytes
/// other than TAB, LF, FF and CR (NUL included), or when it holds at least 4 NUL bytes making up at least 0.2% of it.
/// An occasional NUL in a text file is not binary: the parsers pass it through in its entry, and the validator
/// rejects it as a control character.
/// </remarks>
internal static class BinaryContentDetector
{
    private const string Advice = "not a text list of addresses; save it as CSV or plain text.";

    private static readonly (byte[] Signature, string Kind)[] Signatures =
    [
        ("PK\u0003\u0004"u8.ToArray(), "ZIP archive, Excel workbook or Word document"),
        ("PK\u0005\u0006"u8.ToArray(), "ZIP archive"),
        ("PK\u0007\u0008"u8.ToArray(), "ZIP archive"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "legacy Excel workbook or Word document"),
        ("%PDF-"u8.ToArray(), "PDF document"),
        ([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], "PNG image"),
        ("GIF87a"u8.ToArray(), "GIF image"),
        ("GIF89a"u8.ToArray(), "GIF image"),
        ([0xFF, 0xD8, 0xFF], "JPEG image"),
        ([0x1F, 0x8B], "gzip archive"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "executable"),
        ([(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C], "7-Zip archive"),
        ("Rar!\u001A\u0007"u8.ToArray(), "RAR archive"),
        ([0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00], "xz archive"),
        ([0x28, 0xB5, 0x2F, 0xFD], "Zstandard archive"),
        ("SQLite format 3\0"u8.ToArray(), "SQLite database"),
    ];

    /// <summary>Throws when the head shows a binary file.</summary>
    /// <param name="head">The first bytes of the file.</param>
    /// <param name="wideEncoding">Whether a UTF-16 or UTF-32 byte order mark was found.</param>
    /// <param name="byteOrderMarkLength">The length of the byte order mark, skipped when counting control bytes.</param>
    /// <exception cref="InviteFileFormatException">The file is binary.</exception>
    public static void ThrowIfBinary(ReadOnlySpan<byte> head, bool wideEncoding, int byteOrderMarkLength)
    {
        if (Describe(head, wideEncoding, byteOrderMarkLength) is { } kind)
        {
            throw new InviteFileFormatException($"The file looks like a binary file ({kind}), {Advice}");
        }
    }

    /// <summary>What kind of binary file the head shows, or <see langword="null"/> when it looks like text.</summary>
    public static string? Describe(ReadOnlySpan<byte> head, bool wideEncoding, int byteOrderMarkLength)
    {
        foreach (var (signature, kind) in Signatures)
        {
            if (head.StartsWith(signature))
            {
                return kind;
            }
        }

        if (wideEncoding)
        {
            return null;
        }

        var text = head[byteOrderMarkLength..];
        if (text.IsEmpty)
        {
            return null;
        }

        var nul = 0;
        var control = 0;
        foreach (var b in text)
        {
            if (b == 0)
            {
                nul++;
                control++;
            }
            else if ((b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\f' and not (byte)'\r') || b == 0x7F)
            {
                control++;
            }
        }

        var tooManyControls = control * 10L > text.Length;
        var tooManyNuls = nul >= 4 && nul * 500L >= text.Length;
        return tooManyControls || tooManyNuls ? "it holds many NUL or control bytes" : null;
    }
}
