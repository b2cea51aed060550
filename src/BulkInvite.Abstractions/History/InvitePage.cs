namespace BulkInvite;

/// <summary>One page of results.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="TotalCount">How many items match the query in all pages.</param>
/// <param name="HasMore">Whether more items follow this page.</param>
public sealed record InvitePage<T>(IReadOnlyList<T> Items, long TotalCount, bool HasMore);
