using MailKit.Net.Smtp;

namespace BulkInvite.Smtp.Transport;

/// <summary>One connected (and, if configured, authenticated) MailKit client, leased to one sender task at a time.</summary>
internal sealed class SmtpConnection : IDisposable
{
    private long idleSince;

    /// <summary>Wraps a client that is connected (and authenticated): the server's capabilities are known.</summary>
    public SmtpConnection(SmtpClient client)
    {
        Client = client;
        SupportsSmtpUtf8 = (client.Capabilities & SmtpCapabilities.UTF8) != 0;

        // With SIZE announced, MailKit writes every message out once more just to measure it for MAIL FROM's SIZE=
        // parameter. Invitations are a few kilobytes, far below any server's limit: the extension is not used.
        client.Capabilities &= ~SmtpCapabilities.Size;
    }

    public SmtpClient Client { get; }

    /// <summary>How many mail transactions (accepted or rejected) this connection has carried.</summary>
    public int Transactions { get; private set; }

    public bool IsConnected => Client.IsConnected;

    /// <summary>Whether the server announced SMTPUTF8.</summary>
    public bool SupportsSmtpUtf8 { get; }

    /// <summary>
    /// Lets the next transaction use SMTPUTF8 only when it needs it (a non-ASCII local part). MailKit writes the
    /// envelope in UTF-8 whenever the extension is on, which would put IDN domains on the wire as U-labels; with it
    /// off, addresses go out in ASCII and IDN domains as A-labels.
    /// </summary>
    public void PrepareTransaction(bool smtpUtf8)
    {
        Client.Capabilities = smtpUtf8 && SupportsSmtpUtf8
            ? Client.Capabilities | SmtpCapabilities.UTF8
            : Client.Capabilities & ~SmtpCapabilities.UTF8;
    }

    public void CountTransaction() => Transactions++;

    /// <summary>Notes when the connection went back to the pool.</summary>
    public void MarkIdle(TimeProvider time) => idleSince = time.GetTimestamp();

    /// <summary>How long the connection has been in the pool.</summary>
    public TimeSpan IdleTime(TimeProvider time) => time.GetElapsedTime(idleSince);

    /// <summary>Checks with NOOP that the server has not closed the session meanwhile.</summary>
    /// <returns>Whether the session still answers.</returns>
    public async ValueTask<bool> IsAliveAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await Client.NoOpAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Says QUIT and closes the connection; a server that does not answer in time is simply cut off.</summary>
    public async ValueTask QuitAsync(TimeSpan timeout, TimeProvider time)
    {
        try
        {
            if (Client.IsConnected)
            {
                using var cts = new CancellationTokenSource(timeout, time);
                await Client.DisconnectAsync(quit: true, cts.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Closing is best effort: the connection is being thrown away either way.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Nothing to do: the client is disposed below.
        }
        finally
        {
            Client.Dispose();
        }
    }

    /// <summary>Closes the socket without QUIT (the session state is unknown after a failure).</summary>
    public void Dispose() => Client.Dispose();
}
