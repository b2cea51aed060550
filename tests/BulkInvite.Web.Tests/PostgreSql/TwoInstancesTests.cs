using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using BulkInvite.PostgreSql.Tests;
using BulkInvite.Smtp.Tests.Transport;

namespace BulkInvite.Web.Tests.PostgreSql;

/// <summary>
/// Two instances of the sample on two ports (<c>Sample:Store=PostgreSql</c>) against one PostgreSQL database and one
/// SMTP server, as behind a load balancer: each shows the other's imports and their live status, and one runs what the
/// other queued.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TwoInstancesTests
{
    private static readonly string[] Variables = ["Sample__Store", "Sample__Sender", "BulkInvite__Smtp__Host", "BulkInvite__Smtp__Port", "BulkInvite__Smtp__Security"];

    [Test]
    public async Task An_import_uploaded_on_one_instance_is_run_by_the_other_and_both_show_it_live()
    {
        // Each message takes a while to be accepted, so that the import is seen running.
        await using var smtp = await TestSmtpServer.StartAsync(new TestSmtpServerOptions { ReplyDelay = TimeSpan.FromMilliseconds(15) });
        var database = await PostgresServer.Current.CreateDatabaseAsync();
        var keyFile = Path.Combine(Path.GetTempPath(), "bulkinvite-web-key-" + Guid.NewGuid().ToString("N"));
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            // Operators configure the instances alike through their environment; each has its own name and port.
            Environment.SetEnvironmentVariable("Sample__Store", "PostgreSql");
            Environment.SetEnvironmentVariable("Sample__Sender", "Smtp");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Host", "127.0.0.1");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Security", "None");
            await using var web1 = new SampleFactory(kestrel: true, settings: Settings(database, keyFile, "web-1", workers: 0));
            await using var web2 = new SampleFactory(kestrel: true, settings: Settings(database, keyFile, "web-2", workers: 1));
            using var alice1 = await SampleClient.SignInAsync(web1, "alice");
            using var alice2 = await SampleClient.SignInAsync(web2, "alice");
            using var bob2 = await SampleClient.SignInAsync(web2, "bob");

            // 300 lines, every tenth invalid: 270 people to invite.
            var importId = await alice1.UploadOkAsync("team.txt", SampleFiles.Numbered(300));
            var seenOnWeb1 = new ConcurrentBag<(string Status, string? RunningOn, long Invited)>();
            JsonElement ended;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
            {
                while (true)
                {
                    var status = await alice1.StatusAsync(importId);
                    seenOnWeb1.Add((status.GetProperty("status").GetString()!, status.GetProperty("runningOn").GetString(), status.GetProperty("counts").GetProperty("invited").GetInt64()));
                    if (status.GetProperty("finished").GetBoolean())
                    {
                        ended = status;
                        break;
                    }

                    await Task.Delay(25, timeout.Token);
                }
            }

            var onWeb2 = await alice2.WaitUntilFinishedAsync(importId);
            var running = seenOnWeb1.Where(s => s.Status == "Running").ToArray();
            await TestContext.Out.WriteLineAsync($"seen on web-1 while it ran: {string.Join(", ", seenOnWeb1.Reverse().Select(s => $"{s.Status}/{s.RunningOn}/{s.Invited}").Distinct())}");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(ended.GetProperty("status").GetString(), Is.EqualTo("Completed"));
                Assert.That(ended.GetProperty("counts").GetProperty("invited").GetInt64(), Is.EqualTo(270));
                Assert.That(onWeb2.GetProperty("counts").GetProperty("invited").GetInt64(), Is.EqualTo(270), "the other instance shows the same import");
                Assert.That(running, Is.Not.Empty, "the instance that queued it saw it running on the other");
                Assert.That(running.Select(s => s.RunningOn), Has.Some.EqualTo("web-2"));
                Assert.That(running.Select(s => s.Invited), Has.Some.InRange(1, 269), "with its counts moving while it ran");
                Assert.That(smtp.Store.Messages.SelectMany(m => m.Recipients).Distinct().Count(), Is.EqualTo(270));
                Assert.That(smtp.Store.Messages.Count, Is.EqualTo(270), "each person invited once");
                Assert.That(await alice2.GetPageAsync("/History"), Does.Contain("team.txt"), "the history of either instance lists it");
                Assert.That(await alice1.GetPageAsync("/History"), Does.Contain("team.txt"));
                Assert.That(await bob2.GetPageAsync("/History"), Does.Not.Contain("team.txt"), "another tenant sees none of it");
            }
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            File.Delete(keyFile);
        }
    }

    private static Dictionary<string, string?> Settings(string database, string keyFile, string instance, int workers) => new()
    {
        ["ConnectionStrings:BulkInvite"] = database,
        ["Sample:TokenKeyFile"] = keyFile,
        ["BulkInvite:Background:InstanceName"] = instance,
        ["BulkInvite:Background:MaxConcurrentImports"] = workers.ToString(CultureInfo.InvariantCulture),
        ["BulkInvite:Background:PollInterval"] = "00:00:00.100",
        ["BulkInvite:Background:LeaseDuration"] = "00:00:03",
    };
}
