using System.Runtime.InteropServices;

namespace BulkInvite.History;

/// <summary>
/// One entry as <see cref="InMemoryInviteHistoryStore"/> keeps it: its fixed parts, and those an update changes. The
/// address is kept in the list's text blocks (<see cref="AddressAt"/>), not as a string of its own: a million strings
/// that live as long as the import would otherwise be copied by every collection of the younger generations.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct StoredEntry
{
    public long Sequence;
    public long Line;
    public long AddressAt;
    public int AddressLength;
    public string? LongAddress;
    public long? DuplicateOfLine;
    public string? DisplayName;
    public IReadOnlyDictionary<string, string>? Fields;
    public InviteOutcome Outcome;
    public string? Reason;
    public string? Detail;
    public int? StatusCode;
    public DateTimeOffset UpdatedAt;
}
