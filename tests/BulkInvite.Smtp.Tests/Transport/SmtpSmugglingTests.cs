using BulkInvite.Smtp.Tests.Composition;
using BulkInvite.Smtp.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>A value from the file that tries to end DATA early and start a second transaction (SMTP smuggling).</summary>
[TestFixture]
public sealed class SmtpSmugglingTests
{
    [TestCase("Eve\r.\r\nMAIL FROM:<mallory@example.net>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nSubject: smuggled\r\n\r\nhi\r\n.\r\n")]
    [TestCase("Eve\n.\nMAIL FROM:<mallory@example.net>\nRCPT TO:<victim@example.net>\nDATA\n\nhi\n.\n")]
    [TestCase("Eve\r.\rMAIL FROM:<mallory@example.net>\rRCPT TO:<victim@example.net>\rDATA\r\rhi\r.\r")]
    public async Task The_server_receives_one_message_for_the_one_recipient_and_no_bare_line_break(string value)
    {
        await using var server = await TestSmtpServer.StartAsync();
        var template = InvitationTemplate.FromStrings(
            "Hi {{display_name}}",
            "Hello {{display_name}},\nteam {{field:team}}\n",
            "<p>Hello {{display_name}}, team {{field:team}}</p>");
        var options = SenderFactory.Options(server.Port, o => o.MaxConnections = 1);
        await using var sender = new SmtpInvitationSender(options, TestInvitations.Composer(template), TimeProvider.System, NullLogger.Instance);

        var result = await sender.SendAsync(TestInvitations.Create("jane@example.com", value, new Dictionary<string, string> { ["team"] = value }));
        await sender.DisposeAsync();
        await server.WaitForSessionsToEndAsync();

        var commands = server.Commands.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True, result.Detail);
            Assert.That(server.Store.Messages, Has.Count.EqualTo(1));
            Assert.That(server.Store.Messages.Single().Recipients, Is.EqualTo(new[] { "jane@example.com" }));
            Assert.That(commands.Count(c => c == "MAIL"), Is.EqualTo(1), string.Join(' ', commands));
            Assert.That(commands.Count(c => c == "RCPT"), Is.EqualTo(1), string.Join(' ', commands));
            Assert.That(commands.Count(c => c == "DATA"), Is.EqualTo(1), string.Join(' ', commands));
            Assert.That(ValuesFromDataTests.BareLineBreaks(server.Store.Messages.Single().Bytes), Is.Zero, "bare CR or LF after DATA");
            Assert.That(server.Store.Messages.Single().Message.TextBody, Does.StartWith("Hello Eve "));
        });
    }
}
