using System.Collections.Concurrent;

namespace BulkInvite.Tests.Support;

/// <summary>A user directory for orchestration tests: members and pending invitations by normalized address.</summary>
internal sealed class FakeUserDirectory : IUserExistenceCheck
{
    public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

    public HashSet<string> PendingInvitations { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<UserExistenceQuery> Queries { get; } = new();

    public Func<UserExistenceQuery, IReadOnlyList<UserStatus>>? Override { get; set; }

    public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
    {
        Queries.Enqueue(query);
        if (Override is not null)
        {
            return Task.FromResult(Override(query));
        }

        IReadOnlyList<UserStatus> statuses = query.Addresses
            .Select(a => Members.Contains(a) ? UserStatus.Member : PendingInvitations.Contains(a) ? UserStatus.PendingInvitation : UserStatus.Unknown)
            .ToArray();
        return Task.FromResult(statuses);
    }
}
