namespace BulkInvite;

/// <summary>The host's user directory: tells which addresses already have an account or a pending invitation.</summary>
/// <example>
/// <code>
/// sealed class MyDirectory(MyDb db) : IUserExistenceCheck
/// {
///     public async Task&lt;IReadOnlyList&lt;UserStatus&gt;&gt; CheckAsync(
///         UserExistenceQuery query, CancellationToken cancellationToken = default)
///     {
///         var members = await db.FindMembersAsync(query.TenantId, query.Addresses, cancellationToken);
///         return query.Addresses.Select(a => members.Contains(a) ? UserStatus.Member : UserStatus.Unknown).ToList();
///     }
/// }
/// </code>
/// </example>
public interface IUserExistenceCheck
{
    /// <summary>Looks up a batch of addresses.</summary>
    /// <param name="query">The tenant and the addresses (at most <c>BulkInviteOptions.ExistenceCheckBatchSize</c> of them).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>One status per address, in the order of <see cref="UserExistenceQuery.Addresses"/>.</returns>
    Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default);
}
