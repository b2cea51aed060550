using System.Text;
using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite.Tests;

/// <summary>A database file damaged after it was closed: a read that cannot return every row fails, and says so.</summary>
[TestFixture]
public sealed class SqliteDamagedFileTests
{
    private const string Tenant = "tenant-a";
    private const int Entries = 3_000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>
    /// Writes a 3,000-entry import as an import does (staged in batches of 1,000, then every entry invited a few at a
    /// time, the summary updated as it goes) and closes the store, so that everything is in the database file.
    /// </summary>
    private async Task<(string Path, BulkInviteReport Import)> WriteImportAsync()
    {
        var path = _folder.File();
        var import = new BulkInviteReport { ImportId = Guid.NewGuid(), TenantId = Tenant, FileName = "invitees.txt", InitiatedBy = "admin", CreatedAt = T0 };
        await using (var store = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = path }))
        {
            await store.CreateImportAsync(import);
            for (var start = 1; start <= Entries; start += 1_000)
            {
                await store.AddEntriesAsync(Tenant, import.ImportId, Enumerable.Range(start, 1_000).Select(i => new InviteEntryResult
                {
                    Sequence = i,
                    Line = i,
                    Address = $"user{i}@example.com",
                    Outcome = InviteOutcome.Pending,
                    UpdatedAt = T0,
                }).ToList());
            }

            for (var start = 1; start <= Entries; start += 15)
            {
                await store.UpdateEntriesAsync(Tenant, import.ImportId, Enumerable.Range(start, 15).Select(i => new InviteEntryUpdate { Sequence = i, Outcome = InviteOutcome.Invited, StatusCode = 250, UpdatedAt = T0 }).ToList());
                await store.UpdateImportAsync(import with { Counts = new OutcomeCounts { Invited = start + 14, Pending = Entries - start - 14 } });
            }

            import = import with { Status = ImportStatus.Completed, Counts = new OutcomeCounts { Invited = Entries } };
            await store.UpdateImportAsync(import);
        }

        Assert.That(File.Exists(path + "-wal"), Is.False, "closed: everything is in the database file");
        return (path, import);
    }

    /// <summary>Reads the summary and every entry, a page of 1,000 at a time, as a report does.</summary>
    private static async Task<List<InviteEntryResult>> ReadReportAsync(string path, Guid importId)
    {
        await using var store = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = path });
        _ = await store.GetImportAsync(Tenant, importId);
        var entries = new List<InviteEntryResult>();
        var after = 0L;
        while (true)
        {
            var page = await store.ListEntriesAsync(Tenant, importId, new EntryQuery { AfterSequence = after, Limit = 1_000, IncludeTotalCount = false });
            entries.AddRange(page.Items);
            if (!page.HasMore)
            {
                return entries;
            }

            after = page.Items[^1].Sequence;
        }
    }

    [Test]
    public async Task An_undamaged_file_reads_every_entry()
    {
        var (path, import) = await WriteImportAsync();

        var entries = await ReadReportAsync(path, import.ImportId);

        Assert.That(entries.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, Entries).Select(i => (long)i)));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    public async Task Random_bytes_over_64_KiB_in_the_middle_fail_the_report_with_the_corruption_error_not_a_short_list(int seed)
    {
        var (path, import) = await WriteImportAsync();
        var garbage = new byte[64 * 1024];
        new Random(seed).NextBytes(garbage);

        // Centred on the page of the middle entry: the bytes land among the entries' pages, wherever the file keeps them.
        var bytes = await File.ReadAllBytesAsync(path);
        var pageSize = PageSize(bytes);
        var middle = ((long)PageOf(bytes, $"user{Entries / 2}@example.com") * pageSize) + (pageSize / 2);
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = Math.Clamp(middle - (garbage.Length / 2), pageSize, file.Length - garbage.Length);
            await file.WriteAsync(garbage);
        }

        var ex = Assert.ThrowsAsync<InviteHistoryCorruptException>(() => ReadReportAsync(path, import.ImportId));

        Assert.That(ex!.Message, Does.Contain(path).And.Contain("damaged"));
    }

    [Test]
    public async Task A_stale_page_that_SQLite_reads_without_an_error_fails_the_entries_check()
    {
        // A disk that loses a write, or a copy of the file taken while it was written, leaves a page that is a valid
        // page of the right tree with the wrong rows: SQLite's own checks see nothing wrong in it.
        var (path, import) = await WriteImportAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        var pageSize = PageSize(bytes);
        var stale = PageOf(bytes, "user2500@example.com");
        var current = PageOf(bytes, "user1200@example.com");
        Assert.That(stale, Is.Not.EqualTo(current));
        Array.Copy(bytes, stale * pageSize, bytes, current * pageSize, pageSize);
        await File.WriteAllBytesAsync(path, bytes);

        var ex = Assert.ThrowsAsync<InviteHistoryCorruptException>(() => ReadReportAsync(path, import.ImportId));

        Assert.That(ex!.Message, Does.Contain(import.ImportId.ToString()).And.Contain("was read after"));
    }

    [TestCase("line")]
    [TestCase("outcome")]
    [TestCase("updated_at")]
    [TestCase("updated_offset")]
    public async Task A_null_where_the_schema_allows_none_fails_the_report_as_damage(string column)
    {
        // A record whose header says null for a column declared NOT NULL: SQLite reads it without an error. Made here by
        // loosening the declaration, writing the null, and putting the declaration back.
        var (path, import) = await WriteImportAsync();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        async Task RunAsync(params string[] statements)
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            foreach (var sql in statements)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            }
        }

        // The leading space keeps "line" from matching "duplicate_of_line".
        string Declaration(bool notNull) => $"UPDATE sqlite_schema SET sql = replace(sql, ' {column} INTEGER {(notNull ? "NULL" : "NOT NULL")}', ' {column} INTEGER {(notNull ? "NOT NULL" : "NULL")}') WHERE name = 'entries'";
        async Task<object?> EntriesDeclarationAsync()
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_schema WHERE name = 'entries'";
            return await command.ExecuteScalarAsync();
        }

        var declared = await EntriesDeclarationAsync();
        await RunAsync("PRAGMA writable_schema = ON", Declaration(notNull: false));
        await RunAsync($"UPDATE entries SET {column} = NULL WHERE sequence = 1234");
        await RunAsync("PRAGMA writable_schema = ON", Declaration(notNull: true));
        await RunAsync("PRAGMA writable_schema = RESET");
        Assert.That(await EntriesDeclarationAsync(), Is.EqualTo(declared), "the table declared again as the store made it");

        var ex = Assert.ThrowsAsync<InviteHistoryCorruptException>(() => ReadReportAsync(path, import.ImportId));

        Assert.That(ex!.Message, Does.Contain(path).And.Contain("entry 1234 reads a null where the schema allows none"));
    }

    [Test]
    public async Task A_page_that_lost_its_last_rows_fails_the_check_against_the_outcome_index()
    {
        // The rows that are left are in order and every page is well formed: only the other tree tells that rows are missing.
        var (path, import) = await WriteImportAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        var pageSize = PageSize(bytes);
        var page = Enumerable.Range(1200, 100).Select(i => PageOf(bytes, $"user{i}@example.com")).First(p => bytes[p * pageSize] == 0x0A);
        var cells = (bytes[(page * pageSize) + 3] << 8) | bytes[(page * pageSize) + 4];
        bytes[(page * pageSize) + 3] = (byte)((cells - 5) >> 8);
        bytes[(page * pageSize) + 4] = (byte)(cells - 5);
        await File.WriteAllBytesAsync(path, bytes);

        var ex = Assert.ThrowsAsync<InviteHistoryCorruptException>(() => ReadReportAsync(path, import.ImportId));

        Assert.That(ex!.Message, Does.Contain(import.ImportId.ToString()).And.Contain("outcome index holds"));
    }

    private static int PageOf(byte[] file, string text)
    {
        var pageSize = PageSize(file);
        var at = file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.That(at, Is.GreaterThan(pageSize), text);
        return at / pageSize;
    }

    /// <summary>The page size in the file's header (two bytes at offset 16, big-endian; 1 stands for 65,536).</summary>
    private static int PageSize(byte[] file)
    {
        var size = (file[16] << 8) | file[17];
        return size == 1 ? 65_536 : size;
    }
}
