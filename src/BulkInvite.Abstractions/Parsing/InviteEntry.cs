namespace BulkInvite;

/// <summary>One candidate address read from an uploaded file, before validation.</summary>
/// <param name="Line">The 1-based physical line on which the entry starts.</param>
/// <param name="Address">The candidate address: trimmed, with any display name and angle brackets removed.</param>
/// <param name="Problem">
/// A problem the parser found with the entry itself (for example <see cref="InvalidReason.InvalidEncoding"/> or
/// <see cref="InvalidReason.EntryTooLong"/>), or <see cref="InvalidReason.None"/>.
/// </param>
/// <param name="DisplayName">The display name given with the address (<c>"Doe, Jane" &lt;jane@example.com&gt;</c>), if any.</param>
/// <param name="Fields">Per-recipient fields (for example the other columns of a CSV row), if any.</param>
public readonly record struct InviteEntry(
    long Line,
    string Address,
    InvalidReason Problem = InvalidReason.None,
    string? DisplayName = null,
    IReadOnlyDictionary<string, string>? Fields = null);
