namespace BulkInvite;

/// <summary>What a parser is shown to decide whether it can read a file.</summary>
/// <param name="FileName">The name of the uploaded file, as the user gave it (may be empty).</param>
/// <param name="Head">The first bytes of the file (up to a few kilobytes).</param>
/// <param name="Text">The first bytes decoded as text in the detected encoding, without the byte order mark.</param>
public readonly record struct InviteFileProbe(string FileName, ReadOnlyMemory<byte> Head, string Text);
