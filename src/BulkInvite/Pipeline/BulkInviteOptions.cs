namespace BulkInvite;

/// <summary>Settings of the bulk-invite pipeline. Bound from configuration and validated at start-up.</summary>
public sealed class BulkInviteOptions
{
    /// <summary>The largest upload accepted, in bytes; a larger file fails the import before anything is sent.</summary>
    /// <value>Default: 256 MiB.</value>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most entries an upload may hold.</summary>
    /// <value>Default: 1,000,000.</value>
    public int MaxEntries { get; set; } = 1_000_000;

    /// <summary>What happens when an upload holds more than <see cref="MaxEntries"/> entries.</summary>
    /// <value>Default: <see cref="OverLimitBehavior.Reject"/>.</value>
    public OverLimitBehavior OverLimitBehavior { get; set; } = OverLimitBehavior.Reject;

    /// <summary>How many addresses one call of <see cref="IUserExistenceCheck.CheckAsync"/> asks about (1 to 10,000).</summary>
    /// <value>Default: 500.</value>
    public int ExistenceCheckBatchSize { get; set; } = 500;

    /// <summary>How many invitations are sent at the same time (1 to 256).</summary>
    /// <value>Default: 4.</value>
    public int MaxParallelSends { get; set; } = 4;

    /// <summary>How many staged entries are written to the history store in one call (1 to 100,000).</summary>
    /// <remarks>
    /// Each call is one transaction of the store: fewer, larger ones cost fewer round trips and commits (a 1 M preview into
    /// PostgreSQL took about a quarter less time with 10,000 than with 1,000). Two batches are held in memory at a time.
    /// </remarks>
    /// <value>Default: 10,000.</value>
    public int StagingBatchSize { get; set; } = 10_000;

    /// <summary>How addresses are compared to find duplicates.</summary>
    /// <remarks>
    /// Duplicates are found by a 64-bit tag of each address's comparison key (random functions per import, so a file
    /// cannot aim at collisions), not by comparing the addresses themselves: two different addresses compared in the
    /// table are taken for one with probability at most 2^-63, and a new address is compared, on average, with fewer
    /// than 13 others (the table is at most 80 % full). A file of n unique addresses therefore has less than about
    /// n · 13 · 2^-63 chance of one false duplicate (an address skipped as <see cref="InviteOutcome.Duplicate"/>): 1.4 · 10^-11 for 10 million
    /// (see docs/architecture.md, "De-duplication by fingerprint").
    /// </remarks>
    /// <value>Default: <see cref="DuplicateComparison.IgnoreCase"/>.</value>
    public DuplicateComparison DuplicateComparison { get; set; } = DuplicateComparison.IgnoreCase;

    /// <summary>The shortest time between two progress reports while an import runs.</summary>
    /// <value>Default: 250 milliseconds.</value>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Allow imports without a registered <see cref="IUserExistenceCheck"/>: every valid address is then invited,
    /// even one that already has an account. Set it through <c>WithoutUserExistenceCheck()</c> on the builder.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowMissingUserExistenceCheck { get; set; }

    /// <summary>
    /// How long an import of the same file content (SHA-256) for the same tenant counts as a repeat that needs
    /// <see cref="BulkInviteRequest.AllowRepeatUpload"/>; <see cref="TimeSpan.Zero"/> turns the check off.
    /// </summary>
    /// <value>Default: 1 day.</value>
    public TimeSpan RepeatUploadWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an import must have recorded no progress before <c>ResumeAsync</c> treats it as interrupted
    /// (an import that is still running elsewhere must not be resumed: its entries would be sent twice).
    /// </summary>
    /// <value>Default: 2 minutes.</value>
    public TimeSpan ResumeAfterInactivity { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// What resuming an import does with the entries that were being sent when its process stopped (at most
    /// <see cref="MaxParallelSends"/>).
    /// </summary>
    /// <value>Default: <see cref="BulkInvite.InFlightAfterCrash.Resend"/>.</value>
    public InFlightAfterCrash InFlightAfterCrash { get; set; } = InFlightAfterCrash.Resend;

    /// <summary>
    /// After an import is cancelled (Ctrl+C, a host's shutdown), how long the sends already in flight may take to finish
    /// and be recorded before they are cancelled too; an entry whose send is cancelled stays
    /// <see cref="InviteOutcome.Sending"/> and is handled by <see cref="InFlightAfterCrash"/> when resumed. Keep it below
    /// the host's shutdown timeout.
    /// </summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an invitation's link accepts it after each send (1 minute to 365 days). Applied on every read: a
    /// pending invitation past its expiry reads as <see cref="InvitationState.Expired"/> before the expiry sweep records it.
    /// </summary>
    /// <value>Default: 7 days.</value>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The keys that hash accept-link tokens (HMAC-SHA256; the store keeps only the hash). The first key hashes every new
    /// token; every key verifies, so an older key listed after the current one keeps its links working while keys are
    /// rotated. Each key is at least 32 bytes, written in base64, with an id that is never reused for another key.
    /// </summary>
    /// <remarks>
    /// With none configured, the in-memory history store (the default) gets a random key of its own, which lives and dies
    /// with the invitations it keeps. A durable store (SQLite, or a host's own) needs a configured key: without one,
    /// start-up fails naming this setting, because a random key would kill every link at the next restart, and a key kept
    /// in the same database as the hashes would give a copy of the database everything it needs.
    /// </remarks>
    /// <value>Default: empty.</value>
    public IList<InvitationTokenKey> InvitationTokenKeys { get; } = [];

    /// <summary>The address rules.</summary>
    public EmailValidationOptions Validation { get; set; } = new();

    /// <summary>The limits of the built-in parsers.</summary>
    public InviteParserOptions Parsing { get; set; } = new();
}
