using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using BulkInvite.PostgreSql.Tests;
using MimeKit;
using Npgsql;

namespace BulkInvite.Cli.Tests.PostgreSql;

/// <summary>
/// The tool with its history in PostgreSQL, as a user runs it: a child process, a real server started by the tests
/// (a database of each test's own), <c>--postgres</c> or <c>$BULKINVITE_POSTGRES</c>, and the token key from the
/// environment, since no key file is kept beside a PostgreSQL database.
/// </summary>
[TestFixture]
public sealed partial class PostgreSqlHistoryTests
{
    private const string Invitees = "a@example.com\nb@example.com\nnot-an-address\nA@example.com\n";
    private const string AcceptUrl = "https://app.example/invitations/accept";
    private const string Password = "pg-secret-4b1d";

    private string _folder = null!;
    private string _connectionString = null!;
    private string _key = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        // The server trusts local connections, so the password is never asked for: it is there to be kept out of every message.
        _connectionString = new NpgsqlConnectionStringBuilder(await PostgresServer.Current.CreateDatabaseAsync()) { Password = Password }.ConnectionString;
        _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is ending: the temp folder is cleaned up later.
        }
    }

    /// <summary>The SQLite file $BULKINVITE_DB names in every run: a run on PostgreSQL must not create it.</summary>
    private string SqliteFile => Path.Combine(_folder, "history.db");

    private string DatabaseName => new NpgsqlConnectionStringBuilder(_connectionString).Database!;

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Link();

    /// <summary>Runs the tool as a child process with $BULKINVITE_DB set, the token key in $BULKINVITE_TOKEN_KEY unless <paramref name="withKey"/> is false, and these other variables.</summary>
    private Task<CliResult> RunAsync(string[] args, bool withKey = true, Dictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? []) { ["BULKINVITE_DB"] = SqliteFile };
        if (withKey)
        {
            variables["BULKINVITE_TOKEN_KEY"] = _key;
        }

        return CliRunner.RunProcessAsync(variables, [], args);
    }

    private Task<CliResult> RunOnPostgreSqlAsync(params string[] args) => RunAsync([.. args, "--postgres", _connectionString]);

    private string InputFile(string content)
    {
        var path = Path.Combine(_folder, $"invitees-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }

    private static void AssertCleanExit(CliResult result, int exitCode = CliApp.ExitOk)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Error);
            Assert.That(result.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
        }
    }

    private static string ImportIdOf(CliResult result)
    {
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("importId").GetString()!;
    }

    /// <summary>A count read straight from the test's database (0 when the store has not created its schema).</summary>
    private async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('bulkinvite.{table}') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync() is not true)
        {
            return 0;
        }

        await using var count = new NpgsqlCommand($"SELECT count(*) FROM bulkinvite.{table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>The token of the link in the email a send wrote into the pickup folder for an address.</summary>
    private static string TokenTo(string pickup, string address)
    {
        var message = Directory.GetFiles(pickup, "*.eml").Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Any(b => b.Address == address));
        var link = Link().Matches(message.TextBody ?? string.Empty).Select(m => new Uri(m.Value)).Single(u => u.AbsoluteUri.StartsWith(AcceptUrl, StringComparison.Ordinal));
        return Uri.UnescapeDataString(link.Query["?token=".Length..]);
    }

    [Test]
    public async Task Send_then_history_report_and_export_read_from_PostgreSQL()
    {
        var pickup = Path.Combine(_folder, "pickup");

        var sent = await RunOnPostgreSqlAsync("send", InputFile(Invitees), "--pickup", pickup, "--accept-url", AcceptUrl, "--format", "json");
        AssertCleanExit(sent);
        var id = ImportIdOf(sent);
        var history = await RunOnPostgreSqlAsync("history", "--format", "json");
        var report = await RunOnPostgreSqlAsync("report", id, "--format", "csv");
        var export = await RunOnPostgreSqlAsync("export", id);
        var failedRows = await RunOnPostgreSqlAsync("export", id, "--failed-only");
        var accepted = await RunOnPostgreSqlAsync("accept", TokenTo(pickup, "a@example.com"));
        var invitations = await RunOnPostgreSqlAsync("invitations", "list", "--format", "json");
        var resumed = await RunOnPostgreSqlAsync("resume", id, "--pickup", pickup, "--accept-url", AcceptUrl, "--format", "json", "--summary");

        AssertCleanExit(history);
        AssertCleanExit(report);
        AssertCleanExit(export);
        AssertCleanExit(failedRows);
        AssertCleanExit(accepted);
        AssertCleanExit(invitations);
        AssertCleanExit(resumed);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(history.Text, Does.Contain(id));
            Assert.That(resumed.Text, Does.Contain("\"Invited\": 2"), "a finished import resumed sends nothing more");
            Assert.That(report.Text, Does.Contain("not-an-address").And.Contain("b@example.com"));
            Assert.That(export.Text, Does.StartWith(InviteReportExport.CsvHeader));
            Assert.That(export.Lines, Has.Length.EqualTo(5), "the header and one row per entry");
            Assert.That(failedRows.Text.TrimEnd(), Is.EqualTo("not-an-address"));
            Assert.That(accepted.Text, Does.Contain("\"Accepted\"").And.Contain("a@example.com"));
            Assert.That(invitations.Text, Does.Contain("Accepted").And.Contain("Pending"));
            Assert.That(Directory.GetFiles(pickup, "*.eml"), Has.Length.EqualTo(2));
            Assert.That(await CountAsync("imports"), Is.EqualTo(1), "the import is in PostgreSQL");
            Assert.That(await CountAsync("entries"), Is.EqualTo(4));
            Assert.That(await CountAsync("invitations"), Is.EqualTo(2));
            Assert.That(File.Exists(SqliteFile), Is.False, "no SQLite file");
            Assert.That(Directory.GetFiles(_folder, "*.token-key"), Is.Empty, "no key file");
        }
    }

    [Test]
    public async Task BULKINVITE_POSTGRES_keeps_the_history_in_PostgreSQL_unless_db_is_given()
    {
        var environment = new Dictionary<string, string> { ["BULKINVITE_POSTGRES"] = _connectionString };
        var other = Path.Combine(_folder, "other.db");

        var preview = await RunAsync(["preview", InputFile(Invitees), "--format", "json"], environment: environment);
        var history = await RunAsync(["history", "--previews", "--format", "json"], environment: environment);
        var onSqlite = await RunAsync(["preview", InputFile(Invitees), "--format", "json", "--db", other], environment: environment);

        AssertCleanExit(preview);
        AssertCleanExit(history);
        AssertCleanExit(onSqlite);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(history.Text, Does.Contain(ImportIdOf(preview)));
            Assert.That(await CountAsync("imports"), Is.EqualTo(1), "the preview is in PostgreSQL; the one with --db is not");
            Assert.That(File.Exists(SqliteFile), Is.False, "$BULKINVITE_POSTGRES comes before $BULKINVITE_DB");
            Assert.That(File.Exists(other), Is.True, "--db comes before $BULKINVITE_POSTGRES");
        }
    }

    [TestCase("history")]
    [TestCase("report", "0198d6e5-0000-7000-8000-000000000001")]
    [TestCase("preview", "-")]
    [TestCase("accept", "token")]
    [TestCase("invitations", "rotate-key")]
    public async Task Db_and_postgres_together_are_refused(params string[] args)
    {
        var result = await RunAsync([.. args, "--db", SqliteFile, "--postgres", _connectionString]);

        AssertCleanExit(result, CliApp.ExitError);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.Contain("Give either --db (a SQLite file) or --postgres (a PostgreSQL connection string), not both."));
            Assert.That(result.Error, Does.Not.Contain(Password));
            Assert.That(File.Exists(SqliteFile), Is.False);
            Assert.That(await CountAsync("imports"), Is.Zero);
        }
    }

    [Test]
    public async Task A_connection_string_that_cannot_be_read_is_refused_without_repeating_it()
    {
        var unreadable = $"Host=127.0.0.1;Password={Password};Colour=blue";

        var given = await RunAsync(["history", "--postgres", unreadable]);
        var fromEnvironment = await RunAsync(["history"], environment: new() { ["BULKINVITE_POSTGRES"] = unreadable });
        var empty = await RunAsync(["history", "--postgres", ""]);
        // An empty keyword: Npgsql throws KeyNotFoundException, not an ArgumentException.
        var emptyKeyword = await RunAsync(["history", "--postgres", $"Password={Password};="]);

        AssertCleanExit(given, CliApp.ExitError);
        AssertCleanExit(fromEnvironment, CliApp.ExitError);
        AssertCleanExit(empty, CliApp.ExitError);
        AssertCleanExit(emptyKeyword, CliApp.ExitError);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(given.Error, Does.Contain("--postgres cannot be read as an Npgsql connection string").And.Not.Contain(Password));
            Assert.That(emptyKeyword.Error, Does.Contain("--postgres cannot be read as an Npgsql connection string").And.Not.Contain(Password));
            Assert.That(fromEnvironment.Error, Does.Contain("$BULKINVITE_POSTGRES cannot be read as an Npgsql connection string").And.Not.Contain(Password));
            Assert.That(empty.Error, Does.Contain("--postgres must not be empty"));
            Assert.That(File.Exists(SqliteFile), Is.False, "no fallback to SQLite");
        }
    }

    [Test]
    public async Task Commands_that_issue_or_verify_tokens_without_a_key_are_refused_naming_both_variables()
    {
        var pickup = Path.Combine(_folder, "pickup");

        var send = await RunAsync(["send", InputFile(Invitees), "--pickup", pickup, "--postgres", _connectionString], withKey: false);
        var accept = await RunAsync(["accept", "some-token", "--postgres", _connectionString], withKey: false);
        var rotate = await RunAsync(["invitations", "rotate-key", "--postgres", _connectionString], withKey: false);
        var history = await RunAsync(["history", "--format", "json", "--postgres", _connectionString], withKey: false);
        var preview = await RunAsync(["preview", InputFile(Invitees), "--format", "json", "--postgres", _connectionString], withKey: false);

        AssertCleanExit(send, CliApp.ExitError);
        AssertCleanExit(accept, CliApp.ExitError);
        AssertCleanExit(rotate, CliApp.ExitError);
        AssertCleanExit(history);
        AssertCleanExit(preview);
        using (Assert.EnterMultipleScope())
        {
            foreach (var refused in new[] { send, accept })
            {
                Assert.That(refused.Error, Does.Contain("the history is in PostgreSQL").And.Contain("$BULKINVITE_TOKEN_KEY ").And.Contain("$BULKINVITE_TOKEN_KEY_FILE"));
            }

            Assert.That(rotate.Error, Does.Contain("$BULKINVITE_TOKEN_KEY_FILE"));
            Assert.That(Directory.Exists(pickup), Is.False, "nothing was sent");
            Assert.That(history.Text, Does.Contain("\"total\": 0"), "commands that need no key work");
            Assert.That(await CountAsync("imports"), Is.EqualTo(1), "only the preview");
            Assert.That(Directory.GetFiles(_folder, "*.token-key"), Is.Empty, "no key file is made up");
        }
    }

    [Test]
    public async Task A_lost_key_is_refused_while_pending_invitations_need_it_and_the_password_is_not_shown()
    {
        var pickup = Path.Combine(_folder, "pickup");
        var resendPickup = Path.Combine(_folder, "resent");
        var keyFile = Path.Combine(_folder, "keys", "bulkinvite.token-key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        var withKeyFile = new Dictionary<string, string> { ["BULKINVITE_TOKEN_KEY_FILE"] = keyFile };

        var first = await RunAsync(["send", InputFile("jane@example.com\n"), "--pickup", pickup, "--accept-url", AcceptUrl, "--postgres", _connectionString], withKey: false, withKeyFile);
        var keyWritten = File.Exists(keyFile);
        File.Delete(keyFile);
        var lostFile = await RunAsync(["send", InputFile("bob@example.com\n"), "--pickup", pickup, "--postgres", _connectionString], withKey: false, withKeyFile);
        var noKey = await RunAsync(["accept", TokenTo(pickup, "jane@example.com"), "--postgres", _connectionString], withKey: false);
        var rotated = await RunAsync(["invitations", "rotate-key", "--postgres", _connectionString], withKey: false, withKeyFile);
        var resent = await RunAsync(["invitations", "resend", "--import", ImportIdOf(first), "--pickup", resendPickup, "--accept-url", AcceptUrl, "--postgres", _connectionString], withKey: false, withKeyFile);
        var acceptedAfterResend = await RunAsync(["accept", TokenTo(resendPickup, "jane@example.com"), "--postgres", _connectionString], withKey: false, withKeyFile);

        AssertCleanExit(first);
        AssertCleanExit(lostFile, CliApp.ExitError);
        AssertCleanExit(noKey, CliApp.ExitError);
        AssertCleanExit(rotated);
        AssertCleanExit(resent);
        AssertCleanExit(acceptedAfterResend);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(keyWritten, Is.True, "the first send on the database makes the key file $BULKINVITE_TOKEN_KEY_FILE names");
            Assert.That(lostFile.Error, Does.Contain($"the token key file '{keyFile}' is missing").And.Contain("pending invitations").And.Contain(DatabaseName));
            Assert.That(lostFile.Error, Does.Not.Contain(Password));
            Assert.That(noKey.Error, Does.Contain("$BULKINVITE_TOKEN_KEY_FILE"));
            Assert.That(rotated.Text, Does.Contain($"Created '{keyFile}'"), "rotate-key starts a new key in the file $BULKINVITE_TOKEN_KEY_FILE names");
            Assert.That(acceptedAfterResend.Text, Does.Contain("\"Accepted\""), "the link resent under the new key works");
            Assert.That(Directory.GetFiles(pickup, "*.eml").Count(f => f.Contains("bob@", StringComparison.Ordinal)), Is.Zero, "bob was not sent a link nobody could verify");
            Assert.That(await CountAsync("imports"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Messages_that_say_where_the_history_is_leave_the_password_out()
    {
        var missing = "0198d6e5-0000-7000-8000-000000000001";

        var report = await RunOnPostgreSqlAsync("report", missing);
        var export = await RunOnPostgreSqlAsync("export", missing);
        var revoke = await RunOnPostgreSqlAsync("invitations", "revoke", "--import", missing);

        AssertCleanExit(report, CliApp.ExitError);
        AssertCleanExit(export, CliApp.ExitError);
        AssertCleanExit(revoke, CliApp.ExitError);
        using (Assert.EnterMultipleScope())
        {
            foreach (var result in new[] { report, export, revoke })
            {
                Assert.That(result.Error, Does.Contain($"there is no import {missing} in '").And.Contain($"Database={DatabaseName}").And.Contain("Host=127.0.0.1"));
                Assert.That(result.Error, Does.Not.Contain(Password).And.Not.Contain("Password"));
            }
        }
    }
}
