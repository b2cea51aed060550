namespace BulkInvite.Pipeline;

/// <summary>The stable reason codes written into entry results (besides the <see cref="InvalidReason"/> names).</summary>
internal static class ReasonCodes
{
    public const string DuplicateOfLine = nameof(DuplicateOfLine);
    public const string Member = nameof(UserStatus.Member);
    public const string PendingInvitation = nameof(UserStatus.PendingInvitation);
    public const string Rejected = nameof(Rejected);
    public const string SenderError = nameof(SenderError);
    public const string Cancelled = nameof(Cancelled);
    public const string ImportFailed = nameof(ImportFailed);
    public const string MaxEntriesExceeded = nameof(MaxEntriesExceeded);
    public const string InFlightAfterCrash = nameof(InFlightAfterCrash);

    private static readonly string[] InvalidReasonNames = BuildInvalidReasonNames();

    /// <summary>The name of an <see cref="InvalidReason"/>, without allocating.</summary>
    public static string Of(InvalidReason reason)
        => (uint)reason < (uint)InvalidReasonNames.Length ? InvalidReasonNames[(int)reason] : reason.ToString();

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
