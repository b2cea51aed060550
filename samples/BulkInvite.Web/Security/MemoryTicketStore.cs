using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace BulkInvite.Web.Security;

/// <summary>
/// Sign-in sessions kept on the server: the cookie carries only a random key, and signing out removes the session, so
/// that a copy of the cookie taken before no longer signs anyone in. Sessions live in memory until they expire (a
/// restart signs everybody out); a farm of servers would keep them in a shared store instead.
/// </summary>
internal sealed class MemoryTicketStore : ITicketStore, IDisposable
{
    private readonly MemoryCache _sessions = new(new MemoryCacheOptions());

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Keep(key, ticket);
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // A session that was removed (signed out) is not brought back by a request that was already under way.
        if (_sessions.TryGetValue(key, out _))
        {
            Keep(key, ticket);
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
        => Task.FromResult(_sessions.TryGetValue(key, out AuthenticationTicket? ticket) ? ticket : null);

    public Task RemoveAsync(string key)
    {
        _sessions.Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose() => _sessions.Dispose();

    private void Keep(string key, AuthenticationTicket ticket)
    {
        var entry = new MemoryCacheEntryOptions();
        if (ticket.Properties.ExpiresUtc is { } expires)
        {
            entry.AbsoluteExpiration = expires;
        }
        else
        {
            entry.SlidingExpiration = new CookieAuthenticationOptions().ExpireTimeSpan;
        }

        _sessions.Set(key, ticket, entry);
    }
}
