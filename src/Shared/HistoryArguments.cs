namespace BulkInvite;

/// <summary>
/// The argument checks of the history's reads and of staging: compiled into the pipeline package and every store
/// package, so that <see cref="IBulkInviteHistory"/> and each store refuse the same arguments the same way.
/// </summary>
internal static class HistoryArguments
{
    /// <summary>Checks a batch of entries to stage before any is written: each is there, with an address and a defined outcome.</summary>
    public static void CheckEntries(IReadOnlyList<InviteEntryResult> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry?.Address is null || !Enum.IsDefined(entry.Outcome))
            {
                throw new ArgumentException("Every entry must be given, with its address and one of the outcomes InviteOutcome defines.", nameof(entries));
            }
        }
    }

    public static void CheckQuery(ImportQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Offset, "The query's Offset must not be negative.");
        }

        if (query.Limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "The query's Limit must be at least 1.");
        }
    }

    public static void CheckQuery(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.AfterSequence < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.AfterSequence, "The query's AfterSequence must not be negative.");
        }

        if (query.LastSequence < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.LastSequence, "The query's LastSequence must not be negative.");
        }

        if (query.Limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "The query's Limit must be at least 1.");
        }
    }
}
