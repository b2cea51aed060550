namespace BulkInvite;

/// <summary>One candidate address read from an uploaded file, before validation.</summary>
/// <remarks>
/// Built with an object initializer (<c>new InviteEntry { Line = 3, Address = "jane@example.com" }</c>), so that a
/// member added later breaks no caller. Two entries are equal when every member is; <see cref="Fields"/> is compared by
/// reference.
/// </remarks>
public readonly record struct InviteEntry
{
    /// <summary>The 1-based physical line on which the entry starts.</summary>
    public required long Line { get; init; }

    /// <summary>The candidate address: trimmed, with any display name and angle brackets removed.</summary>
    public required string Address { get; init; }

    /// <summary>
    /// A problem the parser found with the entry itself (for example <see cref="InvalidReason.InvalidEncoding"/> or
    /// <see cref="InvalidReason.EntryTooLong"/>), or <see cref="InvalidReason.None"/>.
    /// </summary>
    public InvalidReason Problem { get; init; }

    /// <summary>The display name given with the address (<c>"Doe, Jane" &lt;jane@example.com&gt;</c>), if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Per-recipient fields (for example the other columns of a CSV row), if any.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }
}
