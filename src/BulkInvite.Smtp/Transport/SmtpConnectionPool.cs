using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// Up to <see cref="SmtpSenderOptions.MaxConnections"/> connections, each connected and authenticated once, then
/// leased to one task at a time for many messages and replaced after <see cref="SmtpSenderOptions.MaxMessagesPerConnection"/>.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    // Servers close idle sessions (often after a minute or less); a connection idle longer than this is checked
    // with NOOP before reuse, so that a message is never sent into a session the server has already closed.
    private static readonly TimeSpan IdleCheckAfter = TimeSpan.FromSeconds(1);

    private readonly SmtpSenderOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentQueue<SmtpConnection> idle = new();
    private volatile bool disposed;

    public SmtpConnectionPool(SmtpSenderOptions options, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>Leases an idle connection, or opens one when none is idle and fewer than the maximum are open.</summary>
    /// <exception cref="InvitationTransportException">The server cannot be reached, secured or logged in to.</exception>
    public async Task<SmtpConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (idle.TryDequeue(out var connection))
            {
                bool usable;
                try
                {
                    usable = connection.IsConnected
                        && (connection.IdleTime(time) < IdleCheckAfter
                            || await connection.IsAliveAsync(options.MessageTimeout, time, cancellationToken).ConfigureAwait(false));
                }
                catch
                {
                    Discard(connection);
                    throw;
                }

                if (usable)
                {
                    return connection;
                }

                Discard(connection);
            }

            return await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            slots.Release();
            throw;
        }
    }

    /// <summary>Gives a leased connection back: kept for the next message, closed with QUIT when used up, or discarded.</summary>
    /// <param name="connection">The connection from <see cref="RentAsync"/>.</param>
    /// <param name="reusable">Whether the session is in a known state (the last transaction completed or was reset).</param>
    public async ValueTask ReturnAsync(SmtpConnection connection, bool reusable)
    {
        try
        {
            if (!reusable || !connection.IsConnected)
            {
                Discard(connection);
            }
            else if (disposed || connection.Transactions >= options.MaxMessagesPerConnection)
            {
                await connection.QuitAsync(QuitTimeout, time).ConfigureAwait(false);
                SmtpLog.ConnectionRetired(logger, options.Host, connection.Transactions);
            }
            else
            {
                connection.MarkIdle(time);
                idle.Enqueue(connection);
                if (disposed)
                {
                    await CloseIdleAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        await CloseIdleAsync().ConfigureAwait(false);
    }

    private async ValueTask CloseIdleAsync()
    {
        var closing = new List<SmtpConnection>();
        while (idle.TryDequeue(out var connection))
        {
            closing.Add(connection);
        }

        if (closing.Count > 0)
        {
            await Task.WhenAll(closing.Select(c => c.QuitAsync(QuitTimeout, time).AsTask())).ConfigureAwait(false);
            SmtpLog.PoolClosed(logger, options.Host, closing.Count);
        }
    }

    private void Discard(SmtpConnection connection)
    {
        connection.Dispose();
        SmtpLog.ConnectionDiscarded(logger, options.Host, connection.Transactions);
    }

    private async Task<SmtpConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ComposedMessageSmtpClient
        {
            Timeout = ToMilliseconds(options.ConnectTimeout),
            CheckCertificateRevocation = options.CheckCertificateRevocation,
        };
        if (options.LocalDomain is { Length: > 0 } localDomain)
        {
            client.LocalDomain = localDomain;
        }

        if (options.ServerCertificateValidation is { } validation)
        {
            client.ServerCertificateValidationCallback = validation;
        }

        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await client.ConnectAsync(options.Host, options.Port, ToSocketOptions(options.Security), linked.Token).ConfigureAwait(false);
            var authenticate = options.UserName is not null && options.Password is not null;
            if (authenticate)
            {
                await client.AuthenticateAsync(options.UserName!, options.Password!, linked.Token).ConfigureAwait(false);
            }

            client.Timeout = ToMilliseconds(options.MessageTimeout);
            SmtpLog.ConnectionOpened(logger, options.Host, options.Port, options.Security, authenticate);
            return new SmtpConnection(client);
        }
        catch (Exception exception)
        {
            client.Dispose();
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var failure = SmtpFailures.ConnectFailure(exception, timeout.IsCancellationRequested, options);
            SmtpLog.ConnectFailed(logger, exception, options.Host, options.Port, failure.StatusCode, failure.IsTransient);
            throw failure;
        }
    }

    private static SecureSocketOptions ToSocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Unknown SMTP security mode."),
    };

    private static int ToMilliseconds(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);
}
