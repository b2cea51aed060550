using BulkInvite.Smtp.Composition;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using MimeKit;
using Polly;
using Polly.Retry;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// Sends invitations over a pool of MailKit connections: each connected and authenticated once and reused for many
/// messages, never shared between threads; transient failures retried with backoff; permanent ones returned as results.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>5xx replies (for example 550 for an unknown mailbox) are a <see cref="InvitationSendResult.Failure"/> at once.</item>
/// <item>4xx replies are retried; when the retries run out they are a failure of that one invitation.</item>
/// <item>A server that cannot be reached, secured or logged in to, or a connection that keeps failing or timing out,
/// throws <see cref="InvitationTransportException"/> once the retries run out (at once for TLS and AUTH failures).</item>
/// <item>The caller's cancellation always surfaces as <see cref="OperationCanceledException"/>.</item>
/// </list>
/// </remarks>
internal sealed class SmtpInvitationSender : IInvitationSender, IAsyncDisposable
{
    private static readonly FormatOptions AsciiFormat = CreateFormat(international: false);
    private static readonly FormatOptions InternationalFormat = CreateFormat(international: true);

    internal const string SmtpUtf8NotAnnouncedDetail = "The recipient's address needs SMTPUTF8, which the server does not announce.";

    private readonly SmtpSenderOptions options;
    private readonly IInvitationComposer composer;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SmtpConnectionPool pool;
    private readonly SmtpRateLimiter? rateLimiter;
    private readonly ResiliencePipeline pipeline;
    private readonly MailboxAddress? configuredSender;
    private int disposed;

    public SmtpInvitationSender(SmtpSenderOptions options, IInvitationComposer composer, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.options = options;
        this.composer = composer;
        this.time = time;
        this.logger = logger;
        pool = new SmtpConnectionPool(options, time, logger);
        rateLimiter = options.MessagesPerSecond > 0 ? new SmtpRateLimiter(options.MessagesPerSecond) : null;
        pipeline = BuildPipeline();
        configuredSender = string.IsNullOrWhiteSpace(options.Message.FromAddress)
            ? null
            : new MailboxAddress(options.Message.FromName, options.Message.FromAddress);
    }

    public async Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

        var composed = await composer.ComposeAsync(invitation, cancellationToken).ConfigureAwait(false);
        try
        {
            return await pipeline.ExecuteAsync(
                static (state, token) => state.Sender.AttemptAsync(state.Composed, token),
                (Sender: this, Composed: composed),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpCommandException exception) when (!SmtpFailures.IsPermanent(exception))
        {
            // A 4xx reply that outlasted every retry: this invitation failed, the transport still works.
            SmtpLog.RetriesExhausted(logger, options.Host, (int)exception.StatusCode, options.MaxRetries);
            return InvitationSendResult.Failure((int)exception.StatusCode, exception.Message);
        }
        catch (InvitationTransportException exception)
        {
            SmtpLog.TransportUnavailable(logger, exception, options.Host, options.Port, exception.StatusCode, exception.IsTransient);
            throw;
        }
        finally
        {
            // MailKit holds no reference to the message once the send has returned or thrown.
            composed.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        rateLimiter?.Dispose();
        await pool.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One try: lease a connection, send, and sort the outcome.</summary>
    private async ValueTask<InvitationSendResult> AttemptAsync(ComposedInvitation composed, CancellationToken cancellationToken)
    {
        if (rateLimiter is not null)
        {
            await rateLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        var reusable = false;
        try
        {
            if (composed.RequiresSmtpUtf8 && !connection.SupportsSmtpUtf8)
            {
                reusable = true;
                SmtpLog.SmtpUtf8NotAnnounced(logger, options.Host);
                return InvitationSendResult.Failure(null, SmtpUtf8NotAnnouncedDetail);
            }

            using var timeout = new CancellationTokenSource(options.MessageTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var sender = configuredSender
                    ?? composed.Message.Sender
                    ?? composed.Message.From.Mailboxes.FirstOrDefault()
                    ?? throw new InvalidOperationException("The invitation has no sender address: set the message's FromAddress.");
                // International formatting (SMTPUTF8, U-labels) only where the local part needs it; otherwise the
                // envelope and headers are ASCII, with IDN domains as A-labels.
                var format = composed.RequiresSmtpUtf8 ? InternationalFormat : AsciiFormat;
                connection.PrepareTransaction(composed.RequiresSmtpUtf8);
                await connection.Client.SendAsync(format, composed.Message, sender, [composed.Recipient], linked.Token).ConfigureAwait(false);
                connection.CountTransaction();
                reusable = true;
                return InvitationSendResult.Success(composed.Message.MessageId);
            }
            catch (SmtpCommandException exception)
            {
                // MailKit resets the transaction (RSET) after a rejected command, so the session stays usable.
                connection.CountTransaction();
                reusable = true;
                if (!SmtpFailures.IsPermanent(exception))
                {
                    throw;
                }

                SmtpLog.Rejected(logger, options.Host, (int)exception.StatusCode);
                return InvitationSendResult.Failure((int)exception.StatusCode, exception.Message);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                throw MessageTimedOut(exception);
            }
            catch (Exception exception) when (SmtpFailures.IsTimeout(exception))
            {
                // MailKit's socket timeout (the same length) can fire before the token does.
                throw MessageTimedOut(exception);
            }
            catch (Exception exception) when (SmtpFailures.IsConnectionFailure(exception))
            {
                throw new InvitationTransportException(
                    $"The connection to the mail server {options.Host}:{options.Port} failed while sending a message.",
                    null, isTransient: true, exception);
            }
        }
        finally
        {
            await pool.ReturnAsync(connection, reusable).ConfigureAwait(false);
        }
    }

    private InvitationTransportException MessageTimedOut(Exception exception) => new(
        $"Sending a message to the mail server {options.Host}:{options.Port} timed out after {options.MessageTimeout.TotalSeconds:0.###} s.",
        null, isTransient: true, exception as TimeoutException ?? new TimeoutException("The SMTP transaction did not complete in time.", exception));

    private ResiliencePipeline BuildPipeline()
    {
        if (options.MaxRetries <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = new PredicateBuilder()
                    .Handle<InvitationTransportException>(static e => e.IsTransient)
                    .Handle<SmtpCommandException>(static e => !SmtpFailures.IsPermanent(e)),
                OnRetry = args =>
                {
                    var exception = args.Outcome.Exception;
                    var statusCode = exception switch
                    {
                        SmtpCommandException command => (int)command.StatusCode,
                        InvitationTransportException transport => transport.StatusCode,
                        _ => null,
                    };
                    var kind = exception is InvitationTransportException { InnerException: { } inner } ? inner.GetType().Name : exception?.GetType().Name ?? "none";
                    SmtpLog.Retrying(logger, options.Host, kind, statusCode, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
    }

    private static FormatOptions CreateFormat(bool international)
    {
        var format = FormatOptions.Default.Clone();
        format.International = international;
        return format;
    }
}
