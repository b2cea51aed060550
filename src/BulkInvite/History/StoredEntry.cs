using System.Runtime.InteropServices;

namespace BulkInvite.History;

/// <summary>One entry as <see cref="InMemoryInviteHistoryStore"/> keeps it: its fixed parts, and those an update changes.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct StoredEntry(InviteEntryResult entry)
{
    public readonly long Sequence = entry.Sequence;
    public readonly long Line = entry.Line;
    public readonly string Address = entry.Address;
    public readonly long? DuplicateOfLine = entry.DuplicateOfLine;
    public readonly string? DisplayName = entry.DisplayName;
    public readonly IReadOnlyDictionary<string, string>? Fields = entry.Fields;
    public InviteOutcome Outcome = entry.Outcome;
    public string? Reason = entry.Reason;
    public string? Detail = entry.Detail;
    public int? StatusCode = entry.StatusCode;
    public DateTimeOffset UpdatedAt = entry.UpdatedAt;

    public readonly InviteEntryResult ToResult() => new()
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
    };
}
