namespace BulkInvite.Smtp;

/// <summary>
/// The placeholders a template may use, written <c>{{name}}</c>. Any other name fails when the template is loaded
/// (at start-up), never at the 10,000th message.
/// </summary>
public static class InvitationPlaceholders
{
    /// <summary>The invitee's address: <c>{{email}}</c>.</summary>
    public const string Email = "email";

    /// <summary>The invitee's display name from the file, or empty: <c>{{display_name}}</c>.</summary>
    public const string DisplayName = "display_name";

    /// <summary>Who started the import: <c>{{inviter_name}}</c>.</summary>
    public const string InviterName = "inviter_name";

    /// <summary>The account the invitee is invited to (<see cref="InvitationMessageOptions.AccountName"/>): <c>{{account_name}}</c>.</summary>
    public const string AccountName = "account_name";

    /// <summary>The link that accepts the invitation (<see cref="IAcceptLinkProvider"/>): <c>{{accept_link}}</c>.</summary>
    public const string AcceptLink = "accept_link";

    /// <summary>
    /// When the accept link stops working (<see cref="Invitation.ExpiresAt"/>), in UTC and invariant English, for example
    /// <c>9 March 2026 at 09:00 UTC</c>; empty when the invitation has no expiry: <c>{{expires_at}}</c>.
    /// </summary>
    public const string ExpiresAt = "expires_at";

    /// <summary>
    /// The prefix of per-recipient fields, such as a CSV column: <c>{{field:first_name}}</c> (empty when the
    /// recipient has no such field).
    /// </summary>
    public const string FieldPrefix = "field:";
}
