namespace BulkInvite.Smtp.Composition;

/// <summary>One piece of a compiled template.</summary>
/// <param name="Kind">Literal text or the placeholder it stands for.</param>
/// <param name="Text">The literal text, or the field name of a <see cref="TemplateSegmentKind.Field"/>; empty otherwise.</param>
internal readonly record struct TemplateSegment(TemplateSegmentKind Kind, string Text);
