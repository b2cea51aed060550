namespace BulkInvite;

/// <summary>What a parser is shown to decide whether it can read a file.</summary>
/// <remarks>
/// It has no value equality: <see cref="Head"/> is a view of a buffer, and two probes of equal content would not
/// compare equal by it.
/// </remarks>
public readonly struct InviteFileProbe
{
    /// <summary>The name of the uploaded file, as the user gave it (may be empty).</summary>
    public required string FileName { get; init; }

    /// <summary>The first bytes of the file (up to a few kilobytes).</summary>
    public required ReadOnlyMemory<byte> Head { get; init; }

    /// <summary>The first bytes decoded as text in the detected encoding, without the byte order mark.</summary>
    public required string Text { get; init; }
}
