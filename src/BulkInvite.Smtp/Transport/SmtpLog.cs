using Microsoft.Extensions.Logging;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// The SMTP transport's log messages (event ids 2000-2099). They carry host names, counts and status codes,
/// never recipients' addresses, reply texts that may quote them, or credentials.
/// </summary>
internal static partial class SmtpLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug,
        Message = "Opened an SMTP connection to {Host}:{Port} ({Security}, authenticated: {Authenticated})")]
    public static partial void ConnectionOpened(ILogger logger, string host, int port, SmtpSecurity security, bool authenticated);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Closed an SMTP connection to {Host} after {Messages} messages")]
    public static partial void ConnectionRetired(ILogger logger, string host, int messages);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "Discarded an SMTP connection to {Host} after {Messages} messages because it is no longer usable")]
    public static partial void ConnectionDiscarded(ILogger logger, string host, int messages);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Connecting to the mail server {Host}:{Port} failed (status code: {StatusCode}, transient: {IsTransient})")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string host, int port, int? statusCode, bool isTransient);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Sending to {Host} failed transiently ({FailureKind}, status code: {StatusCode}); retry {Attempt} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string host, string failureKind, int? statusCode, int attempt, long delayMs);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "The mail server {Host} rejected an invitation permanently with status code {StatusCode}")]
    public static partial void Rejected(ILogger logger, string host, int statusCode);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "The mail server {Host} still answered with status code {StatusCode} after {Retries} retries; the invitation failed")]
    public static partial void RetriesExhausted(ILogger logger, string host, int statusCode, int retries);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "The mail server {Host} does not announce SMTPUTF8, so an invitation to a non-ASCII address was not sent")]
    public static partial void SmtpUtf8NotAnnounced(ILogger logger, string host);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error,
        Message = "The mail server {Host}:{Port} is unavailable (status code: {StatusCode}, transient: {IsTransient})")]
    public static partial void TransportUnavailable(ILogger logger, Exception exception, string host, int port, int? statusCode, bool isTransient);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug,
        Message = "Closed {Connections} idle SMTP connections to {Host}")]
    public static partial void PoolClosed(ILogger logger, string host, int connections);
}
