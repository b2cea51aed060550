namespace BulkInvite.Smtp;

/// <summary>What every invitation carries, whichever sender delivers it.</summary>
public sealed class InvitationMessageOptions
{
    /// <summary>The sender's address (required), for example <c>invitations@example.com</c>.</summary>
    public string FromAddress { get; set; } = string.Empty;

    /// <summary>The sender's display name, if any.</summary>
    public string? FromName { get; set; }

    /// <summary>The Reply-To address, if any.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The account the invitees are invited to (<c>{{account_name}}</c>).</summary>
    /// <value>Default: empty.</value>
    public string AccountName { get; set; } = string.Empty;

    /// <summary>
    /// The base of the default accept link: <c>{AcceptLinkBaseUrl}?token={token}</c>, the invitation's single-use token
    /// (<see cref="Invitation.AcceptToken"/>) its only parameter: no address and no ids. Register an
    /// <see cref="IAcceptLinkProvider"/> to write the link another way (with the same token).
    /// </summary>
    /// <value>Default: <c>https://localhost/invitations/accept</c>.</value>
    public string AcceptLinkBaseUrl { get; set; } = "https://localhost/invitations/accept";

    /// <summary>A directory with <c>subject.txt</c>, <c>body.txt</c> and <c>body.html</c>, loaded and checked at start-up.</summary>
    public string? TemplateDirectory { get; set; }

    /// <summary>A template set in code; used when <see cref="TemplateDirectory"/> is not set. The built-in template when both are unset.</summary>
    public InvitationTemplate? Template { get; set; }

    /// <summary>The domain of generated Message-IDs.</summary>
    /// <value>Default: the domain of <see cref="FromAddress"/>.</value>
    public string? MessageIdDomain { get; set; }
}
