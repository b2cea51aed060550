using SmtpServer;
using SmtpServer.Protocol;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Makes the server's EHLO reply leave out SMTPUTF8, as many older servers do.</summary>
internal sealed class NoSmtpUtf8CommandFactory : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new NoSmtpUtf8EhloCommand(domainOrAddress);

    private sealed class NoSmtpUtf8EhloCommand(string domainOrAddress) : EhloCommand(domainOrAddress)
    {
        protected override IEnumerable<string> GetExtensions(ISessionContext context) =>
            base.GetExtensions(context).Where(static e => !e.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
    }
}
