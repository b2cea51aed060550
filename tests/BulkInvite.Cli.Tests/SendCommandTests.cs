using System.Text.Json;
using MimeKit;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class SendCommandTests
{
    private const string Sample = "alice@example.com\n\"Doe, Jane\" <jane@example.com>; bob@example.com\nALICE@example.com\nnot-an-address\nmember@example.com\n";

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"), "pickup");

    [Test]
    public async Task Send_writes_one_invitation_per_new_address_into_the_pickup_folder()
    {
        var file = CliRunner.TempFile("invitees.txt", Sample);
        var users = CliRunner.TempFile("users.txt", "member@example.com\n");
        var pickup = NewDirectory();

        var result = await CliRunner.RunAsync(string.Empty, "send", file, "--existing-users", users, "--pickup", pickup, "--from", "team@example.com", "--format", "json");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var counts = json.RootElement.GetProperty("counts");
        Assert.That(counts.GetProperty("Invited").GetInt64(), Is.EqualTo(3));
        Assert.That(counts.GetProperty("Pending").GetInt64(), Is.Zero);
        Assert.That(counts.GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1));
        var recipients = Directory.GetFiles(pickup, "*.eml")
            .Select(path => MimeMessage.Load(path))
            .Select(m => ((MailboxAddress)m.To.Single()).Address)
            .Order()
            .ToList();
        Assert.That(recipients, Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "jane@example.com" }));
        Assert.That(MimeMessage.Load(Directory.GetFiles(pickup, "*.eml")[0]).From.Mailboxes.Single().Address, Is.EqualTo("team@example.com"));
    }

    [Test]
    public async Task A_file_over_max_entries_is_refused_by_the_process_sends_nothing_and_leaves_a_report_without_rows()
    {
        var db = Path.Combine(Path.GetDirectoryName(NewDirectory())!, "history.db");
        var file = CliRunner.TempFile("invitees.txt", string.Concat(Enumerable.Range(1, 2000).Select(i => $"user{i}@example.com\n")));
        var pickup = NewDirectory();

        var sent = await CliRunner.RunProcessAsync("send", file, "--max-entries", "1000", "--db", db, "--pickup", pickup, "--format", "json");
        var history = await CliRunner.RunProcessAsync("history", "--db", db, "--format", "json");
        using var historyJson = JsonDocument.Parse(history.Output);
        var import = historyJson.RootElement.GetProperty("imports").EnumerateArray().Single();
        var report = await CliRunner.RunProcessAsync("report", import.GetProperty("importId").GetString()!, "--db", db, "--format", "json");
        using var reportJson = JsonDocument.Parse(report.Output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.ExitCode, Is.Not.Zero);
            Assert.That(sent.Error, Does.Contain("more than 1,000 entries"));
            Assert.That(Directory.Exists(pickup) ? Directory.GetFiles(pickup) : [], Is.Empty, "nothing sent");
            Assert.That(import.GetProperty("status").GetString(), Is.EqualTo("Failed"));
            Assert.That(report.ExitCode, Is.Zero, report.Error);
            Assert.That(reportJson.RootElement.GetProperty("total").GetInt64(), Is.Zero);
            Assert.That(reportJson.RootElement.GetProperty("entries").GetArrayLength(), Is.Zero, "no rows");
        }
    }

    [Test]
    public async Task Send_uses_a_template_folder()
    {
        var file = CliRunner.TempFile("invitees.txt", "\"Jane Doe\" <jane@example.com>\n");
        var templates = Path.GetDirectoryName(CliRunner.TempFile("subject.txt", "Welcome to {{account_name}}"))!;
        File.WriteAllText(Path.Combine(templates, "body.txt"), "Hi {{display_name}}, accept: {{accept_link}}");
        var pickup = NewDirectory();

        var result = await CliRunner.RunAsync(string.Empty, "send", file, "--pickup", pickup, "--template", templates, "--account", "Contoso", "--accept-url", "https://contoso.example/accept", "--format", "json");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var message = MimeMessage.Load(Directory.GetFiles(pickup, "*.eml").Single());
        Assert.That(message.Subject, Is.EqualTo("Welcome to Contoso"));
        Assert.That(message.TextBody, Does.Match("^Hi Jane Doe, accept: https://contoso\\.example/accept\\?token=[A-Za-z0-9_-]{43}\\s*$"));
    }

    [Test]
    public async Task A_template_with_an_unknown_placeholder_is_refused_before_anything_is_sent()
    {
        var file = CliRunner.TempFile("invitees.txt", "jane@example.com\n");
        var templates = Path.GetDirectoryName(CliRunner.TempFile("subject.txt", "Welcome to {{acount}}"))!;
        File.WriteAllText(Path.Combine(templates, "body.txt"), "Hi");
        var pickup = NewDirectory();

        var result = await CliRunner.RunAsync(string.Empty, "send", file, "--pickup", pickup, "--template", templates);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("acount"));
        Assert.That(Directory.Exists(pickup) && Directory.EnumerateFiles(pickup).Any(), Is.False);
    }

    [Test]
    public async Task A_user_without_a_password_in_the_environment_is_refused()
    {
        var file = CliRunner.TempFile("invitees.txt", "jane@example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "send", file, "--smtp", "127.0.0.1:2525", "--user", "me");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("BULKINVITE_SMTP_PASSWORD"));
    }

    [Test]
    public async Task Pickup_and_smtp_together_are_refused()
    {
        var file = CliRunner.TempFile("invitees.txt", "jane@example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "send", file, "--smtp", "127.0.0.1:2525", "--pickup", NewDirectory());

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("not both"));
    }

    [TestCase("mail.example.com", "mail.example.com", 25)]
    [TestCase("127.0.0.1:2525", "127.0.0.1", 2525)]
    public void Server_addresses_are_host_and_optional_port(string value, string host, int port)
    {
        Assert.That(Commands.SenderSwitches.TryParseServer(value, out var h, out var p), Is.True);
        Assert.That((h, p), Is.EqualTo((host, port)));
    }

    [TestCase("host:")]
    [TestCase("host:70000")]
    [TestCase(":25")]
    public void Malformed_server_addresses_are_refused(string value)
    {
        Assert.That(Commands.SenderSwitches.TryParseServer(value, out _, out _), Is.False);
    }
}
