using System.Runtime.InteropServices;

namespace BulkInvite.History;

/// <summary>
/// One entry as <see cref="InMemoryInviteHistoryStore"/> keeps it: values only, 64 bytes. Its address is in the list's
/// blocks of text, its reason in the list's table of reasons, and what most entries lack (a detail, a display name,
/// fields, a very long address) in the list's side table: a chunk of entries holds no reference, so the garbage
/// collector neither traces nor marks it, and storing an entry is a plain copy.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StoredEntry
{
    public long Sequence;
    public long Line;

    /// <summary>The first line of the address, when <see cref="StoredEntryFlags.DuplicateOfLine"/> is set.</summary>
    public long DuplicateOfLine;

    /// <summary><see cref="DateTimeOffset.Ticks"/> of the last change.</summary>
    public long UpdatedTicks;

    /// <summary>Where the address starts in the text blocks (block &lt;&lt; 16 | offset), or its slot in the side table when <see cref="StoredEntryFlags.LongAddress"/> is set.</summary>
    public long AddressAt;

    public int AddressLength;

    /// <summary>The SMTP status code, when <see cref="StoredEntryFlags.StatusCode"/> is set.</summary>
    public int StatusCode;

    /// <summary>1 + the index of the reason in the list's reasons; 0 for none.</summary>
    public int Reason;

    /// <summary>The detail's slot in the side table; 0 for none.</summary>
    public int Detail;

    /// <summary>The slot of the display name and fields in the side table; 0 for none.</summary>
    public int Extra;

    /// <summary><see cref="DateTimeOffset.Offset"/> of the last change, in minutes.</summary>
    public short OffsetMinutes;

    public StoredEntryFlags Flags;

    private byte _outcome;

    public InviteOutcome Outcome
    {
        readonly get => (InviteOutcome)_outcome;
        set => _outcome = (byte)value;
    }
}

/// <summary>Which of the optional values a <see cref="StoredEntry"/> holds.</summary>
[Flags]
internal enum StoredEntryFlags : byte
{
    None = 0,
    DuplicateOfLine = 1,
    StatusCode = 2,
    LongAddress = 4,
}
