namespace BulkInvite;

/// <summary>One entry of an import and its outcome: a row of the report.</summary>
public sealed class InviteEntryResult
{
    /// <summary>The entry's 1-based position in the file (unique per import; several entries can share a line).</summary>
    public required long Sequence { get; init; }

    /// <summary>The 1-based line on which the entry starts.</summary>
    public required long Line { get; init; }

    /// <summary>The address as read from the file (trimmed, display name removed).</summary>
    public required string Address { get; init; }

    /// <summary>The entry's outcome.</summary>
    public required InviteOutcome Outcome { get; init; }

    /// <summary>
    /// A stable reason code, or <see langword="null"/> when the outcome needs none: the <see cref="InvalidReason"/> name
    /// for invalid entries (<see cref="InviteReasonCodes.Of(InvalidReason)"/>), otherwise one of the
    /// <see cref="InviteReasonCodes"/> constants (for example <see cref="InviteReasonCodes.DuplicateOfLine"/>).
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation (for example the mail server's reply), if any.</summary>
    public string? Detail { get; init; }

    /// <summary>For duplicates: the line of the first occurrence.</summary>
    public long? DuplicateOfLine { get; init; }

    /// <summary>The mail server's status code, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The display name given with the address, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Per-recipient fields from the file, if any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>When the outcome was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The invitation this entry sent and where it stands, when the entries were read with their invitations
    /// (<see cref="EntryQuery.InvitationsAsOf"/>, which <see cref="IBulkInviteHistory"/> always sets); <see langword="null"/> for an
    /// entry that sent none.
    /// </summary>
    public EntryInvitation? Invitation { get; init; }

    /// <summary>A copy of this entry with another invitation (what a store reads from its ledger after the entries).</summary>
    /// <param name="invitation">The invitation, or <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public InviteEntryResult WithInvitation(EntryInvitation? invitation) => new()
    {
        Sequence = Sequence,
        Line = Line,
        Address = Address,
        Outcome = Outcome,
        Reason = Reason,
        Detail = Detail,
        DuplicateOfLine = DuplicateOfLine,
        StatusCode = StatusCode,
        DisplayName = DisplayName,
        Fields = Fields,
        UpdatedAt = UpdatedAt,
        Invitation = invitation,
    };
}
