namespace BulkInvite.Smtp.Composition;

/// <summary>The text of the built-in template (<see cref="InvitationTemplate.Default"/>).</summary>
internal static class DefaultTemplateText
{
    public const string Subject = "You're invited to join {{account_name}}";

    public const string Text =
        """
        Hello,

        {{inviter_name}} has invited you to join {{account_name}}.

        To accept the invitation, open this link:
        {{accept_link}}

        The link works once, until {{expires_at}}.

        This invitation was sent to {{email}}. If you were not expecting it, you can ignore this message.

        """;

    public const string Html =
        """
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>You're invited to join {{account_name}}</title>
        </head>
        <body style="margin:0;padding:24px;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;">
        <p>Hello,</p>
        <p><strong>{{inviter_name}}</strong> has invited you to join <strong>{{account_name}}</strong>.</p>
        <p><a href="{{accept_link}}" style="display:inline-block;padding:10px 20px;background:#0969da;color:#ffffff;text-decoration:none;border-radius:6px;">Accept the invitation</a></p>
        <p style="font-size:14px;color:#59636e;">If the button does not work, copy this link into your browser:<br><a href="{{accept_link}}">{{accept_link}}</a></p>
        <p style="font-size:14px;color:#59636e;">The link works once, until {{expires_at}}.</p>
        <p style="font-size:14px;color:#59636e;">This invitation was sent to {{email}}. If you were not expecting it, you can ignore this message.</p>
        </body>
        </html>

        """;
}
