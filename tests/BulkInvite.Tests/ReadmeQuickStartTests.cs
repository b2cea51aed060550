using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Tests;

/// <summary>The README's DI snippet, compiled and run as written there.</summary>
[TestFixture]
public sealed class ReadmeQuickStartTests
{
    [Test]
    public async Task The_readme_registration_builds_and_imports_a_file()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(options =>
            {
                options.MaxEntries = 100_000;
                options.MaxParallelSends = 8;
            })
            .AddUserExistenceCheck<MyUserDirectory>()
            .AddSender<MyInvitationSender>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        await using var scope = provider.CreateAsyncScope();
        var bulkInvite = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();

        var report = await bulkInvite.ImportAsync(new BulkInviteRequest
        {
            Content = new MemoryStream(Encoding.UTF8.GetBytes("new@example.com\nboss@mycompany.com\n")),
            FileName = "upload.txt",
            TenantId = "account-1",
            InitiatedBy = "Admin",
        });

        Assert.That(report.Counts.Invited, Is.EqualTo(1));
        Assert.That(report.Counts.ExistingUser, Is.EqualTo(1));
    }

    private sealed class MyUserDirectory : IUserExistenceCheck
    {
        public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<UserStatus>>(
                query.Addresses.Select(a => a.EndsWith("@mycompany.com", StringComparison.Ordinal) ? UserStatus.Member : UserStatus.Unknown).ToList());
    }

    private sealed class MyInvitationSender : IInvitationSender
    {
        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
            => Task.FromResult(InvitationSendResult.Success());
    }
}
