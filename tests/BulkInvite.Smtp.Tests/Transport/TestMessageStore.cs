using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Records every accepted message; answers 451, drops the connection or stalls as the options say.</summary>
internal sealed class TestMessageStore(TestSmtpServerOptions options) : MessageStore
{
    private int transientFailuresLeft = options.TransientFailures;
    private int dropsLeft = options.DroppedConnections;
    private int dataTransmissions;

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>How many complete messages arrived at the end of DATA, whatever the answer.</summary>
    public int DataTransmissions => Volatile.Read(ref dataTransmissions);

    public override async Task<SmtpResponse> SaveAsync(
        ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref dataTransmissions);
        if (options.ReplyDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.ReplyDelay, cancellationToken).ConfigureAwait(false);
        }

        if (Interlocked.Decrement(ref dropsLeft) >= 0)
        {
            // Close the socket before answering: the client cannot know whether the message was taken.
            ((IDisposable)context.Pipe).Dispose();
            return SmtpResponse.TransactionFailed;
        }

        if (Interlocked.Decrement(ref transientFailuresLeft) >= 0)
        {
            return new SmtpResponse((SmtpReplyCode)451, "Local error in processing, try again later");
        }

        var bytes = buffer.ToArray();
        using var stream = new MemoryStream(bytes);
        var message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        Messages.Enqueue(new ReceivedMessage(
            context.SessionId.ToString(),
            transaction.From.AsAddress(),
            [.. transaction.To.Select(static m => m.AsAddress())],
            message,
            bytes));
        return SmtpResponse.Ok;
    }
}
