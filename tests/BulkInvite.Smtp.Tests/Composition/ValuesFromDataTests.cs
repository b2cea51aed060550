using System.Text;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Composition;

/// <summary>What a display name or field from the file can and cannot do to a composed message.</summary>
[TestFixture]
public sealed class ValuesFromDataTests
{
    private const string Smuggled = "\r\nMAIL FROM:<mallory@example.net>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nSubject: smuggled\r\n\r\nhi\r\n.\r\n";

    // Decodes to "x", CR LF, "Bcc: victim@example.net" in a mail client that decodes encoded words.
    private static readonly string EncodedBcc = "=?utf-8?b?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("x\r\nBcc: victim@example.net")) + "?=";

    private static readonly InvitationTemplate EveryPart = InvitationTemplate.FromStrings(
        "Hi {{display_name}} ({{field:team}})",
        "Hello {{display_name}},\nteam: {{field:team}}\nbye\n",
        "<p>Hello {{display_name}}, team: {{field:team}}</p>\n");

    private static readonly string[] BidiControls =
    [
        "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C",
    ];

    [TestCase("Eve\r." + Smuggled, "jane@example.com")]
    [TestCase("Eve\n." + Smuggled, "jane@example.com")]
    [TestCase("Eve\r\n." + Smuggled, "jane@example.com")]
    [TestCase("Eve\r.\rMAIL FROM:<mallory@example.net>\r", "jane@example.com")]
    [TestCase("Eve\r." + Smuggled, "josé@bücher.example")]
    public async Task A_line_break_in_a_display_name_or_field_reaches_no_part_of_the_message(string value, string address)
    {
        var invitation = TestInvitations.Create(address, value, new Dictionary<string, string> { ["team"] = value });

        var (_, parsed, bytes) = await TestInvitations.Composer(EveryPart).ComposeAndReadBackAsync(invitation);

        Assert.Multiple(() =>
        {
            Assert.That(BareLineBreaks(bytes), Is.Zero, "bare CR or LF in the message");
            Assert.That(Count(bytes, "\r\n.\r\n"u8), Is.Zero, "a line with a single dot ends DATA");
            foreach (var part in parsed.BodyParts.OfType<MimePart>().Where(p => p.ContentTransferEncoding == ContentEncoding.SevenBit))
            {
                Assert.That(BareLineBreaks(RawContent(part)), Is.Zero, $"{part.ContentType.MimeType} is 7bit and has a bare CR or LF");
            }

            Assert.That(parsed.TextBody, Does.Contain("Hello Eve "), "the value's text is kept on one line");
            Assert.That(parsed.To.Mailboxes.Single().Name, Does.StartWith("Eve "));
        });
    }

    [Test]
    public async Task Bare_cr_line_ends_of_a_template_are_written_as_crlf()
    {
        var template = InvitationTemplate.FromStrings("Hi", "one\rtwo\r\nthree\nfour\r", "<p>one</p>\r<p>two</p>");

        var (_, parsed, bytes) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(TestInvitations.Create());

        Assert.That(BareLineBreaks(bytes), Is.Zero);
        Assert.That(parsed.TextBody?.ReplaceLineEndings("\n"), Is.EqualTo("one\ntwo\nthree\nfour\n"));
    }

    [TestCase("jane@example.com")]
    [TestCase("josé@bücher.example")]
    public async Task An_encoded_word_in_a_display_name_is_written_encoded_and_reads_back_as_the_text_itself(string address)
    {
        var name = "Eve " + EncodedBcc;
        var template = InvitationTemplate.FromStrings("Hi {{display_name}}", "Hello {{display_name}}");

        var (composed, parsed, bytes) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(TestInvitations.Create(address, name));

        var headers = Encoding.UTF8.GetString(TestInvitations.HeaderBytes(bytes));
        Assert.Multiple(() =>
        {
            Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo(name));
            Assert.That(parsed.To.Mailboxes.Single().Address, Is.EqualTo(address));
            Assert.That(parsed.Subject, Is.EqualTo("Hi " + name));
            Assert.That(parsed.Bcc, Is.Empty);
            Assert.That(parsed.Headers.Contains(HeaderId.Bcc), Is.False);
            Assert.That(headers, Does.Not.Contain(EncodedBcc));
            Assert.That(headers, Does.Not.Contain("Bcc:"));
            Assert.That(parsed.TextBody?.TrimEnd(), Is.EqualTo("Hello " + name));
            Assert.That(composed.Recipient.Address, Is.EqualTo(address));
        });
    }

    [Test]
    public async Task An_encoded_word_in_a_field_used_in_the_subject_reads_back_as_the_text_itself()
    {
        var template = InvitationTemplate.FromStrings("Welcome to {{field:team}} at {{account_name}}", "body");
        var invitation = TestInvitations.Create(fields: new Dictionary<string, string> { ["team"] = EncodedBcc });

        var (_, parsed, bytes) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(invitation);

        var headers = Encoding.UTF8.GetString(TestInvitations.HeaderBytes(bytes));
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Subject, Is.EqualTo($"Welcome to {EncodedBcc} at Contoso"));
            Assert.That(parsed.Headers.Contains(HeaderId.Bcc), Is.False);
            Assert.That(headers, Does.Not.Contain(EncodedBcc));
            Assert.That(headers, Does.Not.Contain("Bcc:"));
        });
    }

    [Test]
    public async Task A_message_after_one_with_an_encoded_word_has_its_own_recipient_and_subject()
    {
        var composer = TestInvitations.Composer(EveryPart);
        var first = await composer.ComposeAsync(TestInvitations.Create("eve@example.com", EncodedBcc, sequence: 1), CancellationToken.None);
        first.Release();

        var (_, parsed, _) = await composer.ComposeAndReadBackAsync(TestInvitations.Create("jane@example.com", "Jane", sequence: 2));

        Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo("Jane"));
        Assert.That(parsed.To.Mailboxes.Single().Address, Is.EqualTo("jane@example.com"));
        Assert.That(parsed.Subject, Is.EqualTo("Hi Jane ()"));
    }

    [Test]
    public async Task Bidirectional_controls_from_data_reach_neither_headers_nor_bodies()
    {
        foreach (var control in BidiControls)
        {
            var invitation = TestInvitations.Create(
                "jane@example.com",
                $"Jane{control}fdp.exe",
                new Dictionary<string, string> { ["team"] = $"{control}Sales{control}" },
                initiatedBy: $"Ada{control}");
            var template = InvitationTemplate.FromStrings(
                "Hi {{display_name}} ({{field:team}})",
                "Hello {{display_name}}, team {{field:team}}, from {{inviter_name}}",
                "<p>Hello {{display_name}}, team {{field:team}}, from {{inviter_name}}</p>");

            var (_, parsed, bytes) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(invitation);

            var name = $"U+{(int)control[0]:X4}";
            Assert.Multiple(() =>
            {
                Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo("Janefdp.exe"), name);
                Assert.That(parsed.Subject, Is.EqualTo("Hi Janefdp.exe (Sales)"), name);
                Assert.That(parsed.TextBody, Is.EqualTo("Hello Janefdp.exe, team Sales, from Ada"), name);
                Assert.That(parsed.HtmlBody, Is.EqualTo("<p>Hello Janefdp.exe, team Sales, from Ada</p>"), name);
                Assert.That(Encoding.UTF8.GetString(bytes).Contains(control, StringComparison.Ordinal), Is.False, name);
                Assert.That(Encoding.ASCII.GetString(bytes), Does.Not.Contain($"&#x{(int)control[0]:X};").IgnoreCase, name);
            });
        }
    }

    [TestCase("\u001B[31m")]
    [TestCase("\0")]
    [TestCase("\u0007")]
    [TestCase("\u007F")]
    [TestCase("\u0085")]
    [TestCase("\u009B31m")]
    [TestCase("\u2028")]
    [TestCase("\t")]
    public async Task Control_characters_from_data_become_spaces_in_headers_and_bodies(string control)
    {
        var invitation = TestInvitations.Create(
            "jane@example.com",
            $"Jane{control}Doe",
            new Dictionary<string, string> { ["team"] = $"Sales{control}" });

        var (_, parsed, bytes) = await TestInvitations.Composer(EveryPart).ComposeAndReadBackAsync(invitation);

        var texts = new[] { parsed.To.Mailboxes.Single().Name, parsed.Subject, parsed.TextBody, parsed.HtmlBody };
        Assert.Multiple(() =>
        {
            Assert.That(texts.SelectMany(t => t ?? string.Empty).Where(c => (char.IsControl(c) && c is not '\r' and not '\n') || c is '\u2028'), Is.Empty);
            Assert.That(parsed.To.Mailboxes.Single().Name, Does.StartWith("Jane "));
            Assert.That(parsed.TextBody, Does.StartWith("Hello Jane "));
            Assert.That(bytes.Where(b => b is 0 or 0x1B or 0x07 or 0x7F), Is.Empty);
        });
    }

    /// <summary>The number of CRs not followed by LF plus LFs not preceded by CR.</summary>
    internal static int BareLineBreaks(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && (i + 1 == bytes.Length || bytes[i + 1] != '\n'))
            {
                count++;
            }
            else if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r'))
            {
                count++;
            }
        }

        return count;
    }

    internal static int Count(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> value)
    {
        var count = 0;
        for (var index = bytes.IndexOf(value); index >= 0; index = bytes.IndexOf(value))
        {
            count++;
            bytes = bytes[(index + 1)..];
        }

        return count;
    }

    /// <summary>A parsed part's content as it stood in the message, before any decoding.</summary>
    private static byte[] RawContent(MimePart part)
    {
        using var stream = new MemoryStream();
        var content = part.Content?.Stream ?? Stream.Null;
        content.Position = 0;
        content.CopyTo(stream);
        return stream.ToArray();
    }
}
