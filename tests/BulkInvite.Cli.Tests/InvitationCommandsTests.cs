using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BulkInvite.Smtp.Tests.Transport;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace BulkInvite.Cli.Tests;

/// <summary>
/// The invitation commands as a user runs them: the tool as a child process, a real SQLite file, and invitations sent
/// through a real SMTP server on 127.0.0.1, whose emails give the links that <c>accept</c> takes.
/// </summary>
[TestFixture]
public sealed partial class InvitationCommandsTests
{
    private const string AcceptUrl = "https://app.example/invitations/accept";

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is ending: the temp folder is cleaned up later.
        }
    }

    private string Database => Path.Combine(_folder, "history.db");

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Link();

    private string InputFile(string content)
    {
        var extension = content.StartsWith("email,", StringComparison.Ordinal) ? "csv" : "txt";
        var path = Path.Combine(_folder, $"invitees-{Guid.NewGuid():N}.{extension}");
        File.WriteAllText(path, content);
        return path;
    }

    private static string[] Smtp(TestSmtpServer server) => ["--smtp", $"127.0.0.1:{server.Port}", "--tls", "none", "--accept-url", AcceptUrl];

    /// <summary>Runs the tool as a child process against the test's database.</summary>
    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunProcessAsync([.. args, "--db", Database]);

    private async Task<string> SendAsync(TestSmtpServer server, string content)
    {
        var sent = await RunAsync(["send", InputFile(content), .. Smtp(server), "--format", "json", "--summary"]);
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);
        using var json = JsonDocument.Parse(sent.Output);
        return json.RootElement.GetProperty("importId").GetString()!;
    }

    /// <summary>The accept links of every email the server received for one address, oldest first (each email's text and HTML parts give the same link).</summary>
    private static List<Uri> LinksTo(TestSmtpServer server, string address) => server.Store.Messages
        .Where(m => m.Recipients.Contains(address))
        .Select(m => Link().Matches(m.Message.TextBody ?? string.Empty).Select(x => new Uri(x.Value)).Single(u => u.AbsoluteUri.StartsWith(AcceptUrl, StringComparison.Ordinal)))
        .ToList();

    private static string TokenOf(Uri link)
    {
        var query = link.Query.TrimStart('?').Split('&');
        Assert.That(query, Has.Length.EqualTo(1), "the token is the link's only parameter");
        Assert.That(query[0], Does.StartWith("token="));
        return Uri.UnescapeDataString(query[0]["token=".Length..]);
    }

    private static string TokenTo(TestSmtpServer server, string address) => TokenOf(LinksTo(server, address)[^1]);

    private async Task<JsonElement[]> ListAsync(params string[] args)
    {
        var listed = await RunAsync(["invitations", "list", .. args, "--format", "json"]);
        Assert.That(listed.ExitCode, Is.Zero, listed.Error);
        using var json = JsonDocument.Parse(listed.Output);
        var items = json.RootElement.GetProperty("invitations").EnumerateArray().Select(e => e.Clone()).ToArray();
        Assert.That(json.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(items.Length));
        return items;
    }

    private async Task<string> InvitationIdOfAsync(string address)
        => (await ListAsync()).Single(i => i.GetProperty("address").GetString() == address).GetProperty("invitationId").GetString()!;

    /// <summary>Runs one SQL statement on the test's database, as another program would, and returns its first column's value.</summary>
    private async Task<object?> SqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private string KeyFile => Database + ".token-key";

    /// <summary>The id the tool gives a key of its key file: made from the key's own hash.</summary>
    private static string KeyIdOf(string key) => "file-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(key)), 0, 4);

    [Test]
    public async Task A_link_from_a_received_email_is_accepted_once_as_JSON_and_then_refused_as_already_used()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "email,role,groups\nJane Doe <jane@example.com>,admin,ops;dev\nbob@example.com,member,\n");
        var link = LinksTo(server, "jane@example.com").Single();
        var token = TokenOf(link);

        var accepted = await RunAsync("accept", token);
        var again = await RunAsync("accept", token);

        Assert.That(link.GetLeftPart(UriPartial.Path), Is.EqualTo(AcceptUrl));
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]{43}$"));
        Assert.That(accepted.ExitCode, Is.Zero, accepted.Error);
        using var json = JsonDocument.Parse(accepted.Output);
        var invitation = json.RootElement.GetProperty("invitation");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Accepted"));
            Assert.That(invitation.GetProperty("tenant").GetString(), Is.EqualTo("cli"));
            Assert.That(invitation.GetProperty("address").GetString(), Is.EqualTo("jane@example.com"));
            Assert.That(invitation.GetProperty("displayName").GetString(), Is.EqualTo("Jane Doe"));
            Assert.That(invitation.GetProperty("fields").GetProperty("role").GetString(), Is.EqualTo("admin"));
            Assert.That(invitation.GetProperty("fields").GetProperty("groups").GetString(), Is.EqualTo("ops;dev"));
            Assert.That(invitation.GetProperty("state").GetString(), Is.EqualTo("Accepted"));
            Assert.That(again.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(again.Error, Does.Contain("already used"));
            Assert.That(again.Text, Does.Contain("\"AlreadyUsed\"").And.Not.Contain("jane"), "a refusal says nothing about the invitation");
            Assert.That(accepted.Text + accepted.Error + again.Text + again.Error, Does.Not.Contain(token), "the token is never printed");
        }
    }

    [Test]
    public async Task A_token_read_from_standard_input_is_accepted()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");

        var accepted = await CliRunner.RunProcessAsync(Encoding.UTF8.GetBytes(TokenTo(server, "jane@example.com") + "\n"), "accept", "-", "--db", Database);

        Assert.That(accepted.ExitCode, Is.Zero, accepted.Error);
        Assert.That(accepted.Text, Does.Contain("\"Accepted\""));
    }

    [Test]
    public async Task A_revoked_invitation_is_refused_as_revoked()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\nbob@example.com\n");
        var id = await InvitationIdOfAsync("jane@example.com");

        var revoked = await RunAsync("invitations", "revoke", id, "--format", "json");
        var accepted = await RunAsync("accept", TokenTo(server, "jane@example.com"));
        var revokedAgain = await RunAsync("invitations", "revoke", id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked.ExitCode, Is.Zero, revoked.Error);
            Assert.That(revoked.Text, Does.Contain("\"revoked\": 1"));
            Assert.That(accepted.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(accepted.Error, Does.Contain("revoked"));
            Assert.That(revokedAgain.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(revokedAgain.Error, Does.Contain("is Revoked"));
        }

        Assert.That((await RunAsync("accept", TokenTo(server, "bob@example.com"))).ExitCode, Is.Zero, "the other invitation of the import is untouched");
    }

    [Test]
    public async Task A_resend_kills_the_old_link_and_the_new_one_is_accepted()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var id = await InvitationIdOfAsync("jane@example.com");
        var old = TokenTo(server, "jane@example.com");

        var resent = await RunAsync(["invitations", "resend", id, .. Smtp(server), "--format", "json"]);
        var links = LinksTo(server, "jane@example.com");
        var oldAccepted = await RunAsync("accept", old);
        var newAccepted = await RunAsync("accept", TokenOf(links[^1]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resent.ExitCode, Is.Zero, resent.Error);
            Assert.That(resent.Text, Does.Contain("\"Sent\"").And.Contain("\"sendCount\": 2"));
            Assert.That(links, Has.Count.EqualTo(2));
            Assert.That(TokenOf(links[^1]), Is.Not.EqualTo(old));
            Assert.That(oldAccepted.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(oldAccepted.Error, Does.Contain("unknown"));
            Assert.That(newAccepted.ExitCode, Is.Zero, newAccepted.Error);
        }
    }

    [Test]
    public async Task An_expired_invitation_is_refused_as_expired_listed_as_expired_and_opened_again_by_a_resend()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var id = await InvitationIdOfAsync("jane@example.com");
        var old = TokenTo(server, "jane@example.com");
        // Its lifetime passed: the expiry moved back to the moment it was sent.
        await using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE invitations SET expires_at = created_at";
            Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var accepted = await RunAsync("accept", old);
        var expired = await ListAsync("--state", "Expired");
        var pending = await ListAsync("--state", "Pending");
        var revoked = await RunAsync("invitations", "revoke", id);
        var resent = await RunAsync(["invitations", "resend", id, .. Smtp(server)]);
        var reopened = await RunAsync("accept", TokenTo(server, "jane@example.com"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(accepted.Error, Does.Contain("expired"));
            Assert.That(accepted.Text, Does.Contain("\"Expired\""));
            Assert.That(expired.Select(i => i.GetProperty("invitationId").GetString()), Is.EqualTo(new[] { id }));
            Assert.That(pending, Is.Empty);
            Assert.That(revoked.ExitCode, Is.EqualTo(CliApp.ExitError), "only a pending invitation can be revoked");
            Assert.That(revoked.Error, Does.Contain("is Expired"));
            Assert.That(resent.ExitCode, Is.Zero, resent.Error);
            Assert.That(LinksTo(server, "jane@example.com"), Has.Count.EqualTo(2));
            Assert.That(reopened.ExitCode, Is.Zero, reopened.Error);
        }
    }

    [Test]
    public async Task A_later_send_reports_a_pending_address_AlreadyInvited_unless_resend_pending_which_kills_the_old_link()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var first = TokenTo(server, "jane@example.com");

        async Task<JsonDocument> SendAgainAsync(params string[] switches)
        {
            var sent = await RunAsync(["send", InputFile("jane@example.com\n"), .. Smtp(server), "--allow-repeat", .. switches, "--format", "json", "--summary"]);
            Assert.That(sent.ExitCode, Is.Zero, sent.Error);
            return JsonDocument.Parse(sent.Output);
        }

        using var again = await SendAgainAsync();
        var messagesAfterAgain = LinksTo(server, "jane@example.com").Count;
        using var resent = await SendAgainAsync("--resend-pending");
        var oldAccepted = await RunAsync("accept", first);
        var newAccepted = await RunAsync("accept", TokenTo(server, "jane@example.com"));
        using var afterAccept = await SendAgainAsync("--resend-pending");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.RootElement.GetProperty("counts").GetProperty("AlreadyInvited").GetInt64(), Is.EqualTo(1));
            Assert.That(messagesAfterAgain, Is.EqualTo(1), "nothing sent to a pending address");
            Assert.That(resent.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(1));
            Assert.That(oldAccepted.ExitCode, Is.EqualTo(CliApp.ExitError), "the link of the replaced invitation is dead");
            Assert.That(newAccepted.ExitCode, Is.Zero, newAccepted.Error);
            Assert.That(afterAccept.RootElement.GetProperty("counts").GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1), "an accepted invitation is a member");
            Assert.That(LinksTo(server, "jane@example.com"), Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task Resend_and_revoke_of_an_import_act_on_its_open_invitations_only_and_list_filters_by_state()
    {
        await using var server = await TestSmtpServer.StartAsync();
        var import = await SendAsync(server, "a@example.com\nb@example.com\nc@example.com\n");
        var other = await SendAsync(server, "d@example.com\n");
        Assert.That((await RunAsync("accept", TokenTo(server, "a@example.com"))).ExitCode, Is.Zero);

        var resent = await RunAsync(["invitations", "resend", "--import", import, .. Smtp(server), "--format", "json"]);
        var revoked = await RunAsync("invitations", "revoke", "--import", import, "--format", "json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resent.ExitCode, Is.Zero, resent.Error);
            Assert.That(resent.Text, Does.Contain("\"resent\": 2"));
            Assert.That(LinksTo(server, "a@example.com"), Has.Count.EqualTo(1), "an accepted invitation is not sent again");
            Assert.That(LinksTo(server, "b@example.com"), Has.Count.EqualTo(2));
            Assert.That(revoked.ExitCode, Is.Zero, revoked.Error);
            Assert.That(revoked.Text, Does.Contain("\"revoked\": 2"));
            Assert.That((await ListAsync("--state", "Accepted")).Select(i => i.GetProperty("address").GetString()), Is.EqualTo(new[] { "a@example.com" }));
            Assert.That((await ListAsync("--state", "Revoked")).Select(i => i.GetProperty("address").GetString()), Is.EquivalentTo(new[] { "b@example.com", "c@example.com" }));
            Assert.That((await ListAsync("--state", "Pending")).Select(i => i.GetProperty("address").GetString()), Is.EqualTo(new[] { "d@example.com" }));
            Assert.That((await ListAsync("--state", "Expired")), Is.Empty);
            Assert.That((await ListAsync("--import", other)).Select(i => i.GetProperty("importId").GetString()), Is.EqualTo(new[] { other }));
            Assert.That(await ListAsync("--tenant", "another"), Is.Empty, "another tenant's invitations are its own");
        }
    }

    [Test]
    public async Task Report_and_history_show_each_invitations_state_and_a_preview_finds_them()
    {
        await using var server = await TestSmtpServer.StartAsync();
        var import = await SendAsync(server, "a@example.com\nb@example.com\nc@example.com\n");
        Assert.That((await RunAsync("accept", TokenTo(server, "a@example.com"))).ExitCode, Is.Zero);
        Assert.That((await RunAsync("invitations", "revoke", await InvitationIdOfAsync("b@example.com"))).ExitCode, Is.Zero);

        var report = await RunAsync("report", import, "--format", "json");
        var table = await RunAsync("report", import, "--format", "table");
        var history = await RunAsync("history", "--format", "json");
        var historyTable = await RunAsync("history", "--format", "table");
        var preview = await RunAsync("preview", InputFile("a@example.com\nc@example.com\nd@example.com\n"), "--format", "json", "--summary");

        Assert.That(report.ExitCode, Is.Zero, report.Error);
        using var reportJson = JsonDocument.Parse(report.Output);
        using var historyJson = JsonDocument.Parse(history.Output);
        using var previewJson = JsonDocument.Parse(preview.Output);
        var counts = reportJson.RootElement.GetProperty("invitations");
        var imported = historyJson.RootElement.GetProperty("imports").EnumerateArray().Single(i => i.GetProperty("importId").GetString() == import);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                (counts.GetProperty("Pending").GetInt64(), counts.GetProperty("Accepted").GetInt64(), counts.GetProperty("Revoked").GetInt64(), counts.GetProperty("Expired").GetInt64()),
                Is.EqualTo((1L, 1L, 1L, 0L)));
            Assert.That(
                reportJson.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("invitation").GetProperty("state").GetString()),
                Is.EqualTo(new[] { "Accepted", "Revoked", "Pending" }));
            Assert.That(imported.GetProperty("invitations").GetProperty("Accepted").GetInt64(), Is.EqualTo(1));
            Assert.That(table.Text, Does.Match(@"(?m)^Accepted\s+1$").And.Match(@"a@example\.com\s+Invited\s+Accepted"));
            Assert.That(historyTable.Text, Does.Contain("Accepted").And.Contain("Revoked"));
            Assert.That(preview.ExitCode, Is.Zero, preview.Error);
            Assert.That(previewJson.RootElement.GetProperty("counts").GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1), "an accepted invitation makes a member");
            Assert.That(previewJson.RootElement.GetProperty("counts").GetProperty("AlreadyInvited").GetInt64(), Is.EqualTo(1), "a pending one is already invited");
            Assert.That(previewJson.RootElement.GetProperty("counts").GetProperty("Pending").GetInt64(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task List_pages_through_every_invitation_oldest_first_as_json_and_as_a_table()
    {
        const int Count = Commands.InvitationsListCommand.PageSize + 20;
        var pickup = Path.Combine(_folder, "pickup");
        var file = InputFile(string.Concat(Enumerable.Range(1, Count).Select(i => $"user{i}@example.com\n")));
        var sent = await RunAsync("send", file, "--pickup", pickup, "--accept-url", AcceptUrl, "--summary", "--format", "json");
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);
        var token = TokenOf(Link().Matches(MimeMessage.Load(Directory.GetFiles(pickup).Order().First()).TextBody ?? string.Empty).Select(m => new Uri(m.Value)).First(u => u.AbsoluteUri.StartsWith(AcceptUrl, StringComparison.Ordinal)));
        Assert.That((await RunAsync("accept", token)).ExitCode, Is.Zero);

        var all = await ListAsync();
        var pending = await ListAsync("--state", "Pending");
        var table = await RunAsync("invitations", "list", "--format", "table");

        var ids = all.Select(i => Guid.Parse(i.GetProperty("invitationId").GetString()!)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids, Has.Count.EqualTo(Count));
            Assert.That(ids, Is.Unique);
            Assert.That(ids.Select(i => i.ToString()), Is.Ordered.Using<string>(StringComparer.Ordinal), "oldest (smallest id) first");
            Assert.That(all.Select(i => i.GetProperty("address").GetString()).Distinct().Count(), Is.EqualTo(Count));
            Assert.That(pending, Has.Length.EqualTo(Count - 1));
            Assert.That(table.ExitCode, Is.Zero, table.Error);
            Assert.That(table.Lines, Has.Length.EqualTo(Count + 2), "a header, one line per invitation, the count");
            Assert.That(table.Lines[^1], Is.EqualTo($"{Count} invitation(s)."));
            Assert.That(table.Lines.Count(l => l.Contains(" Accepted ", StringComparison.Ordinal)), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Resume_sends_links_whose_only_parameter_is_the_token_and_each_is_accepted()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var file = InputFile("a@example.com\nb@example.com\nc@example.com\n");

        var failed = await RunAsync("send", file, "--smtp", $"127.0.0.1:{closedPort}", "--tls", "none", "--accept-url", AcceptUrl, "--format", "json", "--summary");
        Assert.That(failed.ExitCode, Is.EqualTo(CliApp.ExitError), "the mail server is down");
        using var history = JsonDocument.Parse((await RunAsync("history", "--format", "json")).Output);
        var import = history.RootElement.GetProperty("imports")[0].GetProperty("importId").GetString()!;
        await using var server = await TestSmtpServer.StartAsync();
        var resumed = await RunAsync(["resume", import, .. Smtp(server), "--force", "--format", "json", "--summary"]);

        Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
        foreach (var address in new[] { "a@example.com", "b@example.com", "c@example.com" })
        {
            var link = LinksTo(server, address).Single();
            Assert.That(link.GetLeftPart(UriPartial.Path), Is.EqualTo(AcceptUrl));
            var accepted = await RunAsync("accept", TokenOf(link));
            Assert.That(accepted.ExitCode, Is.Zero, $"{address}: {accepted.Error}");
        }
    }

    [TestCase("-h")]
    [TestCase("-o")]
    [TestCase("--")]
    [TestCase("-c")]
    public async Task A_token_that_begins_with_a_dash_is_read_as_the_token_not_as_flags(string start)
    {
        // Base64url tokens begin with '-' one time in 64; "-h…" once read as the help flag bundled with others.
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var token = start + new string('A', 43 - start.Length);

        var accepted = await RunAsync("accept", token);
        var checkedToken = await RunAsync("accept", token, "--check");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(accepted.Text, Does.Contain("\"Unknown\"").And.Not.Contain("Usage:"));
            Assert.That(accepted.Error, Does.Contain("unknown token"));
            Assert.That(checkedToken.Text, Does.Contain("\"Unknown\"").And.Not.Contain("Usage:"));
        }
    }

    [Test]
    public async Task Accept_check_looks_a_token_up_without_consuming_it_and_show_prints_one_invitation()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "email,role\nJane Doe <jane@example.com>,admin\nbob@example.com,member\n");
        var token = TokenTo(server, "jane@example.com");
        var id = await InvitationIdOfAsync("jane@example.com");

        var checkedOnce = await RunAsync("accept", token, "--check");
        var checkedTwice = await RunAsync("accept", token, "--check");
        var shown = await RunAsync("invitations", "show", id, "--format", "json");
        var table = await RunAsync("invitations", "show", id, "--format", "table");
        var accepted = await RunAsync("accept", token);
        var checkedAfter = await RunAsync("accept", token, "--check");
        var unknown = await RunAsync("accept", new string('A', 43), "--check");
        var missing = await RunAsync("invitations", "show", "0198d6e5-0000-7000-8000-000000000001");
        var otherTenant = await RunAsync("invitations", "show", id, "--tenant", "another");

        Assert.That(checkedOnce.ExitCode, Is.Zero, checkedOnce.Error);
        using var check = JsonDocument.Parse(checkedOnce.Output);
        var looked = check.RootElement.GetProperty("invitation");
        using var show = JsonDocument.Parse(shown.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.RootElement.GetProperty("status").GetString(), Is.EqualTo("Pending"));
            Assert.That(looked.GetProperty("tenant").GetString(), Is.EqualTo("cli"));
            Assert.That(looked.GetProperty("address").GetString(), Is.EqualTo("jane@example.com"));
            Assert.That(looked.GetProperty("displayName").GetString(), Is.EqualTo("Jane Doe"));
            Assert.That(looked.GetProperty("fields").GetProperty("role").GetString(), Is.EqualTo("admin"));
            Assert.That(looked.GetProperty("state").GetString(), Is.EqualTo("Pending"));
            Assert.That(looked.GetProperty("expiresAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(6)));
            Assert.That(checkedTwice.ExitCode, Is.Zero, "a lookup consumes nothing");
            Assert.That(accepted.ExitCode, Is.Zero, "a token looked up is still accepted, once");
            Assert.That(shown.ExitCode, Is.Zero, shown.Error);
            Assert.That(show.RootElement.GetProperty("invitationId").GetString(), Is.EqualTo(id));
            Assert.That(show.RootElement.GetProperty("address").GetString(), Is.EqualTo("jane@example.com"));
            Assert.That(show.RootElement.GetProperty("state").GetString(), Is.EqualTo("Pending"));
            Assert.That(show.RootElement.GetProperty("sendCount").GetInt32(), Is.EqualTo(1));
            Assert.That(table.ExitCode, Is.Zero, table.Error);
            Assert.That(table.Lines, Does.Contain("Address:        jane@example.com").And.Contain("State:          Pending").And.Contain("  role:         admin"));
            Assert.That(checkedAfter.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(checkedAfter.Error, Does.Contain("cannot be accepted: already used"));
            Assert.That(checkedAfter.Text, Does.Contain("\"AlreadyUsed\"").And.Not.Contain("jane"), "a refusal says nothing about the invitation");
            Assert.That(unknown.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(unknown.Text, Does.Contain("\"Unknown\""));
            Assert.That(missing.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(missing.Error.Trim(), Is.EqualTo("bulkinvite: there is no invitation 0198d6e5-0000-7000-8000-000000000001."));
            Assert.That(otherTenant.ExitCode, Is.EqualTo(CliApp.ExitError), "another tenant's invitation is not shown");
            Assert.That(checkedOnce.Text + checkedOnce.Error + checkedAfter.Text + checkedAfter.Error, Does.Not.Contain(token), "the token is never printed");
        }
    }

    [Test]
    public async Task Expire_records_Expired_on_the_pending_invitations_past_their_expiry_and_prints_how_many()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "a@example.com\nb@example.com\nc@example.com\n");
        Assert.That((await RunAsync("accept", TokenTo(server, "c@example.com"))).ExitCode, Is.Zero);
        // The lifetime of a and b (and of the accepted c) passed: their expiry moved back to the moment they were sent.
        Assert.That(await SqlAsync("UPDATE invitations SET expires_at = created_at; SELECT changes()"), Is.EqualTo(3L));

        var readAsExpired = await SqlAsync("SELECT count(*) FROM invitations WHERE state = 2");
        var swept = await RunAsync("invitations", "expire", "--format", "json");
        var recorded = await SqlAsync("SELECT group_concat(address, ' ') FROM (SELECT address FROM invitations WHERE state = 2 ORDER BY address)");
        var again = await RunAsync("invitations", "expire", "--format", "table");
        var otherTenant = await RunAsync("invitations", "expire", "--tenant", "another", "--format", "json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(readAsExpired, Is.Zero, "before the sweep the ledger still says Pending; reads say Expired");
            Assert.That(swept.ExitCode, Is.Zero, swept.Error);
            Assert.That(swept.Text, Does.Contain("\"tenant\": \"cli\"").And.Contain("\"expired\": 2"));
            Assert.That(recorded, Is.EqualTo("a@example.com b@example.com"), "the accepted invitation stays accepted");
            Assert.That(again.ExitCode, Is.Zero, again.Error);
            Assert.That(again.Lines, Is.EqualTo(new[] { "Recorded 0 invitation(s) past their expiry as Expired." }));
            Assert.That(otherTenant.Text, Does.Contain("\"expired\": 0"));
            Assert.That((await ListAsync("--state", "Expired")).Select(i => i.GetProperty("address").GetString()), Is.EquivalentTo(new[] { "a@example.com", "b@example.com" }));
        }
    }

    [Test]
    public async Task After_rotate_key_new_links_are_signed_with_the_new_key_and_links_sent_before_still_work()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var oldKey = (await File.ReadAllLinesAsync(KeyFile)).Single();

        var rotated = await RunAsync("invitations", "rotate-key");
        var keys = await File.ReadAllLinesAsync(KeyFile);
        await SendAsync(server, "bob@example.com\n");
        var keyIds = await SqlAsync("SELECT group_concat(token_key_id, ' ') FROM (SELECT token_key_id FROM invitations ORDER BY invitation_id)");
        var janeAccepted = await RunAsync("accept", TokenTo(server, "jane@example.com"));
        var bobAccepted = await RunAsync("accept", TokenTo(server, "bob@example.com"));
        var fromEnvironment = await CliRunner.RunProcessAsync(
            new Dictionary<string, string> { ["BULKINVITE_TOKEN_KEY"] = oldKey }, [], "invitations", "rotate-key", "--db", Database);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rotated.ExitCode, Is.Zero, rotated.Error);
            Assert.That(rotated.Text, Does.Contain(KeyIdOf(keys[0])).And.Contain("1 older key(s)"));
            Assert.That(keys, Has.Length.EqualTo(2));
            Assert.That(keys[1], Is.EqualTo(oldKey), "the old key is kept after the new one");
            Assert.That(keyIds, Is.EqualTo($"{KeyIdOf(oldKey)} {KeyIdOf(keys[0])}"), "the link sent after the rotation is signed with the new key");
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(KeyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }

            Assert.That(janeAccepted.ExitCode, Is.Zero, "a link sent before the rotation: " + janeAccepted.Error);
            Assert.That(bobAccepted.ExitCode, Is.Zero, "a link sent after the rotation: " + bobAccepted.Error);
            Assert.That(fromEnvironment.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(fromEnvironment.Error, Does.Contain("BULKINVITE_TOKEN_KEY").And.Not.Contain(oldKey));
            Assert.That(await File.ReadAllLinesAsync(KeyFile), Is.EqualTo(keys), "a key from the environment leaves the file alone");
        }
    }

    [Test]
    public async Task A_lost_key_file_is_refused_while_pending_invitations_need_it_and_rotate_key_starts_a_new_one()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\nann@example.com\n");
        var key = await File.ReadAllTextAsync(KeyFile);
        File.Delete(KeyFile);

        var annId = await InvitationIdOfAsync("ann@example.com");
        var send = await RunAsync(["send", InputFile("bob@example.com\n"), .. Smtp(server), "--summary"]);
        var accept = await RunAsync("accept", TokenTo(server, "jane@example.com"));
        var resend = await RunAsync(["invitations", "resend", annId, .. Smtp(server)]);
        var history = await RunAsync("history", "--format", "json");
        var list = await RunAsync("invitations", "list", "--format", "json");
        var stillMissing = !File.Exists(KeyFile);
        await File.WriteAllTextAsync(KeyFile, key);
        var restored = await RunAsync("accept", TokenTo(server, "jane@example.com"));
        File.Delete(KeyFile);
        var started = await RunAsync("invitations", "rotate-key");
        var lostLink = await RunAsync("accept", TokenTo(server, "ann@example.com"));
        var resent = await RunAsync(["invitations", "resend", annId, .. Smtp(server)]);
        var newLink = await RunAsync("accept", TokenTo(server, "ann@example.com"));
        var sendAfter = await RunAsync(["send", InputFile("bob@example.com\n"), .. Smtp(server), "--summary"]);

        using (Assert.EnterMultipleScope())
        {
            foreach (var refused in new[] { send, accept, resend })
            {
                Assert.That(refused.ExitCode, Is.EqualTo(CliApp.ExitError));
                Assert.That(refused.Error, Does.Contain($"the token key file '{KeyFile}' is missing").And.Contain("pending invitations").And.Contain("rotate-key"));
                Assert.That(refused.Error.Trim(), Does.Not.Contain("\n"), "one line");
            }

            Assert.That(LinksTo(server, "bob@example.com"), Has.Count.EqualTo(1), "nothing was sent while the key was missing");
            Assert.That(LinksTo(server, "ann@example.com"), Has.Count.EqualTo(2), "the first email, and the resend under the new key");
            Assert.That(history.ExitCode, Is.Zero, "a command that uses no token works without the key: " + history.Error);
            Assert.That(list.ExitCode, Is.Zero, list.Error);
            Assert.That(stillMissing, Is.True, "no command made a new key in silence");
            Assert.That(restored.ExitCode, Is.Zero, "the key put back accepts its links: " + restored.Error);
            Assert.That(started.ExitCode, Is.Zero, started.Error);
            Assert.That(started.Text, Does.StartWith($"Created '{KeyFile}'"));
            Assert.That(lostLink.ExitCode, Is.EqualTo(CliApp.ExitError), "a link of the lost key is dead");
            Assert.That(resent.ExitCode, Is.Zero, resent.Error);
            Assert.That(newLink.ExitCode, Is.Zero, "the link resent under the new key: " + newLink.Error);
            Assert.That(sendAfter.ExitCode, Is.Zero, sendAfter.Error);
        }
    }

    [Test]
    public async Task A_missing_key_file_is_made_anew_when_no_pending_invitation_needs_the_old_key()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        Assert.That((await RunAsync("accept", TokenTo(server, "jane@example.com"))).ExitCode, Is.Zero);
        var oldKey = await File.ReadAllTextAsync(KeyFile);
        File.Delete(KeyFile);

        await SendAsync(server, "bob@example.com\n");
        var accepted = await RunAsync("accept", TokenTo(server, "bob@example.com"));

        Assert.That(accepted.ExitCode, Is.Zero, accepted.Error);
        Assert.That(await File.ReadAllTextAsync(KeyFile), Is.Not.EqualTo(oldKey));
    }

    [TestCase("https://app.example/accept?tenant=contoso", "has a query")]
    [TestCase("https://app.example/accept#top", "has a query or a fragment")]
    [TestCase("app.example/accept", "not an absolute http or https URL")]
    [TestCase("ftp://app.example/accept", "not an absolute http or https URL")]
    public async Task An_accept_url_that_would_not_leave_the_token_the_only_parameter_is_refused_before_anything_is_sent(string url, string message)
    {
        var pickup = Path.Combine(_folder, "pickup");

        var result = await RunAsync("send", InputFile("jane@example.com\n"), "--pickup", pickup, "--accept-url", url);

        Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError));
        Assert.That(result.Error, Does.Contain("--accept-url").And.Contain(message).And.Not.Contain("   at "));
        Assert.That(Directory.Exists(pickup), Is.False);
    }

    [TestCase(new[] { "invitations", "revoke" }, "Give an invitation's ID, or --import ID")]
    [TestCase(new[] { "invitations", "revoke", "0198d6e5-0000-7000-8000-000000000001", "--import", "0198d6e5-0000-7000-8000-000000000002" }, "not both")]
    [TestCase(new[] { "invitations", "resend" }, "Give an invitation's ID, or --import ID")]
    [TestCase(new[] { "invitations", "revoke", "not-a-guid" }, "not-a-guid")]
    [TestCase(new[] { "invitations", "list", "--state", "Lost" }, "Lost")]
    [TestCase(new[] { "invitations", "list", "--format", "csv" }, "csv")]
    [TestCase(new[] { "invitations", "list", "--tenant", "" }, "--tenant must not be empty")]
    [TestCase(new[] { "accept" }, "Give the token")]
    [TestCase(new[] { "accept", " " }, "Give the token")]
    [TestCase(new[] { "accept", "--check" }, "Give the token")]
    [TestCase(new[] { "invitations", "show" }, "Required argument missing")]
    [TestCase(new[] { "invitations", "show", "not-a-guid" }, "not-a-guid")]
    [TestCase(new[] { "invitations", "show", "0198d6e5-0000-7000-8000-000000000001", "--tenant", "" }, "--tenant must not be empty")]
    [TestCase(new[] { "invitations", "expire", "--tenant", " " }, "--tenant must not be empty")]
    [TestCase(new[] { "invitations", "expire", "--format", "csv" }, "csv")]
    public async Task Argument_errors_exit_with_the_parser_code_and_a_message(string[] args, string message)
    {
        var result = await RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError));
        Assert.That(result.Error, Does.Contain(message).And.Not.Contain("Unhandled exception"));
    }

    [Test]
    public async Task Unknown_invitations_and_imports_are_one_line_errors()
    {
        var missing = "0198d6e5-0000-7000-8000-000000000001";
        // A history that exists, without these: a file that does not exist is refused before anything is looked up.
        var created = await RunAsync("preview", CliRunner.TempFile("one.txt", "one@example.com\n"));
        Assert.That(created.ExitCode, Is.Zero, created.Error);

        var revoke = await RunAsync("invitations", "revoke", missing);
        var revokeImport = await RunAsync("invitations", "revoke", "--import", missing);
        var resend = await RunAsync("invitations", "resend", missing, "--pickup", Path.Combine(_folder, "pickup"));
        var accept = await RunAsync("accept", "not-a-token");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoke.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(revoke.Error.Trim(), Is.EqualTo($"bulkinvite: there is no invitation {missing}."));
            Assert.That(revokeImport.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(revokeImport.Error, Does.Contain($"there is no import {missing}"));
            Assert.That(resend.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(resend.Error.Trim(), Is.EqualTo($"bulkinvite: there is no invitation {missing}."));
            Assert.That(accept.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(accept.Error, Does.Contain("unknown token"));
        }
    }

    [Test]
    public async Task The_token_key_is_kept_owner_only_beside_the_database_or_taken_from_the_environment()
    {
        await using var server = await TestSmtpServer.StartAsync();
        await SendAsync(server, "jane@example.com\n");
        var keyFile = Database + ".token-key";
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var environment = new Dictionary<string, string> { ["BULKINVITE_TOKEN_KEY"] = key };
        var otherDb = Path.Combine(_folder, "keyed.db");

        var withOtherKey = await CliRunner.RunProcessAsync(environment, [], "accept", TokenTo(server, "jane@example.com"), "--db", Database);
        var sent = await CliRunner.RunProcessAsync(environment, [], ["send", InputFile("bob@example.com\n"), .. Smtp(server), "--db", otherDb, "--summary"]);
        var keyFileWritten = File.Exists(otherDb + ".token-key");
        var withoutKey = await CliRunner.RunProcessAsync("accept", TokenTo(server, "bob@example.com"), "--db", otherDb);
        var withKey = await CliRunner.RunProcessAsync(environment, [], "accept", TokenTo(server, "bob@example.com"), "--db", otherDb);
        var badKey = await CliRunner.RunProcessAsync(new Dictionary<string, string> { ["BULKINVITE_TOKEN_KEY"] = "c2hvcnQ=" }, [], "invitations", "list", "--db", otherDb);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(keyFile), Is.True);
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }

            Assert.That(withOtherKey.ExitCode, Is.EqualTo(CliApp.ExitError), "a link verifies only under the key that made it");
            Assert.That(sent.ExitCode, Is.Zero, sent.Error);
            Assert.That(withoutKey.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(withoutKey.Error, Does.Contain("is missing"), "no key file and pending invitations: the key is lost, not made anew");
            Assert.That(File.Exists(otherDb + ".token-key"), Is.False);
            Assert.That(withKey.ExitCode, Is.Zero, withKey.Error);
            Assert.That(keyFileWritten, Is.False, "a key from the environment writes no file");
            Assert.That(badKey.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(badKey.Error, Does.Contain("BULKINVITE_TOKEN_KEY").And.Not.Contain("c2hvcnQ="));
        }
    }
}
