using System.Collections.Concurrent;

namespace BulkInvite.Tests.Support;

/// <summary>A sender for orchestration tests: records what it is asked to send and answers as told.</summary>
internal sealed class RecordingSender : IInvitationSender
{
    private int _inFlight;
    private int _maxInFlight;

    public ConcurrentQueue<Invitation> Sent { get; } = new();

    /// <summary>Decides the result of each send; accepts everything when null.</summary>
    public Func<Invitation, CancellationToken, Task<InvitationSendResult>>? Behavior { get; set; }

    public int MaxConcurrency => Volatile.Read(ref _maxInFlight);

    public async Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            var result = Behavior is null ? InvitationSendResult.Success() : await Behavior(invitation, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Sent.Enqueue(invitation);
            }

            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
