using System.Globalization;

namespace BulkInvite.Web.Imports;

/// <summary>
/// What the pages call outcomes, statuses and reasons: words an administrator reads, in place of the SDK's codes (which
/// stay in URLs, in the status JSON's keys and in the CSV report).
/// </summary>
internal static class Wording
{
    public static string Outcome(InviteOutcome outcome) => outcome switch
    {
        InviteOutcome.Invited => "Invited",
        InviteOutcome.Pending => "Not sent yet",
        InviteOutcome.Invalid => "Invalid address",
        InviteOutcome.Duplicate => "Duplicate",
        InviteOutcome.ExistingUser => "Already a user",
        InviteOutcome.AlreadyInvited => "Already invited",
        InviteOutcome.Failed => "Failed",
        InviteOutcome.Skipped => "Skipped",
        InviteOutcome.Sending => "Being sent",
        InviteOutcome.Unknown => "Delivery unknown",
        _ => outcome.ToString(),
    };

    /// <summary>An invitation's state, as an administrator reads it.</summary>
    public static string State(InvitationState state) => state switch
    {
        InvitationState.Pending => "Pending",
        InvitationState.Accepted => "Accepted",
        InvitationState.Expired => "Expired",
        InvitationState.Revoked => "Revoked",
        _ => state.ToString(),
    };

    /// <summary>The states in the order the pages list them.</summary>
    public static IReadOnlyList<InvitationState> States { get; } = [InvitationState.Pending, InvitationState.Accepted, InvitationState.Expired, InvitationState.Revoked];

    /// <summary>
    /// When an entry's invitation got where it stands, after its state on the report: "expires …" for a pending one,
    /// "accepted …", "expired …", "revoked …" for the others.
    /// </summary>
    public static string When(EntryInvitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return invitation.State switch
        {
            InvitationState.Pending => $"expires {Time(invitation.ExpiresAt)}",
            InvitationState.Accepted when invitation.AcceptedAt is { } at => $"accepted {Time(at)}",
            InvitationState.Expired => $"expired {Time(invitation.ExpiresAt)}",
            InvitationState.Revoked when invitation.RevokedAt is { } at => $"revoked {Time(at)}",
            _ => string.Empty,
        };
    }

    /// <summary>An instant as the pages show it: <c>2026-12-09 14:05 UTC</c>.</summary>
    public static string Time(DateTimeOffset instant)
        => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>An import's status: an <see cref="ImportStatus"/> name, <c>Queued</c> or <c>Running</c>.</summary>
    public static string Status(string status) => status switch
    {
        nameof(ImportStatus.CompletedWithErrors) => "Completed with errors",
        _ => status,
    };

    public static string Status(ImportStatus status) => Status(status.ToString());

    /// <summary>What a running import is doing: an <see cref="ImportStage"/> name.</summary>
    public static string Stage(string stage) => stage switch
    {
        nameof(ImportStage.Staging) => "Reading the file",
        nameof(ImportStage.CheckingUsers) => "Checking users",
        nameof(ImportStage.Sending) => "Sending",
        nameof(ImportStage.Finished) => "Finishing",
        _ => stage,
    };

    /// <summary>"1 import", "2 imports", "1,000 entries".</summary>
    public static string Count(long count, string one, string many)
        => $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many)}";

    /// <summary>
    /// Why an entry was not invited; empty for an invited one. The sender's detail (a pickup file name, a server's
    /// reply) is not a reason: see <see cref="Detail"/>.
    /// </summary>
    public static string Reason(InviteEntryResult entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Outcome is InviteOutcome.Invited or InviteOutcome.Pending || entry.Reason is not { Length: > 0 } code)
        {
            return string.Empty;
        }

        return code switch
        {
            InviteReasonCodes.DuplicateOfLine => entry.DuplicateOfLine is { } line ? $"Same address as line {line.ToString(CultureInfo.InvariantCulture)}" : "Same address as an earlier line",
            InviteReasonCodes.Member => "Found in the user directory",
            InviteReasonCodes.PendingInvitation => "An earlier invitation is still pending",
            InviteReasonCodes.Rejected => "Rejected by the mail server",
            InviteReasonCodes.SenderError => "The invitation could not be sent",
            InviteReasonCodes.Cancelled => "The import was cancelled before this entry",
            InviteReasonCodes.ImportFailed => "The import stopped with an error",
            InviteReasonCodes.MaxEntriesExceeded => "Over the limit of entries per file",
            InviteReasonCodes.InFlightAfterCrash => "Was being sent when the import stopped: check the mail server's log for its Message-Id",
            _ when IsInvalidReason(code, out var reason) => Invalid(reason),
            _ => code,
        };
    }

    /// <summary>
    /// What the sender or the mail server said about the entry: a status code and a reply or a file name. Empty for
    /// the outcomes decided before sending, whose detail only repeats the reason.
    /// </summary>
    public static string Detail(InviteEntryResult entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Outcome is InviteOutcome.Invalid or InviteOutcome.Duplicate or InviteOutcome.ExistingUser or InviteOutcome.AlreadyInvited)
        {
            return string.Empty;
        }

        var code = entry.StatusCode?.ToString(CultureInfo.InvariantCulture);
        return (code, entry.Detail) switch
        {
            (null, null or "") => string.Empty,
            (null, var detail) => detail,
            (var status, null or "") => status,
            var (status, detail) => $"{status} · {detail}",
        };
    }

    private static bool IsInvalidReason(string code, out InvalidReason reason)
        => Enum.TryParse(code, ignoreCase: false, out reason) && !char.IsAsciiDigit(code[0]) && Enum.IsDefined(reason);

    private static string Invalid(InvalidReason reason) => reason switch
    {
        InvalidReason.Empty => "Empty entry",
        InvalidReason.MissingAt => "No @ in the address",
        InvalidReason.EmptyLocalPart => "Nothing before the @",
        InvalidReason.LocalPartTooLong => "More than 64 characters before the @",
        InvalidReason.InvalidLocalPartCharacter => "A character that is not allowed before the @",
        InvalidReason.LocalPartStartsWithDot => "Starts with a dot",
        InvalidReason.LocalPartEndsWithDot => "A dot right before the @",
        InvalidReason.ConsecutiveDots => "Two dots in a row before the @",
        InvalidReason.QuotedLocalPartNotAllowed => "Quotes before the @ are not accepted",
        InvalidReason.InvalidQuotedLocalPart => "A malformed quoted part before the @",
        InvalidReason.EmptyDomain => "Nothing after the @",
        InvalidReason.DomainTooLong => "A domain of more than 253 characters",
        InvalidReason.EmptyDomainLabel => "An empty part in the domain (two dots, or a dot at its start or end)",
        InvalidReason.DomainLabelTooLong => "A part of the domain longer than 63 characters",
        InvalidReason.InvalidDomainCharacter => "A character that is not allowed in a domain",
        InvalidReason.DomainLabelHyphen => "A part of the domain starts or ends with a hyphen",
        InvalidReason.SingleLabelDomain => "A domain without a dot",
        InvalidReason.NumericTopLevelDomain => "A domain that ends in a number",
        InvalidReason.DomainLiteralNotAllowed => "An IP address in place of a domain is not accepted",
        InvalidReason.InvalidDomainLiteral => "A malformed IP address after the @",
        InvalidReason.AddressTooLong => "An address of more than 254 characters",
        InvalidReason.WhitespaceOrControlCharacter => "A space or control character in the address",
        InvalidReason.NonAsciiNotAllowed => "Characters outside ASCII are not accepted",
        InvalidReason.InvalidInternationalDomain => "An international domain name that is not valid",
        InvalidReason.InvalidEncoding => "Not valid text in the file's encoding",
        InvalidReason.EntryTooLong => "The entry is too long",
        InvalidReason.CommentNotAllowed => "A comment in parentheses",
        InvalidReason.DisplayNameNotAllowed => "A name or angle brackets that do not give one address",
        InvalidReason.MalformedEntry => "An unclosed quote or angle bracket",
        _ => reason.ToString(),
    };
}
