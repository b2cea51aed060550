using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace BulkInvite.Smtp.Transport;

/// <summary>Sorts MailKit's exceptions into the transport's outcomes: retry, give up on one message, or stop.</summary>
internal static class SmtpFailures
{
    /// <summary>Whether a failure while a message was being sent leaves only the connection in doubt.</summary>
    public static bool IsConnectionFailure(Exception exception) =>
        exception is IOException or SocketException or SmtpProtocolException or TimeoutException or ServiceNotConnectedException;

    /// <summary>Whether the failure is a timeout: MailKit's own socket timeout, or the token that enforces the limit.</summary>
    public static bool IsTimeout(Exception exception) =>
        exception is TimeoutException
        || exception is SocketException { SocketErrorCode: SocketError.TimedOut }
        || (exception.InnerException is { } inner && IsTimeout(inner));

    /// <summary>Whether a reply is permanent (5xx), so retrying the same message cannot help.</summary>
    public static bool IsPermanent(SmtpCommandException exception) => (int)exception.StatusCode >= 500;

    /// <summary>Turns a failure to connect, secure the connection or log in into the exception that stops the import.</summary>
    public static InvitationTransportException ConnectFailure(Exception exception, bool timedOut, SmtpSenderOptions options)
    {
        var server = $"{options.Host}:{options.Port}";
        return exception switch
        {
            _ when timedOut || IsTimeout(exception) => new(
                $"Connecting to the mail server {server} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s.",
                null, isTransient: true, exception),
            AuthenticationException => new(
                $"The mail server {server} rejected the credentials.",
                (exception.InnerException as SmtpCommandException)?.StatusCode is { } code ? (int)code : null,
                isTransient: false, exception),
            SslHandshakeException => new(
                $"The TLS handshake with the mail server {server} failed: its certificate is not trusted or no protocol is shared.",
                null, isTransient: false, exception),
            NotSupportedException => new(
                $"The mail server {server} does not offer what the settings require (STARTTLS or AUTH).",
                null, isTransient: false, exception),
            SmtpCommandException command => new(
                $"The mail server {server} refused the session with status code {(int)command.StatusCode}.",
                (int)command.StatusCode, isTransient: !IsPermanent(command), exception),
            _ when IsConnectionFailure(exception) => new(
                $"The mail server {server} could not be reached.",
                null, isTransient: true, exception),
            _ => new(
                $"Connecting to the mail server {server} failed.",
                null, isTransient: false, exception),
        };
    }
}
