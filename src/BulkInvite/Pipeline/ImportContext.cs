using BulkInvite.Parsing;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Pipeline;

/// <summary>The services one import runs with.</summary>
internal sealed record ImportContext(
    BulkInviteOptions Options,
    IEmailValidator Validator,
    InviteParserSelector ParserSelector,
    IInviteHistoryStore Store,
    IUserExistenceCheck? ExistenceCheck,
    IInvitationSender? Sender,
    TimeProvider Time,
    ILogger Logger,
    Invitations.InvitationTokens? Tokens = null)
{
    /// <summary>The background worker running the import (<see cref="BulkInviteReport.RunBy"/>), or <see langword="null"/> in its caller's process.</summary>
    public string? RunBy { get; init; }

    /// <summary>
    /// Whether a cancelled run leaves the import running, for the next claim to continue (a background worker that stops
    /// or lost its lease), instead of recording it <see cref="ImportStatus.Cancelled"/> with its unsent entries skipped.
    /// </summary>
    public bool LeaveRunningWhenCancelled { get; init; }

    /// <summary>
    /// Cancelled when the lease the run holds is lost (another claim took the import over, or it was not renewed in
    /// time): a run cancelled by it leaves the import running for the claim that holds it, as
    /// <see cref="LeaveRunningWhenCancelled"/> does, even in its caller's process.
    /// </summary>
    public CancellationToken LeaseLost { get; init; }

    /// <summary>
    /// The part of the import this run sends (a background worker's lease on one part), or <see langword="null"/> when it
    /// runs the whole import. A part's run reads and writes only its range of entries, and never ends the import.
    /// </summary>
    public ImportWorkPart? Part { get; init; }

    /// <summary>
    /// Shares the sending of the import among the background workers: called with the parts of its pending entries once
    /// more are pending than <see cref="SplitSize"/>, it queues them (the run then ends, leaving the import running), or
    /// throws <see cref="ImportLeaseLostException"/>. <see langword="null"/> when the run sends the import itself.
    /// </summary>
    public Func<IReadOnlyList<ImportWorkPart>, CancellationToken, Task>? Split { get; init; }

    /// <summary>The pending entries of one part when the import is split (<see cref="Split"/>).</summary>
    public int SplitSize { get; init; }
}
