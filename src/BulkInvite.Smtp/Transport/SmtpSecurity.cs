namespace BulkInvite.Smtp;

/// <summary>How the connection to the mail server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection, then STARTTLS (required: the send fails if the server does not offer it).</summary>
    StartTls = 0,

    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    ImplicitTls = 1,

    /// <summary>No encryption (only for a relay on the same host or a test server).</summary>
    None = 2,
}
