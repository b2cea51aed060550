using System.Text;
using System.Text.Json;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class ExportAndRetentionTests
{
    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "bulkinvite-cli-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Sends a file to a pickup folder, keeping the history in <paramref name="db"/>, and returns the import's id.</summary>
    private static async Task<string> SendAsync(string db, string fileName, string content)
    {
        var file = CliRunner.TempFile(fileName, content);
        var sent = await CliRunner.RunAsync(string.Empty, "send", file, "--db", db, "--pickup", Path.Combine(NewFolder(), "pickup"), "--format", "json", "--allow-repeat");
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);
        using var json = JsonDocument.Parse(sent.Output);
        return json.RootElement.GetProperty("importId").GetString()!;
    }

    private static async Task<JsonElement[]> HistoryAsync(string db)
    {
        var history = await CliRunner.RunAsync(string.Empty, "history", "--db", db, "--format", "json");
        using var json = JsonDocument.Parse(history.Output);
        return json.RootElement.GetProperty("imports").EnumerateArray().Select(i => i.Clone()).ToArray();
    }

    [Test]
    public async Task Export_writes_the_csv_report_to_stdout_or_a_file()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\nnot-an-address\n\"Doe, Jane\" <jane@example.com>\n");
        var file = Path.Combine(NewFolder(), "report.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        var toStdout = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db);
        var toFile = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", file);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((toStdout.ExitCode, toFile.ExitCode), Is.EqualTo((0, 0)), toStdout.Error + toFile.Error);
            var lines = toStdout.Text.Split("\r\n");
            Assert.That(lines[0], Is.EqualTo(InviteReportExport.CsvHeader));
            Assert.That(lines[1], Does.StartWith("1,a@example.com,,Invited,"));
            Assert.That(lines[2], Does.StartWith("2,not-an-address,,Invalid,MissingAt,"));
            Assert.That(lines[3], Does.StartWith("3,jane@example.com,\"Doe, Jane\",Invited,"));
            Assert.That(lines[^1], Is.Empty);
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(toStdout.Output), "the same bytes in the file");
            Assert.That(toFile.Output, Is.Empty);
        }
    }

    [Test]
    public async Task Export_as_json_lines_of_one_outcome()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\nbad\nworse@\n");

        var result = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "--format", "jsonl", "--outcome", "Invalid");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var addresses = result.Lines.Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.GetProperty("address").GetString();
        });
        Assert.That(addresses, Is.EqualTo(new[] { "bad", "worse@" }));
    }

    [Test]
    public async Task Failed_only_export_of_a_csv_import_is_a_csv_to_upload_again()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var id = await SendAsync(db, "people.csv", "Name,Email,Team\nAnn,ann@example.com,Sales\n\"Doe, Jane\",jane@,North\n");
        var fixedFile = Path.Combine(NewFolder(), "failed.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(fixedFile)!);

        var result = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "--failed-only", "--output", fixedFile);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(File.ReadAllText(fixedFile, Encoding.UTF8), Is.EqualTo("email,Name,Team\r\njane@,\"Doe, Jane\",North\r\n"));
        File.WriteAllText(fixedFile, File.ReadAllText(fixedFile).Replace("jane@,", "jane@example.com,", StringComparison.Ordinal));
        var again = await CliRunner.RunAsync(string.Empty, "send", fixedFile, "--db", db, "--pickup", Path.Combine(NewFolder(), "pickup"), "--format", "json");
        using var json = JsonDocument.Parse(again.Output);
        Assert.That(json.RootElement.GetProperty("counts").GetProperty("Invited").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Failed_only_export_of_a_text_import_is_one_entry_a_line()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\n\"Doe, Jane\" <jane@>\nbad\n");

        var result = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "--failed-only");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Text, Is.EqualTo("\"Doe, Jane\" <jane@>\r\nbad\r\n"));
    }

    [Test]
    public async Task Export_of_an_unknown_import_or_with_conflicting_switches_is_a_one_line_error()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\n");
        var file = Path.Combine(NewFolder(), "never.csv");

        var unknown = await CliRunner.RunAsync(string.Empty, "export", Guid.NewGuid().ToString(), "--db", db, "-o", file);
        var conflict = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "--failed-only", "--format", "jsonl");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown.ExitCode, Is.Not.Zero);
            Assert.That(unknown.Error, Does.StartWith("bulkinvite: there is no import"));
            Assert.That(File.Exists(file), Is.False, "no file for an import that is not there");
            Assert.That(conflict.ExitCode, Is.Not.Zero);
            Assert.That(conflict.Error, Does.Contain("--failed-only"));
        }
    }

    [Test]
    public async Task Export_refuses_to_write_over_the_history_database_its_files_or_its_key_and_leaves_them_whole()
    {
        var folder = NewFolder();
        var db = Path.Combine(folder, "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\nb@example.com\n");
        var link = Path.Combine(folder, "link.db");
        File.CreateSymbolicLink(link, db);
        var folderLink = Path.Combine(NewFolder(), "alias");
        Directory.CreateDirectory(Path.GetDirectoryName(folderLink)!);
        Directory.CreateSymbolicLink(folderLink, folder);
        var before = await File.ReadAllBytesAsync(db);
        var key = await File.ReadAllBytesAsync(db + ".token-key");

        // A link whose target goes through the linked folder, and ".." taken from where a link leads.
        var throughAlias = Path.Combine(NewFolder(), "out.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(throughAlias)!);
        File.CreateSymbolicLink(throughAlias, Path.Combine(folderLink, "history.db"));
        var sub = Path.Combine(folder, "sub");
        Directory.CreateDirectory(sub);
        var subLink = Path.Combine(Path.GetDirectoryName(folderLink)!, "sublink");
        Directory.CreateSymbolicLink(subLink, sub);
        var targets = new[]
        {
            db, Path.Combine(folder, ".", "history.db"), link, Path.Combine(folderLink, "history.db"), throughAlias, Path.Combine(subLink, "..", "history.db"),
            db + "-wal", db + ".token-key",
        };
        var results = new List<CliResult>();
        foreach (var target in targets)
        {
            results.Add(await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", target));
        }

        var folderResult = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", folder);
        var report = await CliRunner.RunAsync(string.Empty, "report", id, "--db", db, "--format", "json");

        using (Assert.EnterMultipleScope())
        {
            foreach (var (target, result) in targets.Zip(results))
            {
                Assert.That(result.ExitCode, Is.EqualTo(CliApp.ExitError), target);
                Assert.That(result.Error, Does.StartWith("bulkinvite: --output").And.Contain("history database"), target);
            }

            Assert.That(folderResult.ExitCode, Is.EqualTo(CliApp.ExitError));
            Assert.That(folderResult.Error, Does.Contain("is a folder"));
            Assert.That(await File.ReadAllBytesAsync(db + ".token-key"), Is.EqualTo(key));
            Assert.That(report.ExitCode, Is.Zero, report.Error);
            Assert.That(report.Text, Does.Contain("b@example.com"), "the history reads as before");
            Assert.That(Directory.GetFiles(folder, "*.tmp"), Is.Empty, "no file left behind");
            Assert.That(await File.ReadAllBytesAsync(db), Has.Length.EqualTo(before.Length), "the database is not written over");
        }
    }

    [Test]
    public async Task An_export_that_fails_leaves_no_half_file_and_an_existing_output_is_written_in_place()
    {
        var folder = NewFolder();
        var db = Path.Combine(folder, "history.db");
        var id = await SendAsync(db, "list.txt", "a@example.com\n");
        var file = Path.Combine(folder, "report.csv");
        var existing = Path.Combine(folder, "existing.csv");
        await File.WriteAllTextAsync(existing, "old\n");
        var toExisting = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", existing);
        var toNull = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", "/dev/null");

        // The import is found, and reading its entries fails: the new file the export names is not left half written.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var rename = connection.CreateCommand();
            rename.CommandText = "PRAGMA foreign_keys = OFF; ALTER TABLE entries RENAME TO entries_elsewhere;";
            await rename.ExecuteNonQueryAsync();
        }

        var failed = await CliRunner.RunAsync(string.Empty, "export", id, "--db", db, "-o", file);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((toExisting.ExitCode, toNull.ExitCode), Is.EqualTo((0, 0)), toExisting.Error + toNull.Error);
            Assert.That(await File.ReadAllTextAsync(existing), Does.Contain("a@example.com").And.Not.Contain("old"));
            Assert.That(failed.ExitCode, Is.Not.Zero);
            Assert.That(File.Exists(file), Is.False, "no half file");
            Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty, "the unfinished export is deleted");
        }
    }

    [Test]
    public async Task Forget_deletes_an_address_from_every_report_ignoring_case()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        var first = await SendAsync(db, "first.txt", "jane@example.com\nbob@example.com\n");
        var second = await SendAsync(db, "second.txt", "JANE@example.com\n");

        var result = await CliRunner.RunAsync(string.Empty, "forget", "Jane@Example.com", "--db", db);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Text, Does.Contain("Deleted 2 report row(s)"));
        var firstReport = await CliRunner.RunAsync(string.Empty, "export", first, "--db", db, "--format", "jsonl");
        var secondReport = await CliRunner.RunAsync(string.Empty, "export", second, "--db", db, "--format", "jsonl");
        Assert.That(firstReport.Text, Does.Not.Contain("jane@").IgnoreCase.And.Contain("bob@example.com"));
        Assert.That(secondReport.Text, Is.Empty);
    }

    [Test]
    public async Task Prune_deletes_imports_older_than_the_given_days()
    {
        var db = Path.Combine(NewFolder(), "history.db");
        await SendAsync(db, "list.txt", "a@example.com\n");

        var keep = await CliRunner.RunAsync(string.Empty, "prune", "--older-than", "30", "--db", db);
        var kept = await HistoryAsync(db);
        var all = await CliRunner.RunAsync(string.Empty, "prune", "--older-than", "0", "--db", db);
        var left = await HistoryAsync(db);
        var negative = await CliRunner.RunAsync(string.Empty, "prune", "--older-than", "-1", "--db", db);
        var missing = await CliRunner.RunAsync(string.Empty, "prune", "--db", db);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((keep.ExitCode, all.ExitCode), Is.EqualTo((0, 0)), keep.Error + all.Error);
            Assert.That(keep.Text, Does.StartWith("Deleted 0 import(s)"));
            Assert.That(kept, Has.Length.EqualTo(1));
            Assert.That(all.Text, Does.StartWith("Deleted 1 import(s)"));
            Assert.That(left, Is.Empty);
            Assert.That(negative.ExitCode, Is.Not.Zero);
            Assert.That(missing.ExitCode, Is.Not.Zero, "--older-than is required");
        }
    }
}
