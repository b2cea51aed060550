using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Demo;

/// <summary>The sample's user directory: the addresses of each tenant's existing users, from configuration.</summary>
internal sealed class DemoUserDirectory : IUserExistenceCheck
{
    private readonly FrozenDictionary<string, FrozenSet<string>> _members;

    public DemoUserDirectory(IOptions<SampleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _members = options.Value.ExistingUsers.ToFrozenDictionary(
            pair => pair.Key,
            pair => pair.Value.Select(a => a.Trim()).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var members = _members.GetValueOrDefault(query.TenantId);
        var statuses = new UserStatus[query.Addresses.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = members is not null && members.Contains(query.Addresses[i]) ? UserStatus.Member : UserStatus.Unknown;
        }

        return Task.FromResult<IReadOnlyList<UserStatus>>(statuses);
    }
}
