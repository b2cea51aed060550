using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.DependencyInjection;

internal sealed class BulkInviteBuilder(IServiceCollection services) : IBulkInviteBuilder
{
    public IServiceCollection Services { get; } = services;
}
