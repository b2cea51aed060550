using MailKit.Security;

namespace BulkInvite.Smtp.Tests.Transport;

[TestFixture]
public sealed class SmtpSecurityTests
{
    private const string Password = "correct horse battery staple";

    [TestCase(TestTls.StartTls, SmtpSecurity.StartTls)]
    [TestCase(TestTls.Implicit, SmtpSecurity.ImplicitTls)]
    public async Task TLS_with_a_trusted_self_signed_certificate_delivers(TestTls tls, SmtpSecurity security)
    {
        await using var server = await TestSmtpServer.StartAsync(new() { Tls = tls, UserName = "mailer", Password = Password });
        await using var sender = SenderFactory.Create(server, o =>
        {
            o.Security = security;
            o.ServerCertificateValidation = TestCertificate.TrustIt;
            o.UserName = "mailer";
            o.Password = Password;
        });

        var results = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => sender.SendAsync(TestComposer.Invitation(i))));

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Succeeded), Is.All.True);
            Assert.That(server.Store.Messages, Has.Count.EqualTo(5));
            Assert.That(server.Logins, Is.EqualTo(server.Sessions));
        });
    }

    [TestCase(TestTls.StartTls, SmtpSecurity.StartTls)]
    [TestCase(TestTls.Implicit, SmtpSecurity.ImplicitTls)]
    public async Task TLS_with_an_untrusted_certificate_fails_under_default_validation(TestTls tls, SmtpSecurity security)
    {
        await using var server = await TestSmtpServer.StartAsync(new() { Tls = tls });
        await using var sender = SenderFactory.Create(server, o => o.Security = security);

        var exception = Assert.ThrowsAsync<InvitationTransportException>(() => sender.SendAsync(TestComposer.Invitation(1)));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.IsTransient, Is.False);
            Assert.That(exception.InnerException, Is.InstanceOf<SslHandshakeException>());
            Assert.That(server.Sessions, Is.EqualTo(1), "a certificate that is not trusted is not retried");
            Assert.That(server.Store.DataTransmissions, Is.Zero);
        });
    }

    [Test]
    public async Task StartTls_against_a_server_without_STARTTLS_fails_instead_of_sending_in_clear_text()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await using var sender = SenderFactory.Create(server, o => o.Security = SmtpSecurity.StartTls);

        var exception = Assert.ThrowsAsync<InvitationTransportException>(() => sender.SendAsync(TestComposer.Invitation(1)));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.IsTransient, Is.False);
            Assert.That(server.Store.DataTransmissions, Is.Zero);
        });
    }

    [Test]
    public async Task A_wrong_password_makes_the_transport_unavailable_without_retrying()
    {
        await using var server = await TestSmtpServer.StartAsync(new() { UserName = "mailer", Password = Password });
        await using var sender = SenderFactory.Create(server, o =>
        {
            o.UserName = "mailer";
            o.Password = "wrong";
            o.MaxRetries = 3;
        });

        var exception = Assert.ThrowsAsync<InvitationTransportException>(() => sender.SendAsync(TestComposer.Invitation(1)));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.IsTransient, Is.False);
            Assert.That(exception.StatusCode, Is.EqualTo(535));
            Assert.That(exception.InnerException, Is.InstanceOf<AuthenticationException>());
            Assert.That(server.Sessions, Is.EqualTo(1), "one connection, no retry");

            // Within that one AUTH step MailKit tries each mechanism both sides support (PLAIN, then LOGIN).
            Assert.That(server.FailedLogins, Is.InRange(1, 2));
            Assert.That(server.Logins, Is.Zero);
            Assert.That(server.Store.DataTransmissions, Is.Zero);
        });
    }

    [Test]
    public async Task Logs_name_the_host_and_status_codes_but_never_addresses_or_the_password()
    {
        await using var server = await TestSmtpServer.StartAsync(new()
        {
            UserName = "mailer",
            Password = Password,
            RejectRecipient = static a => a.StartsWith("nobody", StringComparison.Ordinal),
            TransientFailures = 1,
        });
        var logger = new RecordingLogger();
        await using (var sender = SenderFactory.Create(server, o => { o.UserName = "mailer"; o.Password = Password; o.MaxMessagesPerConnection = 2; }, logger))
        {
            await sender.SendAsync(TestComposer.Invitation(1, "ada@example.org"));
            await sender.SendAsync(TestComposer.Invitation(2, "nobody@example.org"));
            await sender.SendAsync(TestComposer.Invitation(3, "grace@example.org"));
        }

        await using (var wrong = SenderFactory.Create(server, o => { o.UserName = "mailer"; o.Password = Password + "x"; }, logger))
        {
            Assert.That(() => wrong.SendAsync(TestComposer.Invitation(4, "alan@example.org")), Throws.InstanceOf<InvitationTransportException>());
        }

        var text = string.Join("\n", logger.Entries.Select(e => e.Message + " " + e.Exception));
        Assert.Multiple(() =>
        {
            Assert.That(logger.Entries.Select(e => e.EventId.Id), Is.All.InRange(2000, 2099));
            Assert.That(logger.Entries.Select(e => e.EventId.Id), Does.Contain(2005), "the 550 is logged");
            Assert.That(logger.Entries.Select(e => e.EventId.Id), Does.Contain(2004), "the 451 retry is logged");
            Assert.That(logger.Entries.Select(e => e.EventId.Id), Does.Contain(2008), "the failed login is logged");
            Assert.That(text, Does.Contain("127.0.0.1"));
            Assert.That(text, Does.Not.Contain("@example.org"));
            Assert.That(text, Does.Not.Contain(Password));
        });
    }
}
