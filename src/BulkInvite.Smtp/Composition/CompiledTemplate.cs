using System.Text;
using System.Text.Encodings.Web;

namespace BulkInvite.Smtp.Composition;

/// <summary>
/// One part of a template (subject, text or HTML) parsed into literal segments and placeholders, so that rendering
/// a message only appends strings.
/// </summary>
/// <remarks>
/// Syntax: <c>{{name}}</c> on one line, with optional spaces or tabs inside the braces and the name matched
/// case-insensitively.
/// <c>{{{{</c> writes a literal <c>{{</c>; a <c>}}</c> outside a placeholder is literal text.
/// A CR without LF is taken as a line end, CR LF: MimeKit writes LF as CR LF, so that a 7bit body holds CR LF line
/// ends only.
/// </remarks>
internal sealed class CompiledTemplate
{
    /// <summary>The placeholders, as they are listed in error messages.</summary>
    internal const string KnownPlaceholders =
        "{{email}}, {{display_name}}, {{inviter_name}}, {{account_name}}, {{accept_link}}, {{expires_at}}, {{field:NAME}}";

    private const string Open = "{{";
    private const string Close = "}}";
    private const int ExcerptLength = 40;

    private readonly TemplateSegment[] _segments;

    private CompiledTemplate(TemplateSegment[] segments, string[] placeholders)
    {
        _segments = segments;
        Placeholders = placeholders;
    }

    /// <summary>The placeholder names used, in order of first use, each once (<c>field:NAME</c> for fields).</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>Whether the part uses the placeholder of the given kind.</summary>
    /// <param name="kind">The placeholder kind.</param>
    /// <returns><see langword="true"/> when it is used.</returns>
    public bool Uses(TemplateSegmentKind kind)
    {
        foreach (var segment in _segments)
        {
            if (segment.Kind == kind)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses one part of a template.</summary>
    /// <param name="text">The part's text.</param>
    /// <param name="part">The part's name for error messages: <c>subject</c>, <c>text</c> or <c>html</c>.</param>
    /// <returns>The compiled part.</returns>
    /// <exception cref="InvitationTemplateException">A placeholder is unknown, empty or not closed.</exception>
    public static CompiledTemplate Parse(string text, string part)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = EndBareCarriageReturns(text);
        var segments = new List<TemplateSegment>();
        var placeholders = new List<string>();
        var literal = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf(Open, position, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, position, text.Length - position);
                break;
            }

            literal.Append(text, position, open - position);
            var afterOpen = open + Open.Length;
            if (string.CompareOrdinal(text, afterOpen, Open, 0, Open.Length) == 0)
            {
                // "{{{{" is the escape for a literal "{{".
                literal.Append(Open);
                position = afterOpen + Open.Length;
                continue;
            }

            var close = text.IndexOf(Close, afterOpen, StringComparison.Ordinal);
            if (close < 0 || IsUnclosed(text.AsSpan(afterOpen, close - afterOpen)))
            {
                var excerpt = Excerpt(text, open);
                throw new InvitationTemplateException(
                    $"The {Describe(part)} has a placeholder that is not closed: '{excerpt}'. Close it with '}}}}' (write '{{{{{{{{' for a literal '{{{{'). Known placeholders: {KnownPlaceholders}.",
                    part,
                    excerpt);
            }

            var written = text.Substring(open, close + Close.Length - open);
            var segment = Resolve(text.AsSpan(afterOpen, close - afterOpen).Trim(), written, part);
            if (literal.Length > 0)
            {
                segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
                literal.Clear();
            }

            segments.Add(segment);
            var name = segment.Kind == TemplateSegmentKind.Field
                ? InvitationPlaceholders.FieldPrefix + segment.Text
                : NameOf(segment.Kind);
            if (!placeholders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                placeholders.Add(name);
            }

            position = close + Close.Length;
        }

        if (literal.Length > 0)
        {
            segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
        }

        return new CompiledTemplate([.. segments], [.. placeholders]);
    }

    /// <summary>Appends the rendered part.</summary>
    /// <param name="builder">Where the text goes.</param>
    /// <param name="values">The values of the placeholders.</param>
    /// <param name="encoder">Encodes values (for example for HTML); values are written as they are when <see langword="null"/>.</param>
    public void Render(StringBuilder builder, in TemplateValues values, TextEncoder? encoder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (ref readonly var segment in _segments.AsSpan())
        {
            if (segment.Kind == TemplateSegmentKind.Literal)
            {
                builder.Append(segment.Text);
                continue;
            }

            var value = values.Get(segment);
            builder.Append(encoder is null ? value : encoder.Encode(value));
        }
    }

    private static string EndBareCarriageReturns(string text)
    {
        var index = text.IndexOf('\r', StringComparison.Ordinal);
        if (index < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        var start = 0;
        for (; index >= 0; index = text.IndexOf('\r', index + 1))
        {
            if (index + 1 == text.Length || text[index + 1] != '\n')
            {
                builder.Append(text, start, index + 1 - start).Append('\n');
                start = index + 1;
            }
        }

        return builder.Append(text, start, text.Length - start).ToString();
    }

    /// <summary>A placeholder is written on one line and cannot contain another <c>{{</c>.</summary>
    private static bool IsUnclosed(ReadOnlySpan<char> inside)
        => inside.ContainsAny('\r', '\n') || inside.Contains(Open, StringComparison.Ordinal);

    private static TemplateSegment Resolve(ReadOnlySpan<char> name, string written, string part)
    {
        if (name.Equals(InvitationPlaceholders.Email, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.Email, string.Empty);
        }

        if (name.Equals(InvitationPlaceholders.DisplayName, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.DisplayName, string.Empty);
        }

        if (name.Equals(InvitationPlaceholders.InviterName, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.InviterName, string.Empty);
        }

        if (name.Equals(InvitationPlaceholders.AccountName, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.AccountName, string.Empty);
        }

        if (name.Equals(InvitationPlaceholders.AcceptLink, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.AcceptLink, string.Empty);
        }

        if (name.Equals(InvitationPlaceholders.ExpiresAt, StringComparison.OrdinalIgnoreCase))
        {
            return new TemplateSegment(TemplateSegmentKind.ExpiresAt, string.Empty);
        }

        if (name.StartsWith(InvitationPlaceholders.FieldPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var field = name[InvitationPlaceholders.FieldPrefix.Length..].Trim();
            if (field.IsEmpty)
            {
                throw new InvitationTemplateException(
                    $"The {Describe(part)} has a field placeholder without a field name: '{written}'. Write {{{{field:NAME}}}}, for example {{{{field:first_name}}}}. Known placeholders: {KnownPlaceholders}.",
                    part,
                    written);
            }

            return new TemplateSegment(TemplateSegmentKind.Field, field.ToString());
        }

        var problem = name.IsEmpty ? "an empty placeholder" : "an unknown placeholder";
        throw new InvitationTemplateException(
            $"The {Describe(part)} has {problem}: '{written}'. Known placeholders: {KnownPlaceholders}.",
            part,
            written);
    }

    private static string NameOf(TemplateSegmentKind kind) => kind switch
    {
        TemplateSegmentKind.Email => InvitationPlaceholders.Email,
        TemplateSegmentKind.DisplayName => InvitationPlaceholders.DisplayName,
        TemplateSegmentKind.InviterName => InvitationPlaceholders.InviterName,
        TemplateSegmentKind.AccountName => InvitationPlaceholders.AccountName,
        TemplateSegmentKind.AcceptLink => InvitationPlaceholders.AcceptLink,
        TemplateSegmentKind.ExpiresAt => InvitationPlaceholders.ExpiresAt,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Describe(string part) => part switch
    {
        InvitationTemplate.SubjectPart => "subject template",
        InvitationTemplate.TextPart => "text body template",
        InvitationTemplate.HtmlPart => "HTML body template",
        _ => $"'{part}' template",
    };

    /// <summary>The unclosed placeholder as written: up to the line end, the next <c>{{</c> or a few dozen characters.</summary>
    private static string Excerpt(string text, int open)
    {
        var rest = text.AsSpan(open, Math.Min(ExcerptLength, text.Length - open));
        var end = rest[Open.Length..].IndexOfAny('\r', '\n', '{');
        return (end < 0 ? rest : rest[..(end + Open.Length)]).ToString();
    }
}
