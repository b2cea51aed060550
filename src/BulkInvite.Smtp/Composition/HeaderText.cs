using System.Text;

namespace BulkInvite.Smtp.Composition;

/// <summary>Keeps values that go into header fields on one line, so that no value can add a header.</summary>
internal static class HeaderText
{
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

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
