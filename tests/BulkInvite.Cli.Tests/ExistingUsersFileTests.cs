using System.Text;
using System.Text.Json;
using MimeKit;

namespace BulkInvite.Cli.Tests;

/// <summary>
/// The file of existing users is read as an upload is read, and one the tool cannot fully trust stops the run before
/// anything is sent: inviting an existing user is the one thing the product must never do. Run as child processes.
/// </summary>
[TestFixture]
public sealed class ExistingUsersFileTests
{
    private const string Invitees = "alice@example.com\nbob@example.com\ncarol@example.com\ndave@example.com\n";

    private static (string Db, string Pickup) NewRun()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        return (Path.Combine(folder, "history.db"), Path.Combine(folder, "pickup"));
    }

    private static Task<CliResult> SendAsync(string users, string db, string pickup, params string[] more)
        => CliRunner.RunProcessAsync(["send", CliRunner.TempFile("invitees.txt", Invitees), "--existing-users", users, "--db", db, "--pickup", pickup, "--format", "json", .. more]);

    private static string[] Recipients(string pickup)
        => Directory.Exists(pickup)
            ? [.. Directory.GetFiles(pickup, "*.eml").Select(p => ((MailboxAddress)MimeMessage.Load(p).To.Single()).Address).Order()]
            : [];

    private static void AssertRefusedBeforeSending(CliResult result, string pickup, string db, string users)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError), result.Error);
            Assert.That(result.Error, Does.Contain($"the existing-users file '{users}'"));
            Assert.That(result.Error, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"));
            Assert.That(result.Output, Is.Empty, "no report");
            Assert.That(Recipients(pickup), Is.Empty, "nothing is written to the pickup folder");
        }
    }

    [Test]
    public async Task A_csv_file_with_an_email_column_makes_its_users_existing_users()
    {
        var users = CliRunner.TempFile("users.csv", "email,name\nBob@Example.com,Bob\n\"carol@example.com\",\"Carol, C.\"\n");
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("address").GetString()!, e => e.GetProperty("outcome").GetString());
        Assert.That(entries, Is.EqualTo(new Dictionary<string, string>
        {
            ["alice@example.com"] = "Invited",
            ["bob@example.com"] = "ExistingUser",
            ["carol@example.com"] = "ExistingUser",
            ["dave@example.com"] = "Invited",
        }));
        Assert.That(Recipients(pickup), Is.EqualTo(new[] { "alice@example.com", "dave@example.com" }));
    }

    [Test]
    public async Task A_csv_file_without_a_csv_name_is_recognised_by_its_header()
    {
        var users = CliRunner.TempFile("users.txt", "name;E-mail\nBob;bob@example.com\n");
        var (db, _) = NewRun();

        var result = await CliRunner.RunProcessAsync("preview", CliRunner.TempFile("invitees.txt", Invitees), "--existing-users", users, "--db", db, "--format", "json", "--summary");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("ExistingUser").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_utf16_file_with_a_byte_order_mark_and_comments_is_read()
    {
        var users = CliRunner.TempFile("users.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("# accounts\r\n\r\ncarol@example.com\r\n")]);
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(Recipients(pickup), Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "dave@example.com" }));
    }

    [Test]
    public async Task A_workbook_is_refused_before_anything_is_sent()
    {
        byte[] xlsx = [.. "PK\u0003\u0004"u8, .. new byte[200], .. "xl/workbook.xml"u8];
        var users = CliRunner.TempFile("users.xlsx", xlsx);
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);
        var allowed = await SendAsync(users, db, pickup, "--existing-users-allow-invalid");

        AssertRefusedBeforeSending(result, pickup, db, users);
        Assert.That(result.Error, Does.Contain("binary"));
        AssertRefusedBeforeSending(allowed, pickup, db, users);
    }

    [Test]
    public async Task A_utf16_file_without_a_byte_order_mark_is_refused_before_anything_is_sent()
    {
        var users = CliRunner.TempFile("users.txt", Encoding.Unicode.GetBytes("bob@example.com\ncarol@example.com\n"));
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        AssertRefusedBeforeSending(result, pickup, db, users);
    }

    [Test]
    public async Task A_file_with_entries_that_are_not_addresses_is_refused_before_anything_is_sent()
    {
        var users = CliRunner.TempFile("users.txt", "# accounts\nbob@example.com\nCarol Smith\ncarol@\n");
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        AssertRefusedBeforeSending(result, pickup, db, users);
        Assert.That(result.Error, Does.Contain("2 entries").And.Contain("line 3").And.Contain("--existing-users-allow-invalid"));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Error);
    }

    [Test]
    public async Task A_file_with_bytes_that_are_not_utf8_is_refused_before_anything_is_sent()
    {
        var users = CliRunner.TempFile("users.txt", [.. "bob@example.com\n"u8, (byte)'c', 0xE9, .. "@example.com\n"u8]);
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        AssertRefusedBeforeSending(result, pickup, db, users);
        Assert.That(result.Error, Does.Contain("InvalidEncoding"));
    }

    [Test]
    public async Task An_explicit_switch_skips_entries_that_are_not_addresses_and_counts_them()
    {
        var users = CliRunner.TempFile("users.txt", "bob@example.com\nCarol Smith\n");
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup, "--existing-users-allow-invalid");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Error, Does.Contain("1 entry of").And.Contain("skipped"));
        Assert.That(Recipients(pickup), Is.EqualTo(new[] { "alice@example.com", "carol@example.com", "dave@example.com" }));
    }

    [Test]
    public async Task A_file_without_any_address_is_refused_before_anything_is_sent()
    {
        var users = CliRunner.TempFile("users.txt", "# nobody yet\n\n");
        var (db, pickup) = NewRun();

        var result = await SendAsync(users, db, pickup);

        AssertRefusedBeforeSending(result, pickup, db, users);
        Assert.That(result.Error, Does.Contain("holds no address"));
    }

    [Test]
    public async Task Resume_refuses_a_bad_file_too()
    {
        var (db, pickup) = NewRun();
        var good = CliRunner.TempFile("users.txt", "bob@example.com\n");
        var sent = await SendAsync(good, db, pickup);
        using var json = JsonDocument.Parse(sent.Output);
        var id = json.RootElement.GetProperty("importId").GetString()!;
        var bad = CliRunner.TempFile("users.csv", "email,name\nnot-an-address,X\n");

        var result = await CliRunner.RunProcessAsync("resume", id, "--existing-users", bad, "--db", db, "--pickup", pickup, "--force");

        Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError), result.Error);
        Assert.That(result.Error, Does.Contain($"the existing-users file '{bad}'").And.Not.Contain("   at "));
    }
}
