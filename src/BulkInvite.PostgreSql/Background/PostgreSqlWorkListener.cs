using Microsoft.Extensions.Logging;
using Npgsql;

namespace BulkInvite.PostgreSql;

/// <summary>
/// One connection of a store that listens for the notification of queued and given-back imports, and the wake-up that
/// every waiter of the store shares: a task completed (and replaced by a new one) on each notification.
/// </summary>
/// <remarks>
/// The connection is opened by the first wait (<see cref="EnsureListening"/>) and read by one loop. When it is lost (a
/// server restart, the network, <c>pg_terminate_backend</c>) the loop disposes it, logs it, wakes the waiters once (a
/// notification may have been missed) and ends; the next wait opens a new one. A connection that cannot be opened wakes
/// nobody, so waiters poll at their timeout until the server is back.
/// </remarks>
internal sealed class PostgreSqlWorkListener(NpgsqlDataSource dataSource, ILogger logger) : IAsyncDisposable
{
    /// <summary>How long the connection may be quiet before a query checks that it is still there (a network that drops packets ends no read).</summary>
    internal static readonly TimeSpan QuietCheckInterval = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _signal = NewSignal();
    private Task? _loop;
    private bool _opened;
    private bool _failureLogged;
    private volatile bool _listening;
    private volatile bool _ending;
    private bool _disposed;

    /// <summary>Whether the connection is open and listening.</summary>
    public bool IsListening => _listening;

    /// <summary>Completes at the next notification (or local wake-up).</summary>
    public Task Signal => Volatile.Read(ref _signal).Task;

    /// <summary>Wakes every current waiter; later waiters wait for the next one.</summary>
    public void Wake() => Interlocked.Exchange(ref _signal, NewSignal()).TrySetResult();

    /// <summary>
    /// Starts the loop that opens the connection and listens, unless one runs already and has not lost its connection. A
    /// wait that comes while a lost connection is still being closed starts the next loop, which begins once the last
    /// one has ended; otherwise that wait would find a loop still running and nobody would listen until its timeout.
    /// </summary>
    public void EnsureListening()
    {
        lock (_lock)
        {
            if (_disposed || (_loop is { IsCompleted: false } && !_ending))
            {
                return;
            }

            var previous = _loop;
            _ending = false;
            _loop = Task.Run(async () =>
            {
                if (previous is not null)
                {
                    await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                await ListenAsync(_stop.Token).ConfigureAwait(false);
            });
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e) => Wake();

    private async Task ListenAsync(CancellationToken stop)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
            connection.Notification += OnNotification;
            var listen = new NpgsqlCommand(PostgreSqlSql.ListenWork, connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
            }

            _listening = true;
            _failureLogged = false;
            if (_opened)
            {
                PostgreSqlLog.WorkListenerReconnected(logger);

                // Imports queued while nobody listened sent their notification to no one.
                Wake();
            }

            _opened = true;
            while (true)
            {
                if (!await connection.WaitAsync(QuietCheckInterval, stop).ConfigureAwait(false))
                {
                    var check = new NpgsqlCommand("SELECT 1", connection);
                    await using (check.ConfigureAwait(false))
                    {
                        await check.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            // Logged once until the connection is open again: while the server is down, every wait tries to open it.
            if (_listening || !_failureLogged)
            {
                PostgreSqlLog.WorkListenerLost(logger, ex, (ex as PostgresException)?.SqlState);
                _failureLogged = true;
            }

            if (_listening)
            {
                // A notification may have come while the connection was being lost.
                Wake();
            }
        }
        finally
        {
            // Ending before not listening: a wait that sees the connection gone starts the next loop.
            _ending = true;
            _listening = false;
            if (connection is not null)
            {
                connection.Notification -= OnNotification;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops listening and closes the connection; every waiter is woken.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        Wake();
    }

    /// <summary>Stops listening: the connection is closed as the loop ends, without waiting for it; every waiter is woken.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stop.Cancel();
        Wake();
    }
}
