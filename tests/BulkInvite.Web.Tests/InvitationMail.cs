using System.Text.RegularExpressions;
using MimeKit;

namespace BulkInvite.Web.Tests;

/// <summary>The invitation emails the sample sent, and the accept links in them.</summary>
internal static partial class InvitationMail
{
    /// <summary>The accept link of a message: the one link to the accept page in its text body.</summary>
    public static Uri AcceptLink(MimeMessage message)
    {
        var matches = AcceptLinkPattern().Matches(message.TextBody ?? string.Empty);
        Assert.That(matches, Has.Count.EqualTo(1), message.TextBody);
        return new Uri(matches[0].Value);
    }

    /// <summary>The token of an accept link: its only query parameter.</summary>
    public static string TokenOf(Uri link)
    {
        var query = link.Query.TrimStart('?').Split('&');
        Assert.That(query, Has.Length.EqualTo(1), "the token is the link's only parameter");
        Assert.That(query[0], Does.StartWith("token="));
        return Uri.UnescapeDataString(query[0]["token=".Length..]);
    }

    /// <summary>The messages of the pickup folder of a tenant sent to one address, oldest first.</summary>
    public static MimeMessage[] Pickup(SampleFactory factory, string tenant, string address)
        => [.. factory.PickupFiles(tenant)
            .Select(f => (Time: File.GetLastWriteTimeUtc(f), Message: MimeMessage.Load(f)))
            .Where(m => m.Message.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(m => m.Time)
            .Select(m => m.Message)];

    /// <summary>A token with one character changed.</summary>
    public static string ChangeOneCharacter(string token)
    {
        var chars = token.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/Invitations/Accept\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex AcceptLinkPattern();
}
