using System.Numerics;

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
        NotNegative(query.Offset, nameof(query.Offset));
        PositiveLimit(query.Limit);
    }

    public static void CheckQuery(EntryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        NotNegative(query.AfterSequence, nameof(query.AfterSequence));
        NotNegative(query.LastSequence, nameof(query.LastSequence));
        PositiveLimit(query.Limit);
    }

    /// <summary>A query's member that must not be negative; the error names the query and the member.</summary>
    private static void NotNegative<T>(T value, string member)
        where T : INumber<T>
    {
        if (T.IsNegative(value))
        {
            throw new ArgumentOutOfRangeException("query", value, $"The query's {member} must not be negative.");
        }
    }

    private static void PositiveLimit(int limit)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException("query", limit, "The query's Limit must be at least 1.");
        }
    }
}
