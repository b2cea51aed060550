namespace BulkInvite;

/// <summary>What <see cref="IBulkInviteService.ImportAsync"/> does with a file.</summary>
public enum ImportMode
{
    /// <summary>
    /// Stage every entry (nothing is sent until the whole file is classified), check the staged addresses against the
    /// host's user directory, then send one invitation per new address.
    /// </summary>
    Send = 0,

    /// <summary>
    /// Classify and store every entry, including the user-directory check, and send nothing: the report's entries that
    /// would be invited are <see cref="InviteOutcome.Pending"/>, and the preview is in the history.
    /// </summary>
    Preview = 1,

    /// <summary>
    /// Count what a preview would find without keeping its entries: every entry is parsed, validated, de-duplicated and
    /// (with a user directory) checked, and only the counts come back. Nothing is stored, nothing is sent, and memory
    /// grows only with the number of unique addresses: the quick answer for a big file.
    /// </summary>
    CountOnly = 2,
}
