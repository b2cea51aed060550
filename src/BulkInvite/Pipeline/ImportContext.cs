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
    Invitations.InvitationTokens? Tokens = null);
