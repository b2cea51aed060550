namespace BulkInvite.Smtp.DependencyInjection;

/// <summary>The template a sender uses: from <c>TemplateDirectory</c>, else <c>Template</c>, else the built-in one.</summary>
internal static class InvitationTemplateResolver
{
    public static InvitationTemplate Resolve(InvitationMessageOptions options)
        => options.TemplateDirectory is { Length: > 0 } directory
            ? InvitationTemplate.FromDirectory(directory)
            : options.Template ?? InvitationTemplate.Default;
}
