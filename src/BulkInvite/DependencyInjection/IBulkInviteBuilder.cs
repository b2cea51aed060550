using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite;

/// <summary>Configures the BulkInvite SDK after <c>AddBulkInvite</c>; adapters chain their registrations off it.</summary>
public interface IBulkInviteBuilder
{
    /// <summary>The service collection the SDK is registered in.</summary>
    IServiceCollection Services { get; }
}
