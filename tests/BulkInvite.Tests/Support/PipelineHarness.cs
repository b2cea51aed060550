using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BulkInvite.Tests.Support;

/// <summary>The real pipeline (parsers, validator, de-duplication, in-memory store) with a fake sender and directory.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    public const string Tenant = "tenant-a";

    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    public PipelineHarness(Action<BulkInviteOptions>? configure = null, bool withDirectory = true, IInviteHistoryStore? store = null, Action<IBulkInviteBuilder>? build = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        var builder = services.AddBulkInvite(o =>
        {
            o.ProgressInterval = TimeSpan.Zero;
            if (store is not null)
            {
                // A store of the test's own needs a configured key, as a durable store does.
                o.InvitationTokenKeys.Add(TestTokenKeys.Current);
            }

            configure?.Invoke(o);
        });
        builder.AddSender(Sender);
        build?.Invoke(builder);
        if (withDirectory)
        {
            builder.AddUserExistenceCheck(_ => Directory);
        }
        else
        {
            builder.WithoutUserExistenceCheck();
        }

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _provider.GetRequiredService<IStartupValidator>().Validate();
        _scope = _provider.CreateAsyncScope();
        Service = _scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
        History = _provider.GetRequiredService<IBulkInviteHistory>();
        Retention = _provider.GetRequiredService<IBulkInviteRetention>();
        Store = _provider.GetRequiredService<IInviteHistoryStore>();
        Invitations = _provider.GetRequiredService<IInvitationService>();
    }

    public IInvitationService Invitations { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public RecordingSender Sender { get; } = new();

    public FakeUserDirectory Directory { get; } = new();

    public IBulkInviteService Service { get; }

    public IBulkInviteHistory History { get; }

    public IBulkInviteRetention Retention { get; }

    public IInviteHistoryStore Store { get; }

    public static BulkInviteRequest Request(string text, string fileName = "invitees.txt", string tenant = Tenant, bool resend = false) => new()
    {
        Content = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        FileName = fileName,
        TenantId = tenant,
        InitiatedBy = "admin@tenant-a",
        ResendPendingInvitations = resend,
    };

    public async Task<IReadOnlyList<InviteEntryResult>> EntriesAsync(BulkInviteReport report, InviteOutcome? outcome = null)
    {
        var page = await History.GetEntriesAsync(report.TenantId, report.ImportId, new EntryQuery { Outcome = outcome, Limit = 100_000 });
        return page.Items;
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
