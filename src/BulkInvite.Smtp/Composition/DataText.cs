using System.Buffers;
using System.Text;

namespace BulkInvite.Smtp.Composition;

/// <summary>
/// Makes a value from data (the file's display names and fields, the invitation, the accept link) safe to put
/// anywhere in a message: every value a placeholder stands for, and the recipient's display name, passes here once.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Control characters (C0 with CR, LF and tab; DEL; C1 with NEL) and the Unicode line and paragraph separators
/// become a space: a value is one line, so no value can add a header field, end a line of a 7bit body on a bare CR
/// or LF, or end DATA early (SMTP smuggling), and no terminal escape or NUL reaches a header or a body.</item>
/// <item>Bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are removed, so
/// that a value cannot show text in another order than it is (<c>Jane\u202Eexe.pdf</c>) or reorder the text around it.</item>
/// </list>
/// What such a value still may hold, such as <c>=?utf-8?b?...?=</c> or markup, is text: the composer encodes it
/// (<see cref="HeaderText.EncodeWords"/>, HTML encoding).
/// </remarks>
internal static class DataText
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(UnsafeCharacters());

    /// <summary>Returns the value with control characters and line separators as spaces and bidirectional controls removed.</summary>
    /// <param name="value">The value from data; <see langword="null"/> is empty.</param>
    /// <returns>The value itself when it holds none of them.</returns>
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var first = value.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        builder.Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (!Unsafe.Contains(c))
            {
                builder.Append(c);
            }
            else if (HeaderText.IsBreak(c))
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private static string UnsafeCharacters()
    {
        var builder = new StringBuilder();
        for (var c = '\0'; c <= '\u009F'; c++)
        {
            if (HeaderText.IsBreak(c))
            {
                builder.Append(c);
            }
        }

        builder.Append("\u2028\u2029");

        // Bidirectional formatting: embeddings and overrides, isolates, marks.
        builder.Append("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C");
        return builder.ToString();
    }
}
