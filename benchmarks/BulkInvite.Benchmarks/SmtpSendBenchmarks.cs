using BenchmarkDotNet.Attributes;
using BulkInvite.Smtp;
using BulkInvite.Smtp.Composition;
using BulkInvite.Smtp.Transport;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace BulkInvite.Benchmarks;

/// <summary>
/// 10,000 invitations to a local <c>smtp-sink</c>, 8 at a time: the SDK's pooled sender against MailKit connecting
/// anew for every message and <c>System.Net.Mail.SmtpClient</c>. Times are per message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SmtpSendBenchmarks
{
    private const int Messages = 10_000;
    private const int Parallelism = 8;

    private SmtpSink? _sink;
    private Invitation[] _invitations = [];
    private InvitationComposer? _composer;
    private SmtpInvitationSender? _sender;

    [GlobalSetup]
    public void Setup()
    {
        _sink = SmtpSink.Start();
        var message = new InvitationMessageOptions { FromAddress = "invitations@example.com", FromName = "Example", AccountName = "Example" };
        _composer = new InvitationComposer(message, InvitationTemplate.Default, new DefaultAcceptLinkProvider(message), TimeProvider.System);
        var importId = Guid.NewGuid();
        _invitations = [.. Enumerable.Range(1, Messages).Select(i => new Invitation
        {
            ImportId = importId,
            Sequence = i,
            TenantId = "bench",
            InitiatedBy = "Admin",
            Address = $"user{i}@example.com",
            DisplayName = $"User {i}",
        })];
        _sender = new SmtpInvitationSender(
            new SmtpSenderOptions
            {
                Host = "127.0.0.1",
                Port = _sink.Port,
                Security = SmtpSecurity.None,
                MaxConnections = Parallelism,
                MaxMessagesPerConnection = 1000,
                Message = message,
            },
            _composer,
            TimeProvider.System,
            NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sink?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "MailKit, a new connection per message")]
    public Task MailKitConnectionPerMessage() => RunAsync(async invitation =>
    {
        var message = NaiveMessage(invitation);
        using var client = new MailKit.Net.Smtp.SmtpClient();
        await client.ConnectAsync("127.0.0.1", _sink!.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    });

    [Benchmark(OperationsPerInvoke = Messages, Description = "System.Net.Mail.SmtpClient")]
    public async Task SystemNetMail()
    {
        var clients = new System.Net.Mail.SmtpClient[Parallelism];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = new System.Net.Mail.SmtpClient("127.0.0.1", _sink!.Port) { EnableSsl = false };
        }

        var next = -1;
        await Parallel.ForEachAsync(Enumerable.Range(0, Parallelism), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (worker, ct) =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < _invitations.Length)
            {
                var invitation = _invitations[index];
#pragma warning disable CA2000 // disposed below
                using var mail = new System.Net.Mail.MailMessage("invitations@example.com", invitation.Address, "You're invited to join Example", $"Hello {invitation.DisplayName}, accept: https://localhost/accept");
#pragma warning restore CA2000
                await clients[worker].SendMailAsync(mail, ct);
            }
        });
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "BulkInvite pooled sender (template + MailKit pool)")]
    public Task BulkInvitePooled() => RunAsync(async invitation =>
    {
        var result = await _sender!.SendAsync(invitation);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Detail);
        }
    });

    [Benchmark(OperationsPerInvoke = Messages, Description = "BulkInvite composition only")]
    public Task ComposeOnly() => RunAsync(async invitation => (await _composer!.ComposeAsync(invitation, CancellationToken.None)).Release());

    private async Task RunAsync(Func<Invitation, Task> send)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Parallelism).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < _invitations.Length)
            {
                await send(_invitations[index]);
            }
        }));
        await Task.WhenAll(workers);
    }

    private static MimeMessage NaiveMessage(Invitation invitation)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Example", "invitations@example.com"));
        message.To.Add(new MailboxAddress(invitation.DisplayName, invitation.Address));
        message.Subject = "You're invited to join Example";
        var body = new BodyBuilder
        {
            TextBody = $"Hello {invitation.DisplayName}, accept: https://localhost/accept",
            HtmlBody = $"<p>Hello {System.Net.WebUtility.HtmlEncode(invitation.DisplayName)}, <a href=\"https://localhost/accept\">accept</a></p>",
        };
        message.Body = body.ToMessageBody();
        return message;
    }
}
