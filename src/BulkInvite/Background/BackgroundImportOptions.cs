namespace BulkInvite;

/// <summary>Options of the background imports (<c>AddBackgroundImports</c>): the queue and this instance's worker.</summary>
public sealed class BackgroundImportOptions
{
    /// <summary>How many imports may wait for a worker; one more is refused with <see cref="InviteLimitExceededException"/>.</summary>
    /// <value>Default: 100 (1–100,000). Counted over the whole work store, every instance's uploads together.</value>
    public int MaxQueuedImports { get; set; } = 100;

    /// <summary>How many imports this instance's worker runs at once.</summary>
    /// <value>
    /// Default: 1 (0–64). Each import already sends with <see cref="BulkInviteOptions.MaxParallelSends"/>. 0 runs no worker
    /// here: this instance only queues, and other instances (or <c>bulkinvite worker</c>) run the imports.
    /// </value>
    public int MaxConcurrentImports { get; set; } = 1;

    /// <summary>This instance's name, shown as the owner of the imports it runs (in status, history and reports).</summary>
    /// <value>Default: the machine's name and the process id, as <c>web-1:4711</c>. At most 200 characters.</value>
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// How long a claim on an import holds unless renewed. The worker renews it every third of this while the import runs;
    /// an instance that stops (a crash, a deploy, a pause) has its import taken over this long after its last renewal.
    /// </summary>
    /// <value>Default: 30 seconds (1 second – 1 hour). Instances' clocks must agree to well within it.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for work when the store cannot notify it (PostgreSQL's <c>LISTEN</c> wakes it at once).</summary>
    /// <value>Default: 5 seconds (10 milliseconds – 10 minutes).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times an import is claimed before it is given up: each worker that ran it stopped, crashed or failed
    /// without an answer (the store or the mail server was down). It then ends
    /// <see cref="ImportErrorCode.AttemptsExhausted"/>, for a person to resume.
    /// </summary>
    /// <value>Default: 5 (1–1,000).</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How many pending entries one part of an import holds when its sending is shared: an import with more is split into
    /// parts of this many, in file order, and every worker (of every instance) claims parts, each under a lease of its
    /// own, until all are sent; the import is then ended by the next claim. 0 never splits: one worker sends each import.
    /// </summary>
    /// <value>Default: 5,000 (0, or 100–10,000,000).</value>
    public int PartSize { get; set; } = 5_000;
}
