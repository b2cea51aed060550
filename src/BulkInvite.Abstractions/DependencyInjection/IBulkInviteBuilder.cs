using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite;

/// <summary>
/// Configures the BulkInvite SDK after <c>AddBulkInvite</c>; adapters chain their registrations off it. It lives beside
/// the contracts, so that an adapter (a sender, a history store) registers itself without referencing the pipeline.
/// </summary>
/// <remarks>
/// An adapter's <c>Add*</c> method that chooses the implementation of a service follows the SDK's rule: it replaces
/// whatever was registered for that service before (the SDK's default or an earlier call), so the last call wins.
/// </remarks>
public interface IBulkInviteBuilder
{
    /// <summary>The service collection the SDK is registered in.</summary>
    IServiceCollection Services { get; }
}
