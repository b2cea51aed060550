using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Storage;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Answers 550 at RCPT TO for the recipients the options reject.</summary>
internal sealed class TestMailboxFilter(TestSmtpServerOptions options) : IMailboxFilter
{
    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
        Task.FromResult(!options.RejectRecipient(to.AsAddress()));
}
