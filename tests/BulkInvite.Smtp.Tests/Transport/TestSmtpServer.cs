using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>
/// A real SMTP server (the SmtpServer library) on 127.0.0.1 and a port chosen by the system, with counters of
/// sessions, concurrent sessions, AUTH logins and QUIT commands, and the name of every command received.
/// </summary>
internal sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer server;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, byte> openSessions = new();
    private readonly Task running;
    private int sessions;
    private int maxConcurrentSessions;
    private int logins;
    private int failedLogins;
    private int quits;

    private TestSmtpServer(TestSmtpServerOptions options, SmtpServer.SmtpServer server, TestMessageStore store, Task<int> port)
    {
        Options = options;
        this.server = server;
        Store = store;
        server.SessionCreated += OnSessionCreated;
        server.SessionCompleted += (_, e) => OnSessionEnded(e.Context);
        server.SessionFaulted += (_, e) => OnSessionEnded(e.Context);
        server.SessionCancelled += (_, e) => OnSessionEnded(e.Context);
        running = server.StartAsync(stopping.Token);
        PortTask = port;
    }

    public TestSmtpServerOptions Options { get; }

    public TestMessageStore Store { get; }

    public int Port => PortTask.Result;

    public int Sessions => Volatile.Read(ref sessions);

    /// <summary>The most sessions open at once (a session counts as closed once the client says QUIT).</summary>
    public int MaxConcurrentSessions => Volatile.Read(ref maxConcurrentSessions);

    public int OpenSessions => openSessions.Count;

    public int Logins => Volatile.Read(ref logins);

    public int FailedLogins => Volatile.Read(ref failedLogins);

    public int Quits => Volatile.Read(ref quits);

    /// <summary>The name of every command the server executed (EHLO, MAIL, RCPT, DATA, ...), in order.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    private Task<int> PortTask { get; }

    public static async Task<TestSmtpServer> StartAsync(TestSmtpServerOptions? options = null)
    {
        options ??= new TestSmtpServerOptions();
        var store = new TestMessageStore(options);
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var builder = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint
                    .Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
                    .IsSecure(options.Tls == TestTls.Implicit)
                    .AllowUnsecureAuthentication(true)
                    .AuthenticationRequired(options.UserName is not null);
                if (options.Tls != TestTls.None)
                {
                    endpoint.Certificate(TestCertificate.Instance);
                }
            });

        if (options.IdleTimeout is { } idleTimeout)
        {
            builder.CommandWaitTimeout(idleTimeout);
        }

        var services = new SmtpServiceProvider();
        services.Add(listeners);
        services.Add(store);
        services.Add(new TestMailboxFilter(options));
        if (!options.AnnounceSmtpUtf8)
        {
            services.Add(new NoSmtpUtf8CommandFactory());
        }

        TestSmtpServer? instance = null;
        services.Add(new DelegatingUserAuthenticator((user, password) => instance!.Authenticate(user, password)));
        instance = new TestSmtpServer(options, new SmtpServer.SmtpServer(builder.Build(), services), store, started.Task);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return instance;
    }

    /// <summary>Waits (briefly) until the server has seen every session end.</summary>
    public async Task WaitForSessionsToEndAsync()
    {
        for (var i = 0; i < 200 && OpenSessions > 0; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        server.Shutdown();
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server stops by cancellation.
        }
        catch (TimeoutException)
        {
            // A session stuck in a slow reply; the process ends it.
        }

        stopping.Dispose();
    }

    private bool Authenticate(string user, string password)
    {
        if (user == Options.UserName && password == Options.Password)
        {
            Interlocked.Increment(ref logins);
            return true;
        }

        Interlocked.Increment(ref failedLogins);
        return false;
    }

    private void OnSessionCreated(object? sender, SessionEventArgs e)
    {
        Interlocked.Increment(ref sessions);
        var id = e.Context.SessionId.ToString();
        openSessions[id] = 0;
        var open = openSessions.Count;
        int max;
        do
        {
            max = Volatile.Read(ref maxConcurrentSessions);
        }
        while (open > max && Interlocked.CompareExchange(ref maxConcurrentSessions, open, max) != max);

        // QUIT ends the session for the client before the server has torn it down; count it as closed then.
        e.Context.CommandExecuting += (_, c) =>
        {
            Commands.Enqueue(c.Command.Name);
            if (c.Command is QuitCommand)
            {
                Interlocked.Increment(ref quits);
                openSessions.TryRemove(id, out byte _);
            }
        };
    }

    private void OnSessionEnded(ISessionContext context) => openSessions.TryRemove(context.SessionId.ToString(), out byte _);
}
