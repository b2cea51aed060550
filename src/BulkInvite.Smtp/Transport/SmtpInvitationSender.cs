using BulkInvite.Smtp.Composition;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// Sends invitations over a pool of MailKit connections: each connected and authenticated once and reused for many
/// messages, never shared between threads; transient failures retried with backoff; permanent ones returned as results.
/// </summary>
internal sealed class SmtpInvitationSender : IInvitationSender, IAsyncDisposable
{
    public SmtpInvitationSender(SmtpSenderOptions options, IInvitationComposer composer, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
    }

    public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
