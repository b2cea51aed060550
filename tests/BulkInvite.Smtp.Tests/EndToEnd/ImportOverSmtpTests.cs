using System.Text;
using BulkInvite.Smtp.Tests.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulkInvite.Smtp.Tests.EndToEnd;

/// <summary>The whole workflow: a file imported through the pipeline and sent to a real SMTP server on 127.0.0.1.</summary>
[TestFixture]
public sealed class ImportOverSmtpTests
{
    private const string File =
        "email,first_name,team\n" +
        "alice@example.com,Alice,<b>Sales</b>\n" +
        "\"José Müller <jose@example.com>\",José,R&D\n" +
        "ALICE@example.com,Alice again,Sales\n" +
        "member@example.com,Mia,Ops\n" +
        "not-an-address,Nobody,Ops\n" +
        "rejected@example.com,Rex,Ops\n" +
        "bob@bücher.example,Bob,Books\n";

    [Test]
    public async Task Each_invited_address_receives_exactly_one_composed_invitation_and_nobody_else_receives_any()
    {
        await using var server = await TestSmtpServer.StartAsync(new TestSmtpServerOptions
        {
            Tls = TestTls.StartTls,
            UserName = "sender",
            Password = "secret",
            RejectRecipient = static r => r.StartsWith("rejected@", StringComparison.Ordinal),
        });
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.Validation.AllowInternational = true)
            .AddUserExistenceCheck(_ => new Directory("member@example.com"))
            .AddSmtpSender(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = server.Port;
                o.Security = SmtpSecurity.StartTls;
                o.ServerCertificateValidation = TestCertificate.TrustIt;
                o.UserName = "sender";
                o.Password = "secret";
                o.MaxConnections = 2;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                o.Message.FromAddress = "invitations@example.com";
                o.Message.FromName = "Contoso Invitations";
                o.Message.ReplyTo = "support@example.com";
                o.Message.AccountName = "Contoso";
                o.Message.AcceptLinkBaseUrl = "https://app.example.com/accept";
                o.Message.Template = InvitationTemplate.FromStrings(
                    "{{inviter_name}} invites you to {{account_name}}",
                    "Hi {{field:first_name}} ({{field:team}}), accept: {{accept_link}}",
                    "<p>Hi {{field:first_name}} ({{field:team}}), <a href=\"{{accept_link}}\">accept</a></p>");
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        await using var scope = provider.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();

        var report = await service.ImportAsync(new BulkInviteRequest
        {
            Content = new MemoryStream(Encoding.UTF8.GetBytes(File)),
            FileName = "people.csv",
            TenantId = "contoso",
            InitiatedBy = "Dana Admin",
        });

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.CompletedWithErrors));
            Assert.That(report.Counts.Invited, Is.EqualTo(3));
            Assert.That(report.Counts.Failed, Is.EqualTo(1));
            Assert.That(report.Counts.Duplicate, Is.EqualTo(1));
            Assert.That(report.Counts.ExistingUser, Is.EqualTo(1));
            Assert.That(report.Counts.Invalid, Is.EqualTo(1));
        });
        var failed = (await scope.ServiceProvider.GetRequiredService<IBulkInviteHistory>().GetEntriesAsync("contoso", report.ImportId, new EntryQuery { Outcome = InviteOutcome.Failed })).Items.Single();
        Assert.That(failed.StatusCode, Is.EqualTo(550));

        var received = server.Store.Messages.ToList();
        Assert.That(received.SelectMany(m => m.Recipients).Order(), Is.EqualTo(new[] { "alice@example.com", "bob@xn--bcher-kva.example", "jose@example.com" }));

        var jose = received.Single(m => m.Recipients.Contains("jose@example.com")).Message;
        Assert.Multiple(() =>
        {
            Assert.That(jose.From.Mailboxes.Single().Address, Is.EqualTo("invitations@example.com"));
            Assert.That(jose.From.Mailboxes.Single().Name, Is.EqualTo("Contoso Invitations"));
            Assert.That(jose.ReplyTo.Mailboxes.Single().Address, Is.EqualTo("support@example.com"));
            Assert.That(jose.To.Mailboxes.Single().Name, Is.EqualTo("José Müller"));
            Assert.That(jose.Subject, Is.EqualTo("Dana Admin invites you to Contoso"));
            Assert.That(jose.MessageId, Is.Not.Empty);
            Assert.That(jose.Date, Is.Not.EqualTo(default(DateTimeOffset)));
            Assert.That(jose.TextBody, Does.Match("^Hi José \\(R&D\\), accept: https://app\\.example\\.com/accept\\?token=[A-Za-z0-9_-]{43}"));
            Assert.That(jose.HtmlBody, Does.Contain("Hi José (R&amp;D)"));
        });

        var alice = received.Single(m => m.Recipients.Contains("alice@example.com")).Message;
        Assert.That(alice.HtmlBody, Does.Contain("&lt;b&gt;Sales&lt;/b&gt;").And.Not.Contain("<b>Sales</b>"));
        Assert.That(alice.TextBody, Does.Contain("(<b>Sales</b>)"));

        using var raw = new MemoryStream();
        await jose.WriteToAsync(raw);
        var headers = Encoding.ASCII.GetString(raw.ToArray()).Split("\r\n\r\n")[0];
        Assert.That(raw.ToArray().TakeWhile(b => b != 0).Take(headers.Length).All(b => b < 128), Is.True, "headers are 7-bit (RFC 2047 encoded)");
    }

    [Test]
    public async Task The_emailed_link_carries_only_a_token_and_that_token_accepts_the_invitation_once()
    {
        await using var server = await TestSmtpServer.StartAsync(new TestSmtpServerOptions());
        var services = new ServiceCollection();
        services.AddBulkInvite()
            .WithoutUserExistenceCheck()
            .AddSmtpSender(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = server.Port;
                o.Security = SmtpSecurity.None;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                o.Message.FromAddress = "invitations@example.com";
                o.Message.AccountName = "Contoso";
                o.Message.AcceptLinkBaseUrl = "https://app.example.com/invitations/accept";
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        await using var scope = provider.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<IBulkInviteService>().ImportAsync(new BulkInviteRequest
        {
            Content = new MemoryStream(Encoding.UTF8.GetBytes("email,name,role\njane@example.com,Jane Doe,editor\n")),
            FileName = "people.csv",
            TenantId = "contoso",
            InitiatedBy = "Dana Admin",
        });
        var message = server.Store.Messages.Single().Message;
        var link = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? string.Empty, @"https://\S+").Value;
        var uri = new Uri(link);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var invitations = provider.GetRequiredService<IInvitationService>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Counts.Invited, Is.EqualTo(1));
            Assert.That(uri.GetLeftPart(UriPartial.Path), Is.EqualTo("https://app.example.com/invitations/accept"));
            Assert.That(query.AllKeys, Is.EqualTo(new[] { "token" }), "the token is the link's only parameter");
            Assert.That(query["token"], Does.Match("^[A-Za-z0-9_-]{43}$"));
            Assert.That(link, Does.Not.Contain("jane@").And.Not.Contain(report.ImportId.ToString("N")));
            Assert.That(message.HtmlBody, Does.Contain($"href=\"{link}\""));
            Assert.That(
                message.TextBody,
                Does.Contain("until " + Until(DateTimeOffset.UtcNow)).Or.Contain("until " + Until(DateTimeOffset.UtcNow.AddMinutes(-5))),
                "seven days from the send (also when it was made across midnight)");
        }

        var looked = await invitations.LookupAsync(query["token"]!);
        var accepted = await invitations.AcceptAsync(query["token"]!);
        var replay = await invitations.AcceptAsync(query["token"]!);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((looked!.TenantId, looked.InitiatedBy, looked.State), Is.EqualTo(("contoso", "Dana Admin", InvitationState.Pending)));
            Assert.That(accepted.Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
            Assert.That((accepted.Invitation!.TenantId, accepted.Invitation.Address, accepted.Invitation.Fields!["role"]), Is.EqualTo(("contoso", "jane@example.com", "editor")));
            Assert.That(replay.Status, Is.EqualTo(InvitationAcceptStatus.AlreadyUsed));
        }
    }

    private sealed class Directory(params string[] members) : IUserExistenceCheck
    {
        public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<UserStatus>>(query.Addresses.Select(a => members.Contains(a) ? UserStatus.Member : UserStatus.Unknown).ToList());
    }

    /// <summary>The expiry date an invitation sent at <paramref name="sentAt"/> shows: seven days later, in UTC.</summary>
    private static string Until(DateTimeOffset sentAt) => sentAt.AddDays(7).UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
