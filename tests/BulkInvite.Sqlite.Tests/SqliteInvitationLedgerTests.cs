using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Sqlite.Tests;

/// <summary>
/// Invitations sent through the pipeline into a real database file: what a copy of the file gives, and what several
/// hosts on one file do at the same time.
/// </summary>
[TestFixture]
public sealed class SqliteInvitationLedgerTests
{
    private static readonly InvitationTokenKey Key = new() { Id = "k1", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private static ServiceProvider Build(string path, InvitationTokenKey key, IInvitationSender sender)
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o => o.InvitationTokenKeys.Add(key))
            .WithoutUserExistenceCheck()
            .AddSender(sender)
            .AddSqliteHistoryStore(o => o.DatabasePath = path);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    /// <summary>Imports 30 addresses into the file and returns the tokens their emails carried.</summary>
    private static async Task<List<string>> SendAsync(string path)
    {
        var sender = new CapturingSender();
        await using (var provider = Build(path, Key, sender))
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IBulkInviteService>().ImportAsync(new BulkInviteRequest
            {
                Content = new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 30).Select(i => $"user{i}@example.com\n")))),
                FileName = "invitees.txt",
                TenantId = "tenant-a",
                InitiatedBy = "admin",
            });
        }

        return sender.Tokens.ToList();
    }

    [Test]
    public async Task A_copy_of_the_database_holds_no_token_and_gives_no_working_link_without_the_key()
    {
        var path = _folder.File();
        var tokens = await SendAsync(path);
        var copy = _folder.File("copy.db");
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" }.Where(s => File.Exists(path + s)))
        {
            File.Copy(path + suffix, copy + suffix);
        }

        var bytes = new[] { copy, copy + "-wal" }.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        var storedHashes = await ReadTokenHashesAsync(copy);
        var withoutKey = tokens.SelectMany(t => new[]
        {
            SHA256.HashData(Encoding.ASCII.GetBytes(t)),
            SHA256.HashData(Decode(t)),
            HMACSHA256.HashData(new byte[32], Encoding.ASCII.GetBytes(t)),
            Decode(t),
        }).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tokens, Has.Count.EqualTo(30));
            Assert.That(storedHashes, Has.Count.EqualTo(30));
            foreach (var token in tokens)
            {
                Assert.That(bytes.Any(b => b.AsSpan().IndexOf(Encoding.ASCII.GetBytes(token)) >= 0), Is.False, "the token's text is nowhere in the files");
                Assert.That(bytes.Any(b => b.AsSpan().IndexOf(Decode(token)) >= 0), Is.False, "nor its random bytes");
            }

            Assert.That(withoutKey.Any(h => storedHashes.Any(s => s.AsSpan().SequenceEqual(h))), Is.False, "hashing without the key matches no stored hash");
        }

        // The copy, opened by a host with another key (the attacker's), accepts nothing.
        await using (var attacker = Build(copy, new InvitationTokenKey { Id = "k1", Key = Convert.ToBase64String(new byte[32]) }, new CapturingSender()))
        {
            var invitations = attacker.GetRequiredService<IInvitationService>();
            foreach (var token in tokens)
            {
                Assert.That((await invitations.AcceptAsync(token)).Status, Is.EqualTo(InvitationAcceptStatus.Unknown));
            }
        }

        // With the key, the original accepts: the key, kept apart from the database, is all that was missing.
        await using var owner = Build(path, Key, new CapturingSender());
        Assert.That((await owner.GetRequiredService<IInvitationService>().AcceptAsync(tokens[0])).Status, Is.EqualTo(InvitationAcceptStatus.Accepted));
    }

    [Test]
    public async Task Of_twenty_accepts_of_one_token_from_four_hosts_on_one_file_exactly_one_wins()
    {
        var path = _folder.File();
        var token = (await SendAsync(path))[0];
        var hosts = Enumerable.Range(0, 4).Select(_ => Build(path, Key, new CapturingSender())).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await hosts[i % hosts.Count].GetRequiredService<IInvitationService>().AcceptAsync(token);
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(attempts);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(results.Count(r => r.Status == InvitationAcceptStatus.Accepted), Is.EqualTo(1));
                Assert.That(results.Count(r => r.Status == InvitationAcceptStatus.AlreadyUsed), Is.EqualTo(19));
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Two_hosts_on_one_file_importing_overlapping_addresses_at_once_invite_each_address_once()
    {
        var path = _folder.File();
        var senders = new[] { new CapturingSender(), new CapturingSender() };
        var hosts = senders.Select(s => Build(path, Key, s)).ToList();
        try
        {
            static string Lines(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"user{i}@example.com\n"));
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var imports = new[] { Lines(1, 200), Lines(101, 300) }.Select((text, i) => Task.Run(async () =>
            {
                await start.Task;
                await using var scope = hosts[i].CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<IBulkInviteService>().ImportAsync(new BulkInviteRequest
                {
                    Content = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                    FileName = "invitees.txt",
                    TenantId = "tenant-a",
                    InitiatedBy = "admin",
                });
            })).ToArray();
            start.SetResult();
            var reports = await Task.WhenAll(imports);

            var sent = senders.SelectMany(s => s.Addresses).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
            using (Assert.EnterMultipleScope())
            {
                Assert.That(sent, Has.Count.EqualTo(300));
                Assert.That(sent.Values, Is.All.EqualTo(1), "the store's unique index decides, not timing");
                Assert.That(reports.Sum(r => r.Counts.Invited), Is.EqualTo(300));
                Assert.That(reports.Sum(r => r.Counts.AlreadyInvited), Is.EqualTo(100));
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static byte[] Decode(string token) => Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=");

    private static async Task<List<byte[]>> ReadTokenHashesAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash FROM invitations";
        var hashes = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hashes.Add((byte[])reader[0]);
        }

        return hashes;
    }

    private sealed class CapturingSender : IInvitationSender
    {
        public ConcurrentQueue<string> Tokens { get; } = new();

        public ConcurrentQueue<string> Addresses { get; } = new();

        public Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
        {
            Tokens.Enqueue(invitation.AcceptToken!);
            Addresses.Enqueue(invitation.Address);
            return Task.FromResult(InvitationSendResult.Success());
        }
    }
}
