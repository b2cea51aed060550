using System.Collections.Concurrent;
using System.Text;
using BulkInvite.Smtp.Composition;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Composition;

[TestFixture]
public sealed class InvitationComposerTests
{
    private static readonly InvitationTemplate FieldTemplate = InvitationTemplate.FromStrings(
        "Welcome {{display_name}} to {{account_name}} ({{field:team}})",
        "Hi {{display_name}} / {{field:first_name}} / [{{field:missing}}] / {{inviter_name}} / {{email}} / {{accept_link}}",
        "<p>Hi {{display_name}} / {{field:first_name}} / [{{field:missing}}] / {{inviter_name}} / <a href=\"{{accept_link}}\">accept</a></p>");

    [Test]
    public async Task The_message_carries_from_reply_to_to_subject_date_and_message_id()
    {
        var composer = TestInvitations.Composer();

        var (composed, parsed, _) = await composer.ComposeAndReadBackAsync(TestInvitations.Create("jane@example.com", "Jane Doe"));

        Assert.That(parsed.From.Mailboxes.Single().Address, Is.EqualTo("invitations@example.org"));
        Assert.That(parsed.From.Mailboxes.Single().Name, Is.EqualTo("Example Invitations"));
        Assert.That(parsed.ReplyTo.Mailboxes.Single().Address, Is.EqualTo("support@example.org"));
        Assert.That(parsed.To.Mailboxes.Single().Address, Is.EqualTo("jane@example.com"));
        Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo("Jane Doe"));
        Assert.That(parsed.Subject, Is.EqualTo("You're invited to join Contoso"));
        Assert.That(parsed.Date, Is.EqualTo(TestInvitations.Now));
        Assert.That(parsed.MessageId, Does.EndWith("@example.org"));
        Assert.That(parsed.MessageId, Is.EqualTo(composed.Message.MessageId));
        Assert.That(composed.Recipient.Address, Is.EqualTo("jane@example.com"));
        Assert.That(composed.RequiresSmtpUtf8, Is.False);
    }

    [Test]
    public async Task The_date_comes_from_the_time_provider()
    {
        var time = new FakeTimeProvider(TestInvitations.Now);
        time.Advance(TimeSpan.FromHours(5));
        var composer = TestInvitations.Composer(time: time);

        var composed = await composer.ComposeAsync(TestInvitations.Create(), CancellationToken.None);

        Assert.That(composed.Message.Date, Is.EqualTo(TestInvitations.Now.AddHours(5)));
    }

    [Test]
    public async Task Without_reply_to_the_message_has_no_reply_to_header()
    {
        var options = TestInvitations.Options();
        options.ReplyTo = null;
        options.FromName = null;

        var (_, parsed, _) = await TestInvitations.Composer(options: options).ComposeAndReadBackAsync(TestInvitations.Create());

        Assert.That(parsed.Headers.Contains(HeaderId.ReplyTo), Is.False);
        Assert.That(parsed.From.Mailboxes.Single().Name, Is.Empty);
    }

    [Test]
    public async Task The_message_id_uses_the_configured_domain()
    {
        var options = TestInvitations.Options();
        options.MessageIdDomain = "mail.example.net";

        var composed = await TestInvitations.Composer(options: options).ComposeAsync(TestInvitations.Create(), CancellationToken.None);

        Assert.That(composed.Message.MessageId, Does.EndWith("@mail.example.net"));
    }

    [Test]
    public async Task A_template_with_html_gives_a_utf8_multipart_alternative_with_text_first()
    {
        var (_, parsed, _) = await TestInvitations.Composer().ComposeAndReadBackAsync(TestInvitations.Create());

        var body = parsed.Body as Multipart;
        Assert.That(body, Is.Not.Null);
        Assert.That(body!.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        var parts = body.OfType<TextPart>().ToArray();
        Assert.That(parts.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        Assert.That(parts.Select(p => p.ContentType.Charset), Is.All.EqualTo("utf-8"));
        Assert.That(parsed.TextBody, Does.Contain("Ada Admin has invited you to join Contoso."));
        Assert.That(parsed.TextBody, Does.Contain("https://app.example.org/accept?token=" + TestInvitations.AcceptToken));
        Assert.That(parsed.TextBody, Does.Contain("The link works once, until 8 March 2026 at 09:00 UTC."));
        Assert.That(parsed.HtmlBody, Does.Contain("<strong>Contoso</strong>"));
        Assert.That(parsed.HtmlBody, Does.Contain("href=\"https://app.example.org/accept?token=" + TestInvitations.AcceptToken + "\""));
        Assert.That(parsed.HtmlBody, Does.Contain("The link works once, until 8 March 2026 at 09:00 UTC."));
    }

    [Test]
    public async Task A_template_without_html_gives_a_single_text_part()
    {
        var template = InvitationTemplate.FromStrings("Join {{account_name}}", "Hello {{email}}");

        var (_, parsed, _) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(TestInvitations.Create());

        var body = parsed.Body as TextPart;
        Assert.That(body, Is.Not.Null);
        Assert.That(body!.ContentType.MimeType, Is.EqualTo("text/plain"));
        Assert.That(body.Text.TrimEnd(), Is.EqualTo("Hello jane@example.com"));
        Assert.That(parsed.HtmlBody, Is.Null);
    }

    [Test]
    public async Task Markup_in_a_display_name_or_field_is_encoded_in_html_and_kept_raw_in_text()
    {
        var fields = new Dictionary<string, string> { ["first_name"] = "<img src=x onerror=alert(1)>", ["team"] = "R&D" };
        var invitation = TestInvitations.Create("jane@example.com", "<script>alert('x')</script>", fields, initiatedBy: "Tom & \"Jerry\"");

        var (_, parsed, _) = await TestInvitations.Composer(FieldTemplate).ComposeAndReadBackAsync(invitation);

        Assert.That(parsed.TextBody, Does.Contain("Hi <script>alert('x')</script> / <img src=x onerror=alert(1)> / [] / Tom & \"Jerry\""));
        Assert.That(parsed.HtmlBody, Does.Not.Contain("<script>"));
        Assert.That(parsed.HtmlBody, Does.Not.Contain("<img"));
        Assert.That(parsed.HtmlBody, Does.Contain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"));
        Assert.That(parsed.HtmlBody, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"));
        Assert.That(parsed.HtmlBody, Does.Contain("Tom &amp; &quot;Jerry&quot;"));
        Assert.That(parsed.Subject, Is.EqualTo("Welcome <script>alert('x')</script> to Contoso (R&D)"));
    }

    [Test]
    public async Task Fields_are_taken_from_the_invitation_and_a_missing_field_is_empty()
    {
        var fields = new Dictionary<string, string> { ["First_Name"] = "Jane", ["team"] = "Blue" };

        var (_, parsed, _) = await TestInvitations.Composer(FieldTemplate).ComposeAndReadBackAsync(TestInvitations.Create(fields: fields));

        Assert.That(parsed.TextBody, Does.StartWith("Hi  / Jane / [] / Ada Admin / jane@example.com / https://"));
        Assert.That(parsed.Subject, Is.EqualTo("Welcome  to Contoso (Blue)"));
    }

    [Test]
    public async Task An_invitation_without_fields_renders_field_placeholders_empty()
    {
        var (_, parsed, _) = await TestInvitations.Composer(FieldTemplate).ComposeAndReadBackAsync(TestInvitations.Create(fields: null));

        Assert.That(parsed.Subject, Is.EqualTo("Welcome  to Contoso ()"));
        Assert.That(parsed.TextBody, Does.StartWith("Hi  /  / [] /"));
    }

    [Test]
    public async Task A_non_ascii_display_name_round_trips_and_the_headers_are_pure_ascii()
    {
        var options = TestInvitations.Options();
        options.FromName = "Équipe Müller";
        options.AccountName = "Café Zürich";
        var invitation = TestInvitations.Create("jose@example.com", "José Müller");

        var (_, parsed, bytes) = await TestInvitations.Composer(options: options).ComposeAndReadBackAsync(invitation);

        Assert.That(TestInvitations.HeaderBytes(bytes).All(b => b < 0x80), Is.True, "header bytes are ASCII");
        Assert.That(bytes.All(b => b < 0x80), Is.True, "the whole message is 7-bit");
        var headers = Encoding.ASCII.GetString(TestInvitations.HeaderBytes(bytes));
        Assert.That(headers, Does.Contain("=?utf-8?"));
        Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo("José Müller"));
        Assert.That(parsed.From.Mailboxes.Single().Name, Is.EqualTo("Équipe Müller"));
        Assert.That(parsed.Subject, Is.EqualTo("You're invited to join Café Zürich"));
        Assert.That(parsed.TextBody, Does.Contain("join Café Zürich."));
        Assert.That(parsed.HtmlBody, Does.Contain("<strong>Café Zürich</strong>"));
    }

    [Test]
    public async Task Line_breaks_in_values_cannot_add_headers_through_the_subject()
    {
        var template = InvitationTemplate.FromStrings("Hello {{display_name}} {{field:team}}", "body");
        var invitation = TestInvitations.Create(
            "jane@example.com",
            "Jane\r\nBcc: victim@example.net",
            new Dictionary<string, string> { ["team"] = "x\nX-Injected: yes\u2028more" });

        var (_, parsed, bytes) = await TestInvitations.Composer(template).ComposeAndReadBackAsync(invitation);

        Assert.That(parsed.Bcc, Is.Empty);
        Assert.That(parsed.Headers.Contains("X-Injected"), Is.False);
        Assert.That(parsed.Headers.Contains(HeaderId.Bcc), Is.False);
        Assert.That(parsed.Subject, Is.EqualTo("Hello Jane  Bcc: victim@example.net x X-Injected: yes more"));
        Assert.That(parsed.To.Mailboxes.Single().Name, Is.EqualTo("Jane  Bcc: victim@example.net"));
        Assert.That(Encoding.ASCII.GetString(bytes), Does.Not.Contain("\r\nBcc:"));
    }

    [Test]
    public async Task An_idn_domain_is_sent_and_written_as_a_labels()
    {
        var (composed, parsed, bytes) = await TestInvitations.Composer().ComposeAndReadBackAsync(TestInvitations.Create("user@bücher.example"));

        Assert.That(composed.Recipient.GetAddress(idnEncode: true), Is.EqualTo("user@xn--bcher-kva.example"));
        Assert.That(composed.RequiresSmtpUtf8, Is.False);
        Assert.That(Encoding.ASCII.GetString(TestInvitations.HeaderBytes(bytes)), Does.Contain("To: user@xn--bcher-kva.example"));
        Assert.That(parsed.To.Mailboxes.Single().GetAddress(idnEncode: true), Is.EqualTo("user@xn--bcher-kva.example"));
    }

    [Test]
    public async Task A_non_ascii_local_part_requires_smtputf8()
    {
        var (composed, parsed, _) = await TestInvitations.Composer().ComposeAndReadBackAsync(TestInvitations.Create("josé@bücher.example"));

        Assert.That(composed.RequiresSmtpUtf8, Is.True);
        Assert.That(composed.Recipient.GetAddress(idnEncode: true), Is.EqualTo("josé@xn--bcher-kva.example"));
        Assert.That(parsed.To.Mailboxes.Single().LocalPart, Is.EqualTo("josé"));
    }

    [Test]
    public async Task A_quoted_local_part_is_kept()
    {
        var (composed, parsed, _) = await TestInvitations.Composer().ComposeAndReadBackAsync(TestInvitations.Create("\"john doe\"@example.com"));

        Assert.That(composed.Recipient.Address, Is.EqualTo("\"john doe\"@example.com"));
        Assert.That(parsed.To.Mailboxes.Single().Address, Is.EqualTo("\"john doe\"@example.com"));
    }

    [Test]
    public void An_address_that_cannot_be_written_in_a_header_is_an_argument_exception_about_the_invitation()
    {
        var composer = TestInvitations.Composer();

        var exception = Assert.ThrowsAsync<ArgumentException>(async () => await composer.ComposeAsync(TestInvitations.Create("a..b@example.com"), CancellationToken.None));

        Assert.That(exception!.ParamName, Is.EqualTo("invitation"));
    }

    [Test]
    public async Task The_accept_link_comes_from_the_provider_even_when_it_completes_later()
    {
        var provider = new SlowLinkProvider();

        var (_, parsed, _) = await TestInvitations.Composer(acceptLinks: provider).ComposeAndReadBackAsync(TestInvitations.Create(sequence: 42));

        Assert.That(parsed.TextBody, Does.Contain("https://tokens.example/42"));
        Assert.That(provider.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_accept_link_is_not_asked_for_when_the_template_does_not_use_it()
    {
        var provider = new SlowLinkProvider();
        var template = InvitationTemplate.FromStrings("Join", "Hello {{email}}", "<p>{{email}}</p>");

        await TestInvitations.Composer(template, acceptLinks: provider).ComposeAsync(TestInvitations.Create(), CancellationToken.None);

        Assert.That(provider.Calls, Is.Zero);
    }

    [Test]
    public async Task Each_message_gets_its_own_address_objects()
    {
        var composer = TestInvitations.Composer();

        var first = await composer.ComposeAsync(TestInvitations.Create(sequence: 1), CancellationToken.None);
        var second = await composer.ComposeAsync(TestInvitations.Create(sequence: 2), CancellationToken.None);

        Assert.That(first.Message.From[0], Is.Not.SameAs(second.Message.From[0]));
        Assert.That(first.Message.ReplyTo[0], Is.Not.SameAs(second.Message.ReplyTo[0]));
        ((MailboxAddress)first.Message.From[0]).Name = "Changed";
        Assert.That(((MailboxAddress)second.Message.From[0]).Name, Is.EqualTo("Example Invitations"));
    }

    [Test]
    public async Task A_thousand_invitations_composed_in_parallel_all_get_distinct_message_ids()
    {
        var composer = TestInvitations.Composer();
        var ids = new ConcurrentBag<string>();
        var texts = new ConcurrentBag<bool>();

        await Parallel.ForEachAsync(
            Enumerable.Range(1, 1000),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
            {
                var invitation = TestInvitations.Create($"user{i}@example.com", $"User {i}", sequence: i);
                var composed = await composer.ComposeAsync(invitation, ct);
                ids.Add(composed.Message.MessageId ?? string.Empty);
                var parsed = TestInvitations.Load(TestInvitations.Write(composed.Message));
                texts.Add(parsed.TextBody is { } text
                    && text.Contains($"sent to user{i}@example.com", StringComparison.Ordinal)
                    && parsed.To.Mailboxes.Single().Name == $"User {i}");
            });

        Assert.That(ids.Distinct().Count(), Is.EqualTo(1000));
        Assert.That(texts, Has.Count.EqualTo(1000));
        Assert.That(texts, Is.All.True);
    }

    [Test]
    public void A_cancelled_token_stops_composition()
    {
        var composer = TestInvitations.Composer();

        Assert.ThrowsAsync<OperationCanceledException>(async () => await composer.ComposeAsync(TestInvitations.Create(), new CancellationToken(canceled: true)));
    }

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("not an address")]
    [TestCase("invitations")]
    [TestCase("<broken@")]
    public void A_from_address_that_is_not_an_address_fails_naming_the_setting(string fromAddress)
    {
        var options = TestInvitations.Options();
        options.FromAddress = fromAddress;

        var exception = Assert.Throws<ArgumentException>(() => TestInvitations.Composer(options: options));

        Assert.That(exception.Message, Does.Contain("Message:FromAddress"));
    }

    [Test]
    public void A_reply_to_that_is_not_an_address_fails_naming_the_setting()
    {
        var options = TestInvitations.Options();
        options.ReplyTo = "support";

        var exception = Assert.Throws<ArgumentException>(() => TestInvitations.Composer(options: options));

        Assert.That(exception.Message, Does.Contain("Message:ReplyTo"));
    }

    [Test]
    public void A_message_id_domain_that_is_not_a_domain_fails_naming_the_setting()
    {
        var options = TestInvitations.Options();
        options.MessageIdDomain = "bad domain>";

        var exception = Assert.Throws<ArgumentException>(() => TestInvitations.Composer(options: options));

        Assert.That(exception.Message, Does.Contain("Message:MessageIdDomain"));
    }

    [Test]
    public void Null_arguments_are_rejected()
    {
        var options = TestInvitations.Options();
        var links = new DefaultAcceptLinkProvider(options);
        var time = TimeProvider.System;

        Assert.Throws<ArgumentNullException>(() => _ = new InvitationComposer(null!, InvitationTemplate.Default, links, time));
        Assert.Throws<ArgumentNullException>(() => _ = new InvitationComposer(options, null!, links, time));
        Assert.Throws<ArgumentNullException>(() => _ = new InvitationComposer(options, InvitationTemplate.Default, null!, time));
        Assert.Throws<ArgumentNullException>(() => _ = new InvitationComposer(options, InvitationTemplate.Default, links, null!));
        Assert.ThrowsAsync<ArgumentNullException>(async () => await TestInvitations.Composer().ComposeAsync(null!, CancellationToken.None));
    }

    private sealed class SlowLinkProvider : IAcceptLinkProvider
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            return $"https://tokens.example/{invitation.Sequence}";
        }
    }
}
