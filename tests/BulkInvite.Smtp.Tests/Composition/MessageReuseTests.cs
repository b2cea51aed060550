using System.Collections.Concurrent;
using BulkInvite.Smtp.Composition;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Composition;

/// <summary>A released message is refilled for the next invitation: nothing of the previous recipient may remain.</summary>
[TestFixture]
public sealed class MessageReuseTests
{
    [Test]
    public async Task A_released_message_is_refilled_with_the_next_recipient_only()
    {
        var composer = TestInvitations.Composer();
        var first = await composer.ComposeAsync(TestInvitations.Create("first@example.com", "First One", sequence: 1, acceptToken: TestInvitations.TokenFor("first")), CancellationToken.None);
        var firstMessage = first.Message;
        var firstId = firstMessage.MessageId;
        first.Release();

        var (second, parsed, bytes) = await composer.ComposeAndReadBackAsync(TestInvitations.Create("second@example.com", "Second Two", sequence: 2, acceptToken: TestInvitations.TokenFor("second")));

        Assert.That(second.Message, Is.SameAs(firstMessage), "the released message is reused");
        Assert.That(parsed.To.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { "second@example.com" }));
        Assert.That(parsed.Headers.Count(h => h.Id == HeaderId.To), Is.EqualTo(1));
        Assert.That(parsed.Headers.Count(h => h.Id == HeaderId.MessageId), Is.EqualTo(1));
        Assert.That(parsed.Headers.Count(h => h.Id == HeaderId.Date), Is.EqualTo(1));
        Assert.That(parsed.Headers.Count(h => h.Id == HeaderId.Subject), Is.EqualTo(1));
        Assert.That(parsed.From.Mailboxes.Single().Address, Is.EqualTo("invitations@example.org"));
        Assert.That(parsed.ReplyTo.Mailboxes.Single().Address, Is.EqualTo("support@example.org"));
        Assert.That(parsed.MessageId, Is.Not.EqualTo(firstId));
        Assert.That(parsed.TextBody, Does.Contain("sent to second@example.com").And.Not.Contain("first@example.com"));
        Assert.That(parsed.HtmlBody, Does.Contain("accept?token=" + TestInvitations.TokenFor("second")).And.Not.Contain("first"));
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes), Does.Not.Contain("first"));
    }

    [Test]
    public async Task A_message_that_is_not_released_is_never_handed_to_another_invitation()
    {
        var composer = TestInvitations.Composer();

        var first = await composer.ComposeAsync(TestInvitations.Create("first@example.com", sequence: 1), CancellationToken.None);
        var second = await composer.ComposeAsync(TestInvitations.Create("second@example.com", sequence: 2), CancellationToken.None);

        Assert.That(second.Message, Is.Not.SameAs(first.Message));
        Assert.That(first.Message.To.Mailboxes.Single().Address, Is.EqualTo("first@example.com"));
        Assert.That(TestInvitations.Load(TestInvitations.Write(first.Message)).TextBody, Does.Contain("first@example.com"));
    }

    [Test]
    public async Task Releasing_twice_does_not_hand_one_message_to_two_invitations()
    {
        var composer = TestInvitations.Composer();
        var first = await composer.ComposeAsync(TestInvitations.Create("first@example.com", sequence: 1), CancellationToken.None);
        first.Release();
        first.Release();

        var second = await composer.ComposeAsync(TestInvitations.Create("second@example.com", sequence: 2), CancellationToken.None);
        var third = await composer.ComposeAsync(TestInvitations.Create("third@example.com", sequence: 3), CancellationToken.None);

        Assert.That(third.Message, Is.Not.SameAs(second.Message));
        Assert.That(second.Message.To.Mailboxes.Single().Address, Is.EqualTo("second@example.com"));
        Assert.That(third.Message.To.Mailboxes.Single().Address, Is.EqualTo("third@example.com"));
    }

    [Test]
    public async Task A_reused_message_switches_between_7bit_and_encoded_bodies_as_the_values_need()
    {
        var composer = TestInvitations.Composer();
        var ascii = await composer.ComposeAsync(TestInvitations.Create("ascii@example.com", "Plain Name", sequence: 1), CancellationToken.None);
        Assert.That(TextPartOf(ascii.Message).ContentTransferEncoding, Is.EqualTo(ContentEncoding.SevenBit));
        ascii.Release();

        var (unicode, parsed, bytes) = await composer.ComposeAndReadBackAsync(
            TestInvitations.Create("jose@example.com", "José Müller", sequence: 2, initiatedBy: "Zoë Ångström"));
        Assert.That(TextPartOf(unicode.Message).ContentTransferEncoding, Is.Not.EqualTo(ContentEncoding.SevenBit));
        Assert.That(parsed.TextBody, Does.Contain("Zoë Ångström has invited you"));
        Assert.That(bytes.All(b => b < 0x80), Is.True, "the message stays 7-bit on the wire");
        unicode.Release();

        var (again, parsedAgain, _) = await composer.ComposeAndReadBackAsync(TestInvitations.Create("back@example.com", "Back Again", sequence: 3));
        Assert.That(TextPartOf(again.Message).ContentTransferEncoding, Is.EqualTo(ContentEncoding.SevenBit));
        Assert.That(parsedAgain.TextBody, Does.Contain("Ada Admin has invited you").And.Not.Contain("Zoë"));
    }

    [Test]
    public async Task A_value_that_contains_the_boundary_gets_the_message_a_new_boundary()
    {
        var template = InvitationTemplate.FromStrings("Hi", "Text {{field:x}}", "<p>{{field:x}}</p>");
        var composer = TestInvitations.Composer(template);
        var first = await composer.ComposeAsync(TestInvitations.Create(sequence: 1), CancellationToken.None);
        var boundary = ((Multipart)first.Message.Body!).Boundary;
        first.Release();

        var fields = new Dictionary<string, string> { ["x"] = $"\r\n--{boundary}\r\nContent-Type: text/plain\r\n\r\ninjected" };
        var (second, parsed, _) = await composer.ComposeAndReadBackAsync(TestInvitations.Create(fields: fields, sequence: 2));

        Assert.That(((Multipart)second.Message.Body!).Boundary, Is.Not.EqualTo(boundary));
        var parts = ((Multipart)parsed.Body!).ToList();
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parsed.TextBody, Does.Contain("injected"));
    }

    [Test]
    public async Task Messages_composed_sent_and_released_in_parallel_each_carry_their_own_recipient()
    {
        var composer = TestInvitations.Composer();
        var wrong = new ConcurrentBag<int>();
        var messages = new ConcurrentDictionary<MimeMessage, byte>(ReferenceEqualityComparer.Instance);

        await Parallel.ForEachAsync(
            Enumerable.Range(1, 2000),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) =>
            {
                var composed = await composer.ComposeAsync(TestInvitations.Create($"user{i}@example.com", $"User {i}", sequence: i, acceptToken: TestInvitations.TokenFor($"user{i}")), ct);
                messages.TryAdd(composed.Message, 0);
                await Task.Yield();
                var parsed = TestInvitations.Load(TestInvitations.Write(composed.Message));
                composed.Release();
                if (parsed.To.Mailboxes.Single().Address != $"user{i}@example.com"
                    || parsed.TextBody?.Contains($"sent to user{i}@example.com", StringComparison.Ordinal) != true
                    || parsed.HtmlBody?.Contains("accept?token=" + TestInvitations.TokenFor($"user{i}") + "\"", StringComparison.Ordinal) != true)
                {
                    wrong.Add(i);
                }
            });

        Assert.That(wrong, Is.Empty);
        Assert.That(messages.Count, Is.LessThan(100), "released messages are reused rather than built anew");
    }

    private static TextPart TextPartOf(MimeMessage message) => (TextPart)((Multipart)message.Body!)[0];
}
