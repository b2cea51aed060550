using BulkInvite.Smtp.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Creates senders aimed at a test server, with short retry delays.</summary>
internal static class SenderFactory
{
    public static SmtpSenderOptions Options(int port, Action<SmtpSenderOptions>? configure = null)
    {
        var options = new SmtpSenderOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SmtpSecurity.None,
            LocalDomain = "sender.test",
            MaxConnections = 3,
            MaxMessagesPerConnection = 100,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MessageTimeout = TimeSpan.FromSeconds(10),
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            RetryMaxDelay = TimeSpan.FromMilliseconds(50),
            Message = new InvitationMessageOptions { FromAddress = TestComposer.FromAddress },
        };
        configure?.Invoke(options);
        return options;
    }

    public static SmtpInvitationSender Create(TestSmtpServer server, Action<SmtpSenderOptions>? configure = null, ILogger? logger = null) =>
        Create(server.Port, configure, logger);

    public static SmtpInvitationSender Create(int port, Action<SmtpSenderOptions>? configure = null, ILogger? logger = null) =>
        new(Options(port, configure), new TestComposer(), TimeProvider.System, logger ?? NullLogger.Instance);

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    public static int UnusedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
