using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BulkInvite.Web.Demo;

/// <summary>
/// The sample's user directory: the addresses of each tenant's users, from configuration, plus the accounts created
/// when invitations are accepted (kept in memory: a restart forgets them, as it forgets sign-in sessions).
/// </summary>
public sealed class DemoUserDirectory : IUserExistenceCheck
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _members = new(StringComparer.Ordinal);

    /// <summary>Starts with the users of the configuration (<c>Sample:ExistingUsers</c>).</summary>
    /// <param name="options">The sample's settings.</param>
    public DemoUserDirectory(IOptions<SampleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (tenant, addresses) in options.Value.ExistingUsers)
        {
            foreach (var address in addresses)
            {
                Add(tenant, address);
            }
        }
    }

    /// <summary>Creates the account of an accepted invitation; <see langword="false"/> when the tenant had it already.</summary>
    public bool Add(string tenantId, string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(address);
        return _members.GetOrAdd(tenantId, _ => new ConcurrentDictionary<string, byte>(StringComparer.OrdinalIgnoreCase)).TryAdd(address.Trim(), 0);
    }

    /// <summary>Whether the tenant has an account with this address.</summary>
    public bool Contains(string tenantId, string address)
        => _members.TryGetValue(tenantId, out var members) && members.ContainsKey(address.Trim());

    /// <inheritdoc/>
    public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var members = _members.GetValueOrDefault(query.TenantId);
        var statuses = new UserStatus[query.Addresses.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = members is not null && members.ContainsKey(query.Addresses[i]) ? UserStatus.Member : UserStatus.Unknown;
        }

        return Task.FromResult<IReadOnlyList<UserStatus>>(statuses);
    }
}
