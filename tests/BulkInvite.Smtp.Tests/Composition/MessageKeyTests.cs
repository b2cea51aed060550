namespace BulkInvite.Smtp.Tests.Composition;

/// <summary>The message key the pipeline sets becomes the Message-Id's left part.</summary>
[TestFixture]
public sealed class MessageKeyTests
{
    [Test]
    public async Task The_message_key_is_the_left_part_of_the_message_id()
    {
        var invitation = TestInvitations.Create(messageKey: "0f1e2d3c4b5a69788796a5b4c3d2e1f0.7.1a2b3c4d");

        var (composed, parsed, _) = await TestInvitations.Composer().ComposeAndReadBackAsync(invitation);

        Assert.That(parsed.MessageId, Is.EqualTo("0f1e2d3c4b5a69788796a5b4c3d2e1f0.7.1a2b3c4d@example.org"));
        Assert.That(composed.Message.MessageId, Is.EqualTo(parsed.MessageId));
    }

    [TestCase("a b")]
    [TestCase("x>\r\nBcc: eve@example.net")]
    [TestCase(".leading")]
    [TestCase("double..dot")]
    [TestCase("")]
    public async Task A_message_key_that_cannot_be_a_message_id_part_gets_a_generated_one(string key)
    {
        var invitation = TestInvitations.Create(messageKey: key);

        var (_, parsed, bytes) = await TestInvitations.Composer().ComposeAndReadBackAsync(invitation);

        Assert.That(parsed.MessageId, Does.EndWith("@example.org"));
        Assert.That(parsed.MessageId, Is.Not.EqualTo(key + "@example.org"));
        Assert.That(parsed.Bcc, Is.Empty);
        Assert.That(bytes, Is.Not.Null);
    }
}
