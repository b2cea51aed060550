using System.Net.Security;

namespace BulkInvite.Smtp;

/// <summary>Settings of the SMTP sender. Bound from configuration and validated at start-up.</summary>
public sealed class SmtpSenderOptions
{
    /// <summary>The mail server's host name (required).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The mail server's port.</summary>
    /// <value>Default: 587.</value>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured.</summary>
    /// <value>Default: <see cref="SmtpSecurity.StartTls"/>.</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The user name for AUTH; set it together with <see cref="Password"/>, or neither.</summary>
    public string? UserName { get; set; }

    /// <summary>The password for AUTH; set it together with <see cref="UserName"/>, or neither. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Validates the server's certificate instead of the system's rules (for example to trust one self-signed
    /// certificate). The system's validation applies when <see langword="null"/>; it is never switched off by default.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>Whether certificate revocation is checked.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>The name announced in EHLO.</summary>
    /// <value>Default: the machine's host name.</value>
    public string? LocalDomain { get; set; }

    /// <summary>The most connections open at once (1 to 100).</summary>
    /// <value>Default: 4.</value>
    public int MaxConnections { get; set; } = 4;

    /// <summary>How many messages one connection sends before it is closed and opened anew (1 to 100,000).</summary>
    /// <value>Default: 100.</value>
    public int MaxMessagesPerConnection { get; set; } = 100;

    /// <summary>How long connecting (including TLS and AUTH) may take.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long sending one message may take.</summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a transient failure (4xx reply, dropped connection, timeout) is retried (0 to 20).</summary>
    /// <value>Default: 3.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay; each further retry doubles it, with jitter.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most messages sent per second over all connections; 0 for no limit.</summary>
    /// <value>Default: 0.</value>
    public double MessagesPerSecond { get; set; }

    /// <summary>What every invitation carries: sender, template, accept link.</summary>
    public InvitationMessageOptions Message { get; set; } = new();
}
