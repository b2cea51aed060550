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
}
