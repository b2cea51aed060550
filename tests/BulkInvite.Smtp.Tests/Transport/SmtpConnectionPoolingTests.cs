using System.Diagnostics;
using BulkInvite.Smtp.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.Smtp.Tests.Transport;

[TestFixture]
public sealed class SmtpConnectionPoolingTests
{
    [Test]
    public async Task Parallel_sends_use_at_most_MaxConnections_sessions_and_deliver_each_message_once()
    {
        await using var server = await TestSmtpServer.StartAsync(new() { UserName = "mailer", Password = "s3cret" });
        await using var sender = SenderFactory.Create(server, o =>
        {
            o.MaxConnections = 3;
            o.MaxMessagesPerConnection = 10;
            o.UserName = "mailer";
            o.Password = "s3cret";
        });

        var results = await Task.WhenAll(Enumerable.Range(1, 100).Select(i => sender.SendAsync(TestComposer.Invitation(i))));

        var subjects = server.Store.Messages.Select(m => m.Message.Subject).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Succeeded), Is.All.True);
            Assert.That(subjects, Is.EquivalentTo(Enumerable.Range(1, 100).Select(i => TestComposer.SubjectOf(i))));
            Assert.That(server.MaxConcurrentSessions, Is.LessThanOrEqualTo(3));

            // Every connection carries at most 10 messages: at least 10 sessions; at most 2 more that were still
            // partly used when the run ended. One login per session, never one per message.
            Assert.That(server.Sessions, Is.InRange(10, 12));
            Assert.That(server.Logins, Is.EqualTo(server.Sessions));
        });
    }

    [Test]
    public async Task Sequential_sends_open_exactly_one_connection_per_MaxMessagesPerConnection_messages()
    {
        await using var server = await TestSmtpServer.StartAsync(new() { UserName = "mailer", Password = "s3cret" });
        await using var sender = SenderFactory.Create(server, o =>
        {
            o.MaxMessagesPerConnection = 10;
            o.UserName = "mailer";
            o.Password = "s3cret";
        });

        for (var i = 1; i <= 25; i++)
        {
            Assert.That((await sender.SendAsync(TestComposer.Invitation(i))).Succeeded, Is.True);
        }

        Assert.Multiple(() =>
        {
            Assert.That(server.Store.Messages, Has.Count.EqualTo(25));
            Assert.That(server.Sessions, Is.EqualTo(3));
            Assert.That(server.Logins, Is.EqualTo(3));
            Assert.That(server.Quits, Is.EqualTo(2), "the two used-up connections say QUIT; the third is still open");
            Assert.That(server.Store.Messages.GroupBy(m => m.SessionId).Select(g => g.Count()), Is.EquivalentTo(new[] { 10, 10, 5 }));
        });
    }

    [Test]
    public async Task A_connection_the_server_closed_while_idle_is_replaced_without_failing_a_message()
    {
        await using var server = await TestSmtpServer.StartAsync(new() { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var sender = SenderFactory.Create(server, o => o.MaxRetries = 0);

        var first = await sender.SendAsync(TestComposer.Invitation(1));
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        var second = await sender.SendAsync(TestComposer.Invitation(2));

        Assert.Multiple(() =>
        {
            Assert.That(first.Succeeded, Is.True);
            Assert.That(second.Succeeded, Is.True, "no retry is allowed, so the closed session must not be used");
            Assert.That(server.Sessions, Is.EqualTo(2));
            Assert.That(server.Store.Messages, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Envelope_carries_the_configured_sender_and_only_the_invited_recipient()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = SenderFactory.Create(server);

        var result = await sender.SendAsync(TestComposer.Invitation(7, "ada@example.org"));

        var received = server.Store.Messages.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Detail, Is.EqualTo(received.Message.MessageId));
            Assert.That(received.From, Is.EqualTo(TestComposer.FromAddress));
            Assert.That(received.Recipients, Is.EqualTo(new[] { "ada@example.org" }));
            Assert.That(received.Message.Subject, Is.EqualTo(TestComposer.SubjectOf(7)));
        });
    }

    [Test]
    public async Task Disposing_the_sender_says_QUIT_on_every_pooled_connection()
    {
        await using var server = await TestSmtpServer.StartAsync();
        var sender = SenderFactory.Create(server, o => o.MaxConnections = 3);
        await Task.WhenAll(Enumerable.Range(1, 12).Select(i => sender.SendAsync(TestComposer.Invitation(i))));

        await sender.DisposeAsync();
        await server.WaitForSessionsToEndAsync();

        Assert.Multiple(() =>
        {
            Assert.That(server.Sessions, Is.InRange(1, 3));
            Assert.That(server.Quits, Is.EqualTo(server.Sessions));
            Assert.That(server.OpenSessions, Is.Zero);
        });
    }

    [Test]
    public async Task Sending_after_dispose_throws_ObjectDisposedException()
    {
        await using var server = await TestSmtpServer.StartAsync();
        var sender = SenderFactory.Create(server);
        await sender.DisposeAsync();

        Assert.That(() => sender.SendAsync(TestComposer.Invitation(1)), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task Rate_limit_spaces_messages_out()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = SenderFactory.Create(server, o => o.MessagesPerSecond = 20);

        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => sender.SendAsync(TestComposer.Invitation(i))));
        stopwatch.Stop();

        // 10 messages at 20 per second: the first starts at once, the other nine wait for a token each (50 ms apart).
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Succeeded), Is.All.True);
            Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(380)));
        });
    }

    [Test]
    public void Constructor_rejects_null_arguments()
    {
        var options = SenderFactory.Options(25);
        var composer = new TestComposer();
        Assert.Multiple(() =>
        {
            Assert.That(() => new SmtpInvitationSender(null!, composer, TimeProvider.System, NullLogger.Instance), Throws.ArgumentNullException);
            Assert.That(() => new SmtpInvitationSender(options, null!, TimeProvider.System, NullLogger.Instance), Throws.ArgumentNullException);
            Assert.That(() => new SmtpInvitationSender(options, composer, null!, NullLogger.Instance), Throws.ArgumentNullException);
            Assert.That(() => new SmtpInvitationSender(options, composer, TimeProvider.System, null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public async Task Sending_a_null_invitation_throws_ArgumentNullException()
    {
        await using var sender = SenderFactory.Create(25);

        Assert.That(() => sender.SendAsync(null!), Throws.ArgumentNullException);
    }
}
