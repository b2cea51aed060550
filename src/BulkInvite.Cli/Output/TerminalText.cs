using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace BulkInvite.Cli.Output;

/// <summary>
/// How the tool prints text from a file for people: a control character (C0, DEL or C1: the start of a terminal's
/// escape sequence, a bell, a carriage return, a tab that would shift a column) is shown as <c>\xHH</c>, its code in
/// hex; everything else as it is.
/// </summary>
internal static class TerminalText
{
    /// <summary>The text with its control characters escaped.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Printable(string? text)
    {
        if (text is null || !text.AsSpan().ContainsAnyInRange('\0', '\x1f') && !text.AsSpan().ContainsAnyInRange('\x7f', '\x9f'))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                Escape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Writes UTF-8 bytes with their control characters escaped. Bytes that are not UTF-8 are written as they are,
    /// except 0x80–0x9F, which a terminal that does not read UTF-8 takes for C1 controls: they are escaped too.
    /// </summary>
    /// <param name="utf8">The bytes.</param>
    /// <param name="output">Where they go.</param>
    /// <param name="isFinalBlock">
    /// <see langword="false"/> when more bytes of the same text follow: an incomplete character at the end is then
    /// left unwritten, for the caller to pass again with the bytes that follow.
    /// </param>
    /// <returns>How many bytes were written (all of them, unless an incomplete character was left).</returns>
    public static int WritePrintable(ReadOnlySpan<byte> utf8, Stream output, bool isFinalBlock = true)
    {
        if (utf8.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0)
        {
            output.Write(utf8);
            return utf8.Length;
        }

        var position = 0;
        while (position < utf8.Length)
        {
            var rest = utf8[position..];
            var status = Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            if (status == OperationStatus.Done)
            {
                if (Rune.IsControl(rune))
                {
                    WriteEscape(output, rune.Value);
                }
                else
                {
                    output.Write(rest[..consumed]);
                }
            }
            else if (status == OperationStatus.NeedMoreData && !isFinalBlock)
            {
                return position;
            }
            else
            {
                foreach (var b in rest[..consumed])
                {
                    if (b is >= 0x80 and <= 0x9F)
                    {
                        WriteEscape(output, b);
                    }
                    else
                    {
                        output.WriteByte(b);
                    }
                }
            }

            position += consumed;
        }

        return position;
    }

    private static void Escape(StringBuilder builder, int code) => builder.Append(CultureInfo.InvariantCulture, $"\\x{code:x2}");

    private static void WriteEscape(Stream output, int code)
    {
        Span<byte> escape = stackalloc byte[4];
        escape[0] = (byte)'\\';
        escape[1] = (byte)'x';
        escape[2] = (byte)"0123456789abcdef"[code >> 4];
        escape[3] = (byte)"0123456789abcdef"[code & 0xF];
        output.Write(escape);
    }
}
