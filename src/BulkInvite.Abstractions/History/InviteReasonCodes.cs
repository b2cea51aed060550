namespace BulkInvite;

/// <summary>
/// The reason codes an entry's outcome carries in <see cref="InviteEntryResult.Reason"/>: stable strings that appear in
/// reports, exports, the stores and the command-line output, and that a host may compare with these constants (or
/// switch on them) to word an outcome its own way.
/// </summary>
/// <remarks>
/// <para>
/// An <see cref="InviteOutcome.Invalid"/> entry's reason is the name of its <see cref="InvalidReason"/> (for example
/// <c>MissingAt</c>; <see cref="Of(InvalidReason)"/> gives it without allocating). Every other reason is one of the
/// constants below. An entry whose outcome needs no explanation (<see cref="InviteOutcome.Pending"/> as staged,
/// <see cref="InviteOutcome.Invited"/>) has none, except as <see cref="InFlightAfterCrash"/> says.
/// </para>
/// <para>
/// The codes are strings rather than an enum so that a store keeps them as they are written, one code set covers
/// the validator's reasons and the pipeline's, and a code added later does not break a reader that does not know it
/// yet. New codes are only ever added; none is renamed.
/// </para>
/// </remarks>
public static class InviteReasonCodes
{
    /// <summary><see cref="InviteOutcome.Duplicate"/>: the address appeared earlier in the file, on <see cref="InviteEntryResult.DuplicateOfLine"/>.</summary>
    public const string DuplicateOfLine = nameof(DuplicateOfLine);

    /// <summary><see cref="InviteOutcome.ExistingUser"/>: the user directory answered <see cref="UserStatus.Member"/>.</summary>
    public const string Member = nameof(UserStatus.Member);

    /// <summary>
    /// <see cref="InviteOutcome.AlreadyInvited"/>: the user directory answered <see cref="UserStatus.PendingInvitation"/>
    /// and the import does not resend pending invitations.
    /// </summary>
    public const string PendingInvitation = nameof(UserStatus.PendingInvitation);

    /// <summary>
    /// <see cref="InviteOutcome.Failed"/>: the sender reported the recipient rejected (<see cref="InvitationSendResult.Failure"/>);
    /// <see cref="InviteEntryResult.StatusCode"/> and <see cref="InviteEntryResult.Detail"/> hold the server's reply.
    /// </summary>
    public const string Rejected = nameof(Rejected);

    /// <summary><see cref="InviteOutcome.Failed"/>: the sender threw an unexpected exception for this entry.</summary>
    public const string SenderError = nameof(SenderError);

    /// <summary>
    /// <see cref="InviteOutcome.Skipped"/>: the import was cancelled before this entry was sent; resuming the import
    /// sends it.
    /// </summary>
    public const string Cancelled = nameof(Cancelled);

    /// <summary><see cref="InviteOutcome.Skipped"/>: the import failed (an unreadable file, a store error) before this entry was sent.</summary>
    public const string ImportFailed = nameof(ImportFailed);

    /// <summary><see cref="InviteOutcome.Skipped"/>: the entry is over the limit of entries per file and the excess is skipped.</summary>
    public const string MaxEntriesExceeded = nameof(MaxEntriesExceeded);

    /// <summary>
    /// The entry was being sent when its import's process stopped, so whether its message left is not known: on
    /// <see cref="InviteOutcome.Unknown"/> (for a person to decide; the detail holds the Message-Id), on
    /// <see cref="InviteOutcome.Pending"/> while a resumed import sends it again, and kept on its final outcome (for
    /// example <see cref="InviteOutcome.Invited"/>), so the report shows who may have two invitations.
    /// </summary>
    public const string InFlightAfterCrash = nameof(InFlightAfterCrash);

    private static readonly string[] InvalidReasonNames = BuildInvalidReasonNames();

    /// <summary>The reason code of an invalid entry: the name of its <see cref="InvalidReason"/>, without allocating.</summary>
    /// <param name="reason">Why the entry is invalid.</param>
    /// <returns>The code, for example <c>MissingAt</c>.</returns>
    public static string Of(InvalidReason reason)
        => (uint)reason < (uint)InvalidReasonNames.Length && InvalidReasonNames[(int)reason] is { } name ? name : reason.ToString();

    private static string[] BuildInvalidReasonNames()
    {
        var values = Enum.GetValues<InvalidReason>();
        var names = new string[values.Max(v => (int)v) + 1];
        foreach (var value in values)
        {
            names[(int)value] = value.ToString();
        }

        return names;
    }
}
