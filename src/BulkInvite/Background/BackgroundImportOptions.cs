namespace BulkInvite;

/// <summary>Options of the background import queue (<c>AddBackgroundImports</c>).</summary>
public sealed class BackgroundImportOptions
{
    /// <summary>The folder uploads are copied to until their import has run; created when missing.</summary>
    /// <value>Default: <c>bulkinvite-spool</c> in the system's temporary folder. Give each host process its own.</value>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "bulkinvite-spool");

    /// <summary>How many imports may wait for a worker; one more is refused with <see cref="InviteLimitExceededException"/>.</summary>
    /// <value>Default: 100 (1–100,000).</value>
    public int MaxQueuedImports { get; set; } = 100;

    /// <summary>How many imports run at once.</summary>
    /// <value>Default: 1 (1–64). Each import already sends with <see cref="BulkInviteOptions.MaxParallelSends"/>.</value>
    public int MaxConcurrentImports { get; set; } = 1;

    /// <summary>How many ended imports <see cref="IBulkInviteQueue.GetState"/> still knows; the oldest are forgotten first.</summary>
    /// <value>Default: 10,000 (at least 1). Their reports stay in the history store.</value>
    public int MaxRetainedStates { get; set; } = 10_000;
}
