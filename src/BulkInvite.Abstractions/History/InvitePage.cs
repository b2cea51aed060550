namespace BulkInvite;

/// <summary>One page of results.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>It has no value equality: two pages are the same page only as the same instance.</remarks>
public sealed class InvitePage<T>
{
    /// <summary>The items of this page.</summary>
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>How many items match the query in all pages (-1 when it was not counted, see <see cref="EntryQuery.IncludeTotalCount"/>).</summary>
    public required long TotalCount { get; init; }

    /// <summary>Whether more items follow this page.</summary>
    public required bool HasMore { get; init; }
}
