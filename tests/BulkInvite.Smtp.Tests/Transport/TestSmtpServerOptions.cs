namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>How a <see cref="TestSmtpServer"/> behaves.</summary>
internal sealed class TestSmtpServerOptions
{
    /// <summary>How the server secures connections (with <see cref="TestCertificate"/>).</summary>
    public TestTls Tls { get; init; } = TestTls.None;

    /// <summary>The only accepted user name; AUTH is required when set.</summary>
    public string? UserName { get; init; }

    /// <summary>The only accepted password.</summary>
    public string? Password { get; init; }

    /// <summary>Recipients answered with 550 at RCPT TO.</summary>
    public Func<string, bool> RejectRecipient { get; init; } = static _ => false;

    /// <summary>How many messages, at the end of DATA, are answered with 451 before messages are accepted.</summary>
    public int TransientFailures { get; init; }

    /// <summary>How many messages, at the end of DATA, get the connection closed instead of a reply.</summary>
    public int DroppedConnections { get; init; }

    /// <summary>How long the server waits before answering the end of DATA.</summary>
    public TimeSpan ReplyDelay { get; init; }

    /// <summary>How long the server waits for the client's next command before it closes the session.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Whether EHLO announces SMTPUTF8.</summary>
    public bool AnnounceSmtpUtf8 { get; init; } = true;
}
