using System.Collections.Concurrent;

namespace BulkInvite.Smtp.Composition;

/// <summary>Released message shells of one composer, at most <see cref="Capacity"/> of them; more are left to the GC.</summary>
internal sealed class InvitationMessageShellPool
{
    /// <summary>More shells than messages in flight at once are never needed; 256 covers the largest pool of senders.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentQueue<InvitationMessageShell> _shells = new();
    private int _count;

    public bool TryRent(out InvitationMessageShell shell)
    {
        if (_shells.TryDequeue(out var rented))
        {
            Interlocked.Decrement(ref _count);
            rented.Take();
            shell = rented;
            return true;
        }

        shell = null!;
        return false;
    }

    public void Return(InvitationMessageShell shell)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return;
        }

        _shells.Enqueue(shell);
    }
}
