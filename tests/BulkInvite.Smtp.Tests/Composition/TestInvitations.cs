using BulkInvite.Smtp.Composition;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Composition;

/// <summary>Invitations, options and composers for composition and pickup tests.</summary>
internal static class TestInvitations
{
    public static readonly Guid ImportId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The accept token test invitations carry (the shape the pipeline issues: 43 base64url characters).</summary>
    public const string AcceptToken = "dGVzdC10b2tlbi1vZi10aGlydHktdHdvLWJ5dGVzIQ8";

    /// <summary>A token of the issued shape that names what it belongs to, so a test can find it in a message.</summary>
    public static string TokenFor(string name) => (name + "-").PadRight(43, 'x');

    public static Invitation Create(
        string address = "jane@example.com",
        string? displayName = null,
        IReadOnlyDictionary<string, string>? fields = null,
        long sequence = 7,
        string initiatedBy = "Ada Admin",
        string? messageKey = null,
        string? acceptToken = AcceptToken) => new()
        {
            ImportId = ImportId,
            Sequence = sequence,
            TenantId = "tenant-1",
            InitiatedBy = initiatedBy,
            Address = address,
            DisplayName = displayName,
            Fields = fields,
            MessageKey = messageKey,
            AcceptToken = acceptToken,
            ExpiresAt = acceptToken is null ? null : Now.AddDays(7),
        };

    public static InvitationMessageOptions Options() => new()
    {
        FromAddress = "invitations@example.org",
        FromName = "Example Invitations",
        ReplyTo = "support@example.org",
        AccountName = "Contoso",
        AcceptLinkBaseUrl = "https://app.example.org/accept",
    };

    public static InvitationComposer Composer(
        InvitationTemplate? template = null,
        InvitationMessageOptions? options = null,
        IAcceptLinkProvider? acceptLinks = null,
        TimeProvider? time = null)
    {
        options ??= Options();
        return new InvitationComposer(
            options,
            template ?? InvitationTemplate.Default,
            acceptLinks ?? new DefaultAcceptLinkProvider(options),
            time ?? new FakeTimeProvider(Now));
    }

    /// <summary>Writes the message as a sender would (MimeKit's default options, CRLF) and returns the bytes.</summary>
    public static byte[] Write(MimeMessage message, bool international = false)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = international;
        using var stream = new MemoryStream();
        message.WriteTo(format, stream);
        return stream.ToArray();
    }

    public static MimeMessage Load(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return MimeMessage.Load(stream);
    }

    /// <summary>The header block of a written message (everything before the first empty line).</summary>
    public static byte[] HeaderBytes(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? message : message[..end];
    }

    public static async Task<(ComposedInvitation Composed, MimeMessage Parsed, byte[] Bytes)> ComposeAndReadBackAsync(
        this InvitationComposer composer, Invitation invitation)
    {
        var composed = await composer.ComposeAsync(invitation, CancellationToken.None);
        var bytes = Write(composed.Message, composed.RequiresSmtpUtf8);
        return (composed, Load(bytes), bytes);
    }
}
