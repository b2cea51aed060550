namespace BulkInvite.Pipeline;

/// <summary>
/// One entry as <see cref="EntryClassifier"/> classified it, for its consumer (<see cref="IClassifiedEntrySink"/>).
/// Valid only during the call that gives it.
/// </summary>
internal readonly ref struct ClassifiedEntry
{
    /// <summary>The entry's 1-based place in the file.</summary>
    public long Sequence { get; init; }

    /// <summary>The line the entry starts on.</summary>
    public long Line { get; init; }

    /// <summary><see cref="InviteOutcome.Pending"/> (new and valid), <see cref="InviteOutcome.Invalid"/>, <see cref="InviteOutcome.Duplicate"/> or <see cref="InviteOutcome.Skipped"/> (beyond <see cref="BulkInviteOptions.MaxEntries"/>).</summary>
    public InviteOutcome Outcome { get; init; }

    /// <summary>Why an invalid entry is invalid.</summary>
    public InvalidReason Invalid { get; init; }

    /// <summary>For a duplicate, the line of the address's first occurrence (0 when lines are not kept).</summary>
    public long DuplicateOfLine { get; init; }

    /// <summary>The entry as a parser gave it, when it came through <see cref="IInviteEntrySink.Add"/>.</summary>
    public InviteEntry Entry { get; init; }

    /// <summary>The address's UTF-8 bytes, when the entry came through <see cref="IInviteEntrySink.AddAddress"/> (then <see cref="Entry"/> is default).</summary>
    public ReadOnlySpan<byte> Utf8Address { get; init; }

    /// <summary>Whether the entry came as bytes (<see cref="Utf8Address"/>) rather than as an <see cref="Entry"/>.</summary>
    public bool IsUtf8 { get; init; }

    /// <summary>For a new valid address, its comparison key in UTF-8 (<see cref="EmailAddressNormalizer"/>'s text).</summary>
    public ReadOnlySpan<byte> Key { get; init; }

    /// <summary>The address as text: the entry's, or its bytes decoded.</summary>
    public string AddressText() => IsUtf8 ? System.Text.Encoding.UTF8.GetString(Utf8Address) : Entry.Address ?? string.Empty;
}
