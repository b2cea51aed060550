namespace BulkInvite.Smtp.Composition;

/// <summary>What a template segment renders: literal text or one of the placeholders.</summary>
internal enum TemplateSegmentKind
{
    Literal,
    Email,
    DisplayName,
    InviterName,
    AccountName,
    AcceptLink,
    ExpiresAt,
    Field,
}
