using Microsoft.Data.Sqlite;

namespace BulkInvite.Sqlite.Tests;

/// <summary>What only the SQLite queue has: its schema migration, and stores on one file racing as processes would.</summary>
[TestFixture]
public sealed class SqliteImportWorkStoreTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>The ledger as schema 3 created it.</summary>
    private const string InvitationsOfSchema3 = """
        CREATE TABLE invitations (
            invitation_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            import_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            line INTEGER NOT NULL,
            address TEXT NOT NULL,
            address_key TEXT NOT NULL,
            address_upper TEXT NOT NULL,
            display_name TEXT NULL,
            fields TEXT NULL,
            initiated_by TEXT NOT NULL,
            state INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            accepted_at INTEGER NULL,
            revoked_at INTEGER NULL,
            send_count INTEGER NOT NULL,
            last_sent_at INTEGER NOT NULL,
            last_message_key TEXT NULL,
            token_hash BLOB NOT NULL,
            token_key_id TEXT NOT NULL,
            PRIMARY KEY (tenant_id, invitation_id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX ux_invitations_entry ON invitations (tenant_id, import_id, sequence);
        CREATE UNIQUE INDEX ux_invitations_token ON invitations (token_hash);
        CREATE UNIQUE INDEX ux_invitations_live ON invitations (tenant_id, address_key) WHERE state IN (0, 1);
        """;

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private static SqliteInviteHistoryStore NewStore(string path) => new(new SqliteHistoryStoreOptions { DatabasePath = path });

    private static ImportWorkItem NewItem(int minutes) => new()
    {
        ImportId = Guid.NewGuid(),
        TenantId = Tenant,
        InitiatedBy = "admin",
        FileName = $"invitees-{minutes}.txt",
        QueuedAt = T0.AddMinutes(minutes),
    };

    private static async Task<object?> ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>A new file with the schema as version 4 or 5 created it: version 1 migrated by hand as far as 3, then by the store's own scripts.</summary>
    private async Task<string> FileOfSchemaAsync(int version)
    {
        var path = _folder.File();
        await ExecuteAsync(path, SqliteInviteHistoryStoreTests.SchemaVersion1);
        var after = version == 4 ? SqliteSql.MigrateFrom4 : SqliteSql.MigrateFrom5;
        await ExecuteAsync(path, """
            ALTER TABLE imports ADD COLUMN sending_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE imports ADD COLUMN unknown_count INTEGER NOT NULL DEFAULT 0;
            """ + InvitationsOfSchema3 + SqliteSql.MigrateFrom3[..^after.Length]);
        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(version));
        return path;
    }

    [Test]
    public async Task A_database_of_schema_4_is_migrated_in_place_and_gets_the_parts_of_imports()
    {
        var path = await FileOfSchemaAsync(4);
        var item = NewItem(0);
        await using (var store = NewStore(path))
        {
            await store.EnqueueAsync(item, new MemoryStream([1, 2, 3]), 100);
            var lease = await store.ClaimAsync("instance-a", Lease, T0);
            ImportWorkPart[] parts = [new() { Number = 1, FirstSequence = 1, LastSequence = 10 }, new() { Number = 2, FirstSequence = 11, LastSequence = long.MaxValue }];
            Assert.That(await store.SplitAsync(lease!, parts, T0), Is.True);
            Assert.That((await store.ClaimAsync("instance-b", Lease, T0))?.Part?.Number, Is.EqualTo(1));
            Assert.That((await store.GetStateAsync(Tenant, item.ImportId, T0))?.Owner, Is.EqualTo("instance-b"));
        }

        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
    }

    [Test]
    public async Task A_database_of_schema_5_is_migrated_in_place_and_its_outcome_index_leaves_pending_entries_out()
    {
        var path = await FileOfSchemaAsync(5);
        await ExecuteAsync(path, """
            INSERT INTO imports VALUES ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 'tenant-a', 'old.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 2, 1, 1, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, 0, 0, NULL);
            INSERT INTO entries VALUES
                ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 1, 1, 'a@example.com', 'a@example.com', 1, NULL, NULL, NULL, 250, NULL, NULL, 639030348000000000, 0),
                ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 2, 2, 'b@example.com', 'b@example.com', 0, NULL, NULL, NULL, NULL, NULL, NULL, 639030348000000000, 0),
                ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 3, 3, 'not an address', 'not an address', 2, 'MissingAt', NULL, NULL, NULL, NULL, NULL, 639030348000000000, 0),
                ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 4, 4, 'd@example.com', 'd@example.com', 0, NULL, NULL, NULL, NULL, NULL, NULL, 639030348000000000, 0);
            """);
        var id = Guid.Parse("7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01");

        await using (var store = NewStore(path))
        {
            async Task<(long[] Sequences, long Count)> ReadAsync(InviteOutcome? outcome)
            {
                var page = await store.ListEntriesAsync(Tenant, id, new EntryQuery { Outcome = outcome, Limit = 10 });
                return (page.Items.Select(e => e.Sequence).ToArray(), page.TotalCount);
            }

            Assert.That(await ReadAsync(null), Is.EqualTo((new long[] { 1, 2, 3, 4 }, 4L)));
            Assert.That(await ReadAsync(InviteOutcome.Pending), Is.EqualTo((new long[] { 2, 4 }, 2L)));
            Assert.That(await ReadAsync(InviteOutcome.Invited), Is.EqualTo((new long[] { 1 }, 1L)));
            Assert.That(await ReadAsync(InviteOutcome.Invalid), Is.EqualTo((new long[] { 3 }, 1L)));
            await store.UpdateEntriesAsync(Tenant, id, [new InviteEntryUpdate { Sequence = 4, Outcome = InviteOutcome.Failed, StatusCode = 550, UpdatedAt = T0 }]);
            Assert.That(await ReadAsync(InviteOutcome.Failed), Is.EqualTo((new long[] { 4 }, 1L)));
            Assert.That(await ReadAsync(InviteOutcome.Pending), Is.EqualTo((new long[] { 2 }, 1L)));
        }

        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
        Assert.That(await ExecuteAsync(path, "SELECT sql FROM sqlite_master WHERE name = 'ix_entries_outcome'"), Does.EndWith("WHERE outcome <> 0"));
        Assert.That(await ExecuteAsync(path, "SELECT COUNT(*) FROM entries INDEXED BY ix_entries_outcome WHERE outcome <> 0"), Is.EqualTo(3), "the invited, the invalid and the failed entry");
    }

    [Test]
    public async Task A_database_of_schema_3_is_migrated_in_place_and_gets_the_queue_its_parts_and_the_runner_column()
    {
        var path = _folder.File();
        await ExecuteAsync(path, SqliteInviteHistoryStoreTests.SchemaVersion1);
        await ExecuteAsync(path, """
            ALTER TABLE imports ADD COLUMN sending_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE imports ADD COLUMN unknown_count INTEGER NOT NULL DEFAULT 0;
            """ + InvitationsOfSchema3 + """
            PRAGMA user_version = 3;
            INSERT INTO imports VALUES ('7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01', 'tenant-a', 'old.txt', 'admin', 0, 1,
                639030348000000000, 0, NULL, NULL, NULL, NULL, 0, 3, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, 1, 0);
            """);
        var oldId = Guid.Parse("7a0d1f57-7d5c-4a56-9c7c-8e0d0d5a6b01");

        await using (var store = NewStore(path))
        {
            var old = await store.GetImportAsync(Tenant, oldId);
            Assert.That(old, Is.Not.Null);
            Assert.That((old!.Counts.Invited, old.RunBy), Is.EqualTo((3L, (string?)null)), "the import of schema 3 is kept as it was");
            await store.UpdateImportAsync(old with { RunBy = "instance-a" });
            Assert.That((await store.GetImportAsync(Tenant, oldId))!.RunBy, Is.EqualTo("instance-a"));

            var item = NewItem(0);
            await store.EnqueueAsync(item, new MemoryStream([1, 2, 3]), 100);
            var lease = await store.ClaimAsync("instance-a", Lease, T0);
            Assert.That(lease?.ImportId, Is.EqualTo(item.ImportId));
            await store.WithLease(lease!).CreateImportAsync(new BulkInviteReport
            {
                ImportId = item.ImportId, TenantId = Tenant, FileName = item.FileName, InitiatedBy = item.InitiatedBy, CreatedAt = T0, RunBy = "instance-a",
            });
            ImportWorkPart[] parts = [new() { Number = 1, FirstSequence = 1, LastSequence = 10 }, new() { Number = 2, FirstSequence = 11, LastSequence = long.MaxValue }];
            Assert.That(await store.SplitAsync(lease!, parts, T0), Is.True);
            var part = await store.ClaimAsync("instance-b", Lease, T0);
            Assert.That((part?.ImportId, part?.Part?.Number, part?.Parts), Is.EqualTo(((Guid?)item.ImportId, (int?)1, (int?)2)));
        }

        Assert.That(await ExecuteAsync(path, "PRAGMA user_version"), Is.EqualTo(SqliteSql.SchemaVersion));
        Assert.That(SqliteSql.SchemaVersion, Is.EqualTo(8));
    }

    [Test]
    public async Task Two_stores_on_one_file_racing_claims_on_ten_imports_claim_each_once_and_the_losers_fenced_write_is_refused()
    {
        var path = _folder.File();
        await using var first = NewStore(path);
        await using var second = NewStore(path);
        var items = new List<ImportWorkItem>();
        for (var i = 0; i < 10; i++)
        {
            var item = NewItem(i);
            items.Add(item);
            await (i % 2 == 0 ? first : second).EnqueueAsync(item, new MemoryStream([(byte)i]), 100);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<List<ImportLease>> ClaimAllAsync(SqliteInviteHistoryStore store, string owner)
        {
            await start.Task.ConfigureAwait(false);
            var won = new List<ImportLease>();
            while (await store.ClaimAsync(owner, Lease, T0).ConfigureAwait(false) is { } lease)
            {
                won.Add(lease);
            }

            return won;
        }

        var firstClaims = Task.Run(() => ClaimAllAsync(first, "process-1"));
        var secondClaims = Task.Run(() => ClaimAllAsync(second, "process-2"));
        start.SetResult();
        var byFirst = await firstClaims;
        var bySecond = await secondClaims;

        var all = byFirst.Concat(bySecond).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(all.Select(l => l.ImportId), Is.EquivalentTo(items.Select(i => i.ImportId)), "each import claimed exactly once");
            Assert.That(all.Select(l => l.Fence), Is.All.EqualTo(1L));
            Assert.That((await first.CountUnfinishedAsync()).Claimed, Is.EqualTo(10));
        }

        // The oldest import's lease expires; the store that did not hold it takes it over, and the holder's write is refused.
        var oldest = all.Single(l => l.ImportId == items[0].ImportId);
        var (holder, other) = byFirst.Contains(oldest) ? (first, second) : (second, first);
        var takeover = await other.ClaimAsync("process-3", Lease, oldest.ExpiresAt);
        Assert.That(takeover?.ImportId, Is.EqualTo(oldest.ImportId));
        Assert.That(takeover!.Fence, Is.EqualTo(2));

        var report = new BulkInviteReport { ImportId = oldest.ImportId, TenantId = Tenant, FileName = "invitees-0.txt", InitiatedBy = "admin", CreatedAt = T0 };
        Assert.That(() => holder.WithLease(oldest).CreateImportAsync(report), Throws.TypeOf<ImportLeaseLostException>());
        Assert.That(await holder.RenewAsync(oldest, Lease, oldest.ExpiresAt, progress: null), Is.False);
        Assert.That(await first.GetImportAsync(Tenant, oldest.ImportId), Is.Null, "nothing of the refused write is stored");
        await other.WithLease(takeover).CreateImportAsync(report with { RunBy = "process-3" });
        Assert.That((await holder.GetImportAsync(Tenant, oldest.ImportId))?.RunBy, Is.EqualTo("process-3"), "the new holder's write is seen by the other process");
    }

    [Test]
    public async Task A_slow_upload_holds_no_lock_that_another_process_waits_for()
    {
        var path = _folder.File();
        await using var uploader = NewStore(path);
        await using var other = new SqliteInviteHistoryStore(new SqliteHistoryStoreOptions { DatabasePath = path, BusyTimeout = TimeSpan.FromMilliseconds(500) });
        await other.CreateImportAsync(new BulkInviteReport { ImportId = Guid.NewGuid(), TenantId = Tenant, FileName = "a.txt", InitiatedBy = "admin", CreatedAt = T0 });
        var upload = new StalledStream(new byte[3 * 1024 * 1024]);
        var item = NewItem(0);

        var enqueue = uploader.EnqueueAsync(item, upload, 10 * 1024 * 1024);
        await upload.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
        await other.CreateImportAsync(new BulkInviteReport { ImportId = Guid.NewGuid(), TenantId = Tenant, FileName = "b.txt", InitiatedBy = "admin", CreatedAt = T0 });
        var claimWhileUploading = await other.ClaimAsync("process-2", Lease, T0);
        upload.Resume();
        await enqueue;

        Assert.That(claimWhileUploading, Is.Null, "the import is not there before its upload is whole");
        var lease = await other.ClaimAsync("process-2", Lease, T0);
        Assert.That(lease?.ImportId, Is.EqualTo(item.ImportId));
    }

    [Test]
    public async Task An_upload_reads_whole_through_synchronous_reads_and_a_read_after_the_end_fails_instead_of_ending_short()
    {
        var path = _folder.File();
        await using var store = NewStore(path);
        var content = new byte[(2 * 1024 * 1024) + 100];
        new Random(3).NextBytes(content);
        await store.EnqueueAsync(NewItem(0), new MemoryStream(content), content.Length);
        var lease = await store.ClaimAsync("process-1", Lease, T0);

        await using (var upload = await store.OpenUploadAsync(lease!))
        {
            using var copy = new MemoryStream();
            upload.CopyTo(copy, 100_000);
            Assert.That(copy.ToArray().AsSpan().SequenceEqual(content), Is.True);
        }

        await using var late = await store.OpenUploadAsync(lease!);
        var first = new byte[1000];
        await late.ReadExactlyAsync(first);
        await store.CompleteAsync(lease!, QueuedImportStatus.Completed, null, null, T0);
        Assert.That(
            async () =>
            {
                var buffer = new byte[64 * 1024];
                while (await late.ReadAsync(buffer) > 0)
                {
                }
            },
            Throws.InstanceOf<IOException>(),
            "the rest of the upload is gone: an error, not a short upload");
    }

    /// <summary>An upload that gives its first MiB and then waits until it is resumed, as a slow client would.</summary>
    private sealed class StalledStream(byte[] content) : Stream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Stalled => _stalled.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Resume() => _resume.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= 1024 * 1024)
            {
                _stalled.TrySetResult();
                await _resume.Task.WaitAsync(cancellationToken);
            }

            var count = Math.Min(buffer.Length, content.Length - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Test]
    public async Task A_failed_copy_leaves_no_temporary_file_beside_the_database()
    {
        var path = _folder.File();
        await using var store = NewStore(path);
        await store.EnqueueAsync(NewItem(0), new MemoryStream(new byte[10]), 100);

        Assert.That(() => store.EnqueueAsync(NewItem(1), new MemoryStream(new byte[101]), 100), Throws.TypeOf<InviteLimitExceededException>());
        await store.EnqueueAsync(NewItem(2), new MemoryStream(new byte[100]), 100);

        Assert.That(Directory.GetFiles(_folder.Path, "*.upload"), Is.Empty);
    }
}
