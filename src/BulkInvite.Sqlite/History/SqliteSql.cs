namespace BulkInvite.Sqlite;

/// <summary>
/// The schema and every statement the store runs. Each value is bound as a parameter; nothing is concatenated
/// into SQL.
/// </summary>
/// <remarks>
/// Times are kept exactly as given: the UTC instant in ticks (<c>*_at</c>, ordered and filtered on) and the
/// offset from UTC in minutes (<c>*_offset</c>), so a <see cref="DateTimeOffset"/> reads back with the same
/// instant and the same offset. Import ids are lower-case <c>D</c>-format text, whose ordinal order is the
/// order of <see cref="Guid.CompareTo(Guid)"/>.
/// </remarks>
internal static class SqliteSql
{
    /// <summary>The schema version this store writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 8;

    /// <summary>
    /// The page size of a new database file, set before anything is written to it (a file in WAL mode keeps the size
    /// it was created with). Staging appends rows at the right edge of the entries' tree: with pages of 16 KiB rather
    /// than SQLite's 4 KiB, fewer pages split and fewer frames go through the write-ahead log and its checkpoints
    /// (<c>docs/benchmarks.md</c>, "SQLite files of 16 KiB pages": SQLite's own write of a million entries about a fifth faster,
    /// the tool's staging in a 1 M preview −10 %). A file created before keeps its size.
    /// </summary>
    public const string NewFilePageSize = "PRAGMA page_size = 16384";

    /// <summary>
    /// What brings a database of each version (the index, from 0, an empty database) to <see cref="SchemaVersion"/>: one
    /// script a version, each ending in the next one's, so that a new version is one more script here
    /// (<c>SqliteInviteHistoryStoreTests</c> checks that every version below the current one has its script).
    /// </summary>
    public static readonly IReadOnlyList<string> ScriptFrom = [CreateSchema, MigrateFrom1, MigrateFrom2, MigrateFrom3, MigrateFrom4, MigrateFrom5, MigrateFrom6, MigrateFrom7];

    public const string CreateSchema = CreateImports + CreateEntries + CreateOutcomeIndex + CreateInvitations + CreateWork + CreateWorkParts + """
        PRAGMA user_version = 8;
        """;

    /// <summary>
    /// The imports. <c>import_no</c> (the row id) is the import's number inside the file, which its entries carry in
    /// their key instead of the 36 characters of <c>import_id</c>; it is never shown outside the store.
    /// </summary>
    private const string CreateImports = """
        CREATE TABLE imports (
            import_no INTEGER PRIMARY KEY,
            import_id TEXT NOT NULL UNIQUE,
            tenant_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            initiated_by TEXT NOT NULL,
            is_preview INTEGER NOT NULL,
            status INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            created_offset INTEGER NOT NULL,
            completed_at INTEGER NULL,
            completed_offset INTEGER NULL,
            parser_name TEXT NULL,
            error TEXT NULL,
            pending_count INTEGER NOT NULL,
            invited_count INTEGER NOT NULL,
            invalid_count INTEGER NOT NULL,
            duplicate_count INTEGER NOT NULL,
            existing_user_count INTEGER NOT NULL,
            already_invited_count INTEGER NOT NULL,
            failed_count INTEGER NOT NULL,
            skipped_count INTEGER NOT NULL,
            sender_name TEXT NULL,
            resend INTEGER NOT NULL,
            content_hash TEXT NULL,
            updated_at INTEGER NULL,
            updated_offset INTEGER NULL,
            sending_count INTEGER NOT NULL DEFAULT 0,
            unknown_count INTEGER NOT NULL DEFAULT 0,
            run_by TEXT NULL
        );
        CREATE INDEX ix_imports_history ON imports (tenant_id, is_preview, created_at DESC, import_id DESC);
        CREATE INDEX ix_imports_content ON imports (tenant_id, content_hash, created_at);
        """;

    /// <summary>
    /// The entries, keyed by their import's number and their sequence number. <c>address_key</c> is empty for an ASCII
    /// address (<see cref="EntryAddressKey"/>).
    /// </summary>
    private const string CreateEntries = """
        CREATE TABLE entries (
            import_no INTEGER NOT NULL REFERENCES imports (import_no),
            sequence INTEGER NOT NULL,
            line INTEGER NOT NULL,
            address TEXT NOT NULL,
            address_key TEXT NOT NULL,
            outcome INTEGER NOT NULL,
            reason TEXT NULL,
            detail TEXT NULL,
            duplicate_of_line INTEGER NULL,
            status_code INTEGER NULL,
            display_name TEXT NULL,
            fields TEXT NULL,
            updated_at INTEGER NOT NULL,
            updated_offset INTEGER NOT NULL,
            PRIMARY KEY (import_no, sequence)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// The entries of each outcome but <see cref="InviteOutcome.Pending"/>, in sequence order: the report's pages of one
    /// outcome and their counts. Pending entries are left out: staging stores most entries as pending, and writing each
    /// of them into a second tree too made staging half again as slow; pending entries are read by the primary key, in
    /// sequence order, where they are (sending and the checks page forward through them).
    /// </summary>
    private const string CreateOutcomeIndex = """
        CREATE INDEX ix_entries_outcome ON entries (import_no, outcome, sequence) WHERE outcome <> 0;
        """;

    /// <summary>
    /// The ledger: one invitation per invited entry, keyed by tenant and id (time-ordered, so a tenant's list is a range
    /// of the table). Only the keyed hash of the current token is kept (<c>token_hash</c>, unique); times are UTC ticks.
    /// Three indexes only, each written on every send: the entry (the upsert's target), the token, and live addresses. <c>address_key</c> is the comparison key
    /// (<see cref="EmailAddressNormalizer"/>), <c>address_upper</c> the address in invariant upper case, which privacy
    /// deletes match as they match entries. <c>ux_invitations_live</c> lets an address of a tenant have one live
    /// (pending or accepted) invitation: the index, not timing, decides between imports that send it at once.
    /// </summary>
    private const string CreateInvitations = """
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

    /// <summary>Schema 1 to 2: the counts of entries being sent and of entries whose delivery is unknown.</summary>
    public const string MigrateFrom1 = """
        ALTER TABLE imports ADD COLUMN sending_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE imports ADD COLUMN unknown_count INTEGER NOT NULL DEFAULT 0;
        PRAGMA user_version = 2;
        """ + MigrateFrom2;

    /// <summary>Schema 2 to 3: the invitation ledger (the imports and entries are left as they are).</summary>
    public const string MigrateFrom2 = CreateInvitations + """
        PRAGMA user_version = 3;
        """ + MigrateFrom3;

    /// <summary>Schema 3 to 4: the queue of background imports, and the worker that ran each import last.</summary>
    public const string MigrateFrom3 = """
        ALTER TABLE imports ADD COLUMN run_by TEXT NULL;
        """ + CreateWork + """
        PRAGMA user_version = 4;
        """ + MigrateFrom4;

    /// <summary>Schema 4 to 5: the parts of imports whose sending is shared by several workers.</summary>
    public const string MigrateFrom4 = CreateWorkParts + """
        PRAGMA user_version = 5;
        """ + MigrateFrom5;

    /// <summary>Schema 5 to 6: the outcome index leaves pending entries out.</summary>
    public const string MigrateFrom5 = """
        DROP INDEX ix_entries_outcome;
        CREATE INDEX ix_entries_outcome ON entries (import_id, outcome, sequence) WHERE outcome <> 0;
        PRAGMA user_version = 6;
        """ + MigrateFrom6;

    /// <summary>
    /// Schema 6 to 7: an entry's <c>address_key</c> may be empty, for an ASCII address, whose key is then
    /// <c>upper(address)</c> (<see cref="EntryAddressKey"/>). Rows written before keep their keys; nothing is rewritten.
    /// The version changes so that an older store, which reads the column alone, does not open the file.
    /// </summary>
    public const string MigrateFrom6 = """
        PRAGMA user_version = 7;
        """ + MigrateFrom7;

    /// <summary>
    /// Schema 7 to 8: entries are keyed by their import's number (<c>import_no</c>, the imports' row id) instead of its
    /// 36-character id. Both tables are written anew (the old ones renamed aside, copied, dropped), in the one transaction
    /// of the migration: each entry's row is about a third shorter, and staging writes that much less (the file grows by
    /// the new tables; later imports reuse the old ones' room).
    /// The entries keep their keys as written (<c>address_key</c> empty or full).
    /// </summary>
    public const string MigrateFrom7 = """
        ALTER TABLE imports RENAME TO imports_7;
        DROP INDEX ix_imports_history;
        DROP INDEX ix_imports_content;
        """ + CreateImports + """
        INSERT INTO imports (
            import_no, import_id, tenant_id, file_name, initiated_by, is_preview, status, created_at, created_offset,
            completed_at, completed_offset, parser_name, error, pending_count, invited_count, invalid_count, duplicate_count,
            existing_user_count, already_invited_count, failed_count, skipped_count, sender_name, resend, content_hash,
            updated_at, updated_offset, sending_count, unknown_count, run_by)
        SELECT
            rowid, import_id, tenant_id, file_name, initiated_by, is_preview, status, created_at, created_offset,
            completed_at, completed_offset, parser_name, error, pending_count, invited_count, invalid_count, duplicate_count,
            existing_user_count, already_invited_count, failed_count, skipped_count, sender_name, resend, content_hash,
            updated_at, updated_offset, sending_count, unknown_count, run_by
        FROM imports_7;
        ALTER TABLE entries RENAME TO entries_7;
        DROP INDEX ix_entries_outcome;
        """ + CreateEntries + """
        INSERT INTO entries (
            import_no, sequence, line, address, address_key, outcome, reason, detail, duplicate_of_line, status_code,
            display_name, fields, updated_at, updated_offset)
        SELECT
            i.import_no, e.sequence, e.line, e.address, e.address_key, e.outcome, e.reason, e.detail, e.duplicate_of_line,
            e.status_code, e.display_name, e.fields, e.updated_at, e.updated_offset
        FROM entries_7 AS e JOIN imports AS i ON i.import_id = e.import_id;
        DROP TABLE entries_7;
        DROP TABLE imports_7;
        """ + CreateOutcomeIndex + """
        PRAGMA user_version = 8;
        """;

    /// <summary>
    /// An entry's comparison key (<see cref="SqliteRows.AddressKey"/>) as stored from schema 7: in <c>address_key</c>, or,
    /// when that is empty, the upper case of the address, which is ASCII (SQLite's <c>upper()</c> changes ASCII letters,
    /// and for ASCII text gives what <see cref="string.ToUpperInvariant()"/> gives). An ASCII address, most of them, is
    /// not stored twice: each entry's row is about a fifth shorter, and staging writes that much less.
    /// </summary>
    private const string EntryAddressKey = "(CASE WHEN address_key = '' THEN upper(address) ELSE address_key END)";

    /// <summary>
    /// The queue of background imports (<see cref="IImportWorkStore"/>): one row per queued import (<c>work</c>), its
    /// upload in chunks of 1 MiB (<c>work_uploads</c>, a rowid table, as SQLite keeps large rows best). Statuses are
    /// <see cref="QueuedImportStatus"/>'s values; times are UTC ticks, the queue time with its offset.
    /// <c>ix_work_claim</c> orders the queued and the running rows by age, so that a claim reads the head of one range
    /// and the expired leases among the running, never the ended rows; <c>ix_work_tenant</c> serves retention.
    /// </summary>
    private const string CreateWork = """
        CREATE TABLE work (
            import_id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            initiated_by TEXT NOT NULL,
            file_name TEXT NOT NULL,
            mode INTEGER NOT NULL,
            parser_name TEXT NULL,
            sender_name TEXT NULL,
            allow_repeat INTEGER NOT NULL,
            resend INTEGER NOT NULL,
            queued_at INTEGER NOT NULL,
            queued_offset INTEGER NOT NULL,
            status INTEGER NOT NULL,
            owner TEXT NULL,
            fence INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            lease_expires_at INTEGER NULL,
            progress TEXT NULL,
            error TEXT NULL,
            error_code INTEGER NULL,
            ended_at INTEGER NULL,
            ended_offset INTEGER NULL,
            upload_bytes INTEGER NOT NULL,
            upload_chunks INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ix_work_claim ON work (status, queued_at, import_id, lease_expires_at);
        CREATE INDEX ix_work_tenant ON work (tenant_id, status, queued_at);
        CREATE TABLE work_uploads (
            import_id TEXT NOT NULL,
            chunk INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (import_id, chunk)
        );
        """;

    /// <summary>
    /// The parts of imports whose sending is shared (<see cref="IImportWorkStore.SplitAsync"/>): one row per part, with
    /// its range of sequence numbers and a lease of its own. <c>work.parts</c> counts them (0 until the import is split).
    /// <c>ix_work_parts_claim</c> serves the claim as <c>ix_work_claim</c> does. A part's rows are deleted when its import ends.
    /// </summary>
    private const string CreateWorkParts = """
        ALTER TABLE work ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE work_parts (
            import_id TEXT NOT NULL,
            part_no INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            first_sequence INTEGER NOT NULL,
            last_sequence INTEGER NOT NULL,
            queued_at INTEGER NOT NULL,
            status INTEGER NOT NULL,
            owner TEXT NULL,
            fence INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            lease_expires_at INTEGER NULL,
            progress TEXT NULL,
            PRIMARY KEY (import_id, part_no)
        ) WITHOUT ROWID;
        CREATE INDEX ix_work_parts_claim ON work_parts (status, queued_at, import_id, part_no, lease_expires_at);
        """;

    private const string WorkColumns = """
        import_id, tenant_id, initiated_by, file_name, mode, parser_name, sender_name, allow_repeat, resend, queued_at,
        queued_offset, status, owner, fence, attempts, lease_expires_at, progress, error, error_code, upload_chunks, parts
        """;

    public const string InsertWork = """
        INSERT INTO work (
            import_id, tenant_id, initiated_by, file_name, mode, parser_name, sender_name, allow_repeat, resend, queued_at,
            queued_offset, status, owner, fence, attempts, upload_bytes, upload_chunks
        ) VALUES (
            $import_id, $tenant_id, $initiated_by, $file_name, $mode, $parser_name, $sender_name, $allow_repeat, $resend, $queued_at,
            $queued_offset, 0, NULL, 0, 0, $upload_bytes, $upload_chunks
        )
        """;

    public const string InsertUploadChunk = "INSERT INTO work_uploads (import_id, chunk, data) VALUES ($import_id, $chunk, $data)";

    public const string WorkExists = "SELECT 1 FROM work WHERE import_id = $import_id";

    /// <summary>The import queued longest: the head of the queued range of <c>ix_work_claim</c>.</summary>
    public const string NextQueuedWork = """
        SELECT import_id, queued_at FROM work WHERE status = 0 ORDER BY queued_at, import_id LIMIT 1
        """;

    /// <summary>The oldest running import whose lease has expired: the running range of <c>ix_work_claim</c>, which holds only claimed rows.</summary>
    public const string NextExpiredWork = """
        SELECT import_id, queued_at FROM work WHERE status = 1 AND lease_expires_at <= $now ORDER BY queued_at, import_id LIMIT 1
        """;

    /// <summary>
    /// The claim of one import by its caller: a new row, claimed, with no upload (<c>upload_chunks</c> -1), or the row taken when it has ended or its
    /// lease has expired (or, with <c>$take_over</c>, is live); never a queued row, a row of another tenant, or a split
    /// import whose parts are sent (running with no lease).
    /// </summary>
    public const string ClaimImport = """
        INSERT INTO work (
            import_id, tenant_id, initiated_by, file_name, mode, parser_name, sender_name, allow_repeat, resend, queued_at,
            queued_offset, status, owner, fence, attempts, lease_expires_at, upload_bytes, upload_chunks
        ) VALUES (
            $import_id, $tenant_id, $initiated_by, $file_name, $mode, $parser_name, $sender_name, $allow_repeat, $resend, $queued_at,
            $queued_offset, 1, $owner, 1, 1, $expires_at, 0, -1
        )
        ON CONFLICT (import_id) DO UPDATE SET
            status = 1, owner = excluded.owner, fence = work.fence + 1, attempts = work.attempts + 1,
            lease_expires_at = excluded.lease_expires_at, error = NULL, error_code = NULL, ended_at = NULL, ended_offset = NULL
        WHERE work.tenant_id = excluded.tenant_id
          AND (work.status IN (2, 3) OR (work.status = 1 AND work.lease_expires_at IS NOT NULL AND ($take_over = 1 OR work.lease_expires_at <= $now)))
        RETURNING fence, attempts, parts
        """;

    /// <summary>The part queued longest: the head of the queued range of <c>ix_work_parts_claim</c>.</summary>
    public const string NextQueuedPart = """
        SELECT import_id, part_no FROM work_parts WHERE status = 0 ORDER BY queued_at, import_id, part_no LIMIT 1
        """;

    /// <summary>The oldest running part whose lease has expired.</summary>
    public const string NextExpiredPart = """
        SELECT import_id, part_no FROM work_parts WHERE status = 1 AND lease_expires_at <= $now ORDER BY queued_at, import_id, part_no LIMIT 1
        """;

    /// <summary>A claim of the part chosen, in the same write transaction: a new fencing token and attempt, and the lease.</summary>
    public const string ClaimPart = """
        UPDATE work_parts SET status = 1, owner = $owner, fence = fence + 1, attempts = attempts + 1, lease_expires_at = $expires_at
        WHERE import_id = $import_id AND part_no = $part_no
        RETURNING fence, attempts, first_sequence, last_sequence
        """;

    /// <summary>The item of the import of a claimed part.</summary>
    public const string SelectWorkOfPart = "SELECT " + WorkColumns + " FROM work WHERE import_id = $import_id";

    /// <summary>
    /// A split ends the lease on the import (a new fencing token) and leaves it running with no lease, which no claim
    /// takes, until its last part ends.
    /// </summary>
    public const string SplitWork = """
        UPDATE work SET parts = $parts, owner = NULL, lease_expires_at = NULL, fence = fence + 1
        WHERE import_id = $import_id AND tenant_id = $tenant_id AND fence = $fence AND status = 1 AND parts = 0
        """;

    public const string InsertPart = """
        INSERT INTO work_parts (import_id, part_no, tenant_id, first_sequence, last_sequence, queued_at, status, owner, fence, attempts)
        VALUES ($import_id, $part_no, $tenant_id, $first_sequence, $last_sequence, $queued_at, 0, NULL, 0, 0)
        """;

    /// <summary>Whether a part's lease is still held (the fenced writes' check of a part's lease).</summary>
    public const string PartLeaseHeld = """
        SELECT 1 FROM work_parts WHERE import_id = $import_id AND part_no = $part_no AND tenant_id = $tenant_id AND fence = $fence AND status = 1
        """;

    private const string HeldPart = " WHERE import_id = $import_id AND part_no = $part_no AND tenant_id = $tenant_id AND fence = $fence AND status = 1";

    public const string RenewPart = "UPDATE work_parts SET lease_expires_at = $expires_at, progress = coalesce($progress, progress)" + HeldPart;

    public const string ReleasePart = "UPDATE work_parts SET status = 0, lease_expires_at = NULL" + HeldPart;

    public const string CompletePart = "UPDATE work_parts SET status = $status, lease_expires_at = NULL" + HeldPart;

    /// <summary>
    /// Once its last part has ended, the import's lease reads as expired: the next claim takes it, to end it, as its first
    /// attempt (the parts counted their own).
    /// </summary>
    public const string ReopenSplitWork = """
        UPDATE work SET lease_expires_at = $now, attempts = 0
        WHERE import_id = $import_id AND status = 1 AND parts > 0 AND lease_expires_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM work_parts WHERE import_id = $import_id AND status IN (0, 1))
        """;

    /// <summary>The instances that hold live leases on an import's parts, and when the last of those leases expires.</summary>
    public const string SelectPartOwners = """
        SELECT owner, lease_expires_at FROM work_parts
        WHERE import_id = $import_id AND status = 1 AND lease_expires_at > $now
        ORDER BY owner
        """;

    public const string DeleteParts = "DELETE FROM work_parts WHERE import_id = $import_id";

    /// <summary>A claim of the import chosen, in the same write transaction: a new fencing token and attempt, and the lease.</summary>
    public const string ClaimWork = """
        UPDATE work SET status = 1, owner = $owner, fence = fence + 1, attempts = attempts + 1, lease_expires_at = $expires_at
        WHERE import_id = $import_id
        RETURNING
        """ + " " + WorkColumns;

    /// <summary>Whether a lease is still held: no later claim, and the import still runs (the fenced writes' check).</summary>
    public const string LeaseHeld = """
        SELECT 1 FROM work WHERE import_id = $import_id AND tenant_id = $tenant_id AND fence = $fence AND status = 1
        """;

    public const string RenewWork = """
        UPDATE work SET lease_expires_at = $expires_at, progress = coalesce($progress, progress)
        WHERE import_id = $import_id AND tenant_id = $tenant_id AND fence = $fence AND status = 1
        """;

    public const string ReleaseWork = """
        UPDATE work SET status = 0, lease_expires_at = NULL
        WHERE import_id = $import_id AND tenant_id = $tenant_id AND fence = $fence AND status = 1
        """;

    public const string CompleteWork = """
        UPDATE work SET status = $status, error = $error, error_code = $error_code, ended_at = $ended_at,
            ended_offset = $ended_offset, lease_expires_at = NULL
        WHERE import_id = $import_id AND tenant_id = $tenant_id AND fence = $fence AND status = 1
        """;

    public const string DeleteUpload = "DELETE FROM work_uploads WHERE import_id = $import_id";

    public const string SelectWork = "SELECT " + WorkColumns + " FROM work WHERE import_id = $import_id AND tenant_id = $tenant_id";

    public const string SelectUploadChunk = "SELECT data FROM work_uploads WHERE import_id = $import_id AND chunk = $chunk";

    /// <summary>The unfinished imports of every tenant: two ranges of <c>ix_work_claim</c>, counted in the index.</summary>
    public const string CountUnfinishedWork = "SELECT status, COUNT(*) FROM work WHERE status IN (0, 1) GROUP BY status";

    /// <summary>
    /// Retention of the queue, before the imports are deleted: ended work of the imports about to be deleted, and ended
    /// work queued before the cutoff whose import has no report. Ended work has no upload left (its end deleted it).
    /// </summary>
    public const string DeleteEndedWorkBefore = """
        DELETE FROM work
        WHERE tenant_id = $tenant_id AND status IN (2, 3)
          AND (import_id IN (
                   SELECT import_id FROM imports
                   WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at < $cutoff)
               OR (queued_at < $cutoff AND NOT EXISTS (SELECT 1 FROM imports AS i WHERE i.import_id = work.import_id)))
        """;

    public const string ImportColumns = """
        import_id, tenant_id, file_name, initiated_by, is_preview, status, created_at, created_offset,
        completed_at, completed_offset, parser_name, error, pending_count, invited_count, invalid_count,
        duplicate_count, existing_user_count, already_invited_count, failed_count, skipped_count, sender_name, resend,
        content_hash, updated_at, updated_offset, sending_count, unknown_count, run_by
        """;

    public const string InsertImport = """
        INSERT INTO imports (
        """ + ImportColumns + """
        ) VALUES (
            $import_id, $tenant_id, $file_name, $initiated_by, $is_preview, $status, $created_at, $created_offset,
            $completed_at, $completed_offset, $parser_name, $error, $pending_count, $invited_count, $invalid_count,
            $duplicate_count, $existing_user_count, $already_invited_count, $failed_count, $skipped_count, $sender_name, $resend,
            $content_hash, $updated_at, $updated_offset, $sending_count, $unknown_count, $run_by
        )
        """;

    public const string UpdateImport = """
        UPDATE imports SET
            file_name = $file_name, initiated_by = $initiated_by, is_preview = $is_preview, status = $status,
            created_at = $created_at, created_offset = $created_offset, completed_at = $completed_at,
            completed_offset = $completed_offset, parser_name = $parser_name, error = $error,
            pending_count = $pending_count, invited_count = $invited_count, invalid_count = $invalid_count,
            duplicate_count = $duplicate_count, existing_user_count = $existing_user_count,
            already_invited_count = $already_invited_count, failed_count = $failed_count, skipped_count = $skipped_count,
            sender_name = $sender_name, resend = $resend, content_hash = $content_hash, updated_at = $updated_at,
            updated_offset = $updated_offset, sending_count = $sending_count, unknown_count = $unknown_count,
            run_by = $run_by
        WHERE import_id = $import_id AND tenant_id = $tenant_id
        """;

    public const string SelectImport = "SELECT " + ImportColumns + """
         FROM imports WHERE import_id = $import_id AND tenant_id = $tenant_id
        """;

    /// <summary>The number of the tenant's import (its entries' key), or no row.</summary>
    public const string ImportNumberOfTenant = "SELECT import_no FROM imports WHERE import_id = $import_id AND tenant_id = $tenant_id";

    /// <summary>History without previews: one range of <c>ix_imports_history</c>, already newest first.</summary>
    public const string ListImports = "SELECT " + ImportColumns + """
         FROM imports
        WHERE tenant_id = $tenant_id AND is_preview = 0 AND created_at >= $from AND created_at < $to
        ORDER BY created_at DESC, import_id DESC
        LIMIT $limit OFFSET $offset
        """;

    public const string CountImports = """
        SELECT COUNT(*) FROM imports
        WHERE tenant_id = $tenant_id AND is_preview = 0 AND created_at >= $from AND created_at < $to
        """;

    /// <summary>History with previews: two ranges of <c>ix_imports_history</c>, merged and sorted.</summary>
    public const string ListImportsWithPreviews = "SELECT " + ImportColumns + """
         FROM imports
        WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at >= $from AND created_at < $to
        ORDER BY created_at DESC, import_id DESC
        LIMIT $limit OFFSET $offset
        """;

    public const string CountImportsWithPreviews = """
        SELECT COUNT(*) FROM imports
        WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at >= $from AND created_at < $to
        """;

    /// <summary>Earlier imports of the same file (repeat uploads): one range of <c>ix_imports_content</c>.</summary>
    public const string ListImportsWithContentHash = "SELECT " + ImportColumns + """
         FROM imports
        WHERE tenant_id = $tenant_id AND content_hash = $content_hash AND created_at >= $from AND created_at < $to
          AND (is_preview = 0 OR $previews = 1)
        ORDER BY created_at DESC, import_id DESC
        LIMIT $limit OFFSET $offset
        """;

    public const string CountImportsWithContentHash = """
        SELECT COUNT(*) FROM imports
        WHERE tenant_id = $tenant_id AND content_hash = $content_hash AND created_at >= $from AND created_at < $to
          AND (is_preview = 0 OR $previews = 1)
        """;

    public const string InsertEntry = """
        INSERT INTO entries (
            import_no, sequence, line, address, address_key, outcome, reason, detail, duplicate_of_line, status_code,
            display_name, fields, updated_at, updated_offset
        ) VALUES (
            $import_no, $sequence, $line, $address, $address_key, $outcome, $reason, $detail, $duplicate_of_line, $status_code,
            $display_name, $fields, $updated_at, $updated_offset
        )
        """;

    public const string UpdateEntry = """
        UPDATE entries SET
            outcome = $outcome, reason = $reason, detail = $detail, status_code = $status_code,
            updated_at = $updated_at, updated_offset = $updated_offset
        WHERE import_no = $import_no AND sequence = $sequence
        """;

    /// <summary>
    /// The columns <see cref="SqliteEntryReader"/> reads, in its order. The last holds two flags that SQLite answers with
    /// the row, so that the reader does not ask each column: 1 when an integer column declared <c>NOT NULL</c> reads as
    /// null (only a damaged file holds such a row; a null address is told by its value, as every text column's), 2 when
    /// any of the six columns most entries leave null (reason to fields) has a value.
    /// </summary>
    private const string EntryColumns = """
        e.sequence, e.line, e.address, e.outcome, e.reason, e.detail, e.duplicate_of_line, e.status_code,
        e.display_name, e.fields, e.updated_at, e.updated_offset,
        (e.line IS NULL OR e.outcome IS NULL OR e.updated_at IS NULL OR e.updated_offset IS NULL)
        | ((e.reason IS NOT NULL OR e.detail IS NOT NULL OR e.duplicate_of_line IS NOT NULL OR e.status_code IS NOT NULL
            OR e.display_name IS NOT NULL OR e.fields IS NOT NULL) << 1) AS flags
        """;

    /// <summary>One keyset page of all entries (up to <c>$last</c>): the import by its id, then a range of the entries' primary key.</summary>
    public const string ListEntries = "SELECT " + EntryColumns + """
         FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND e.sequence > $after AND e.sequence <= $last
        ORDER BY e.sequence
        LIMIT $limit
        """;

    /// <summary>One keyset page of the entries of one outcome but pending: a range of <c>ix_entries_outcome</c>.</summary>
    /// <remarks>
    /// <c>unlikely()</c> tells the planner that one outcome is a small part of an import; without it, and without
    /// statistics, it would walk the primary key and filter, which reads every entry to find a few failures. The index
    /// leaves pending entries out, so the statement says <c>outcome &lt;&gt; 0</c> in so many words: SQLite uses a
    /// partial index only for a statement whose terms name its condition.
    /// </remarks>
    public const string ListEntriesWithOutcome = "SELECT " + EntryColumns + """
         FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND unlikely(e.outcome = $outcome) AND e.outcome <> 0
          AND e.sequence > $after AND e.sequence <= $last
        ORDER BY e.sequence
        LIMIT $limit
        """;

    /// <summary>
    /// One keyset page of the pending entries: a range of the primary key, from the page before, skipping the entries
    /// that have an outcome (those already sent, before a resume, lie behind the page before).
    /// </summary>
    public const string ListPendingEntries = "SELECT " + EntryColumns + """
         FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND e.outcome = 0 AND e.sequence > $after AND e.sequence <= $last
        ORDER BY e.sequence
        LIMIT $limit
        """;

    /// <summary>How many entries an import has: the import's range of the primary key (the outcome index leaves pending ones out).</summary>
    public const string CountEntries = """
        SELECT COUNT(*) FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id
        """;

    /// <summary>
    /// How many entries of one import that have an outcome (all but pending) lie in a range of sequence numbers, counted
    /// in <c>ix_entries_outcome</c> alone (one range of it per outcome): the check of a page read by the primary key
    /// against the other tree that holds those entries. The outcomes are <see cref="InviteOutcome"/>'s values, written
    /// into the statement as numbers.
    /// </summary>
    public static readonly string CountEntriesInOutcomeIndex = """
        SELECT COUNT(*) FROM imports AS i JOIN entries AS e INDEXED BY ix_entries_outcome ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND e.sequence > $after AND e.sequence <= $last AND e.outcome <> 0
          AND e.outcome IN (
        """ + string.Join(", ", Enum.GetValues<InviteOutcome>().Where(o => o != InviteOutcome.Pending).Select(o => ((int)o).ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";

    /// <summary>How many entries of one outcome but pending an import has: a range of <c>ix_entries_outcome</c> alone.</summary>
    public const string CountEntriesWithOutcome = """
        SELECT COUNT(*) FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND e.outcome = $outcome AND e.outcome <> 0
        """;

    /// <summary>How many pending entries an import has: the import's range of the primary key, each entry read.</summary>
    public const string CountPendingEntries = """
        SELECT COUNT(*) FROM imports AS i JOIN entries AS e ON e.import_no = i.import_no
        WHERE i.import_id = $import_id AND i.tenant_id = $tenant_id AND e.outcome = 0
        """;

    /// <summary>Retention, first step: the entries of a tenant's imports created before the cutoff, by primary key.</summary>
    public const string DeleteEntriesOfImportsCreatedBefore = """
        DELETE FROM entries
        WHERE import_no IN (
            SELECT import_no FROM imports
            WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at < $cutoff)
        """;

    /// <summary>Retention, second step: the imports themselves, a range of <c>ix_imports_history</c>.</summary>
    public const string DeleteImportsCreatedBefore = """
        DELETE FROM imports
        WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at < $cutoff
        """;

    /// <summary>The entries of one import of the tenant (a refused import keeps only its summary): a range of the primary key.</summary>
    public const string DeleteEntriesOfImport = """
        DELETE FROM entries
        WHERE import_no = (SELECT import_no FROM imports WHERE import_id = $import_id AND tenant_id = $tenant_id)
        """;

    /// <summary>
    /// A privacy request: the entries with one address key, each checked against its import's tenant by primary key.
    /// </summary>
    /// <remarks>
    /// This reads every entry (no index on <c>address_key</c>): an index ordered by address is written at random
    /// places on every staged entry and made staging several times slower, while privacy requests are rare; a
    /// scan of ten million entries takes seconds.
    /// </remarks>
    public const string DeleteEntriesWithAddress = """
        DELETE FROM entries
        WHERE
        """ + EntryAddressKey + """
         = $address_key
          AND EXISTS (SELECT 1 FROM imports AS i WHERE i.import_no = entries.import_no AND i.tenant_id = $tenant_id)
        """;

    private const string InvitationColumns = """
        invitation_id, tenant_id, import_id, sequence, line, address, address_key, display_name, fields, initiated_by,
        state, created_at, expires_at, accepted_at, revoked_at, send_count, last_sent_at, last_message_key, token_key_id
        """;

    public const string InsertInvitation = """
        INSERT INTO invitations (
            invitation_id, tenant_id, import_id, sequence, line, address, address_key, address_upper, display_name, fields,
            initiated_by, state, created_at, expires_at, send_count, last_sent_at, last_message_key, token_hash, token_key_id
        ) VALUES (
            $invitation_id, $tenant_id, $import_id, $sequence, $line, $address, $address_key, $address_upper, $display_name, $fields,
            $initiated_by, 0, $sent_at, $expires_at, 1, $sent_at, $message_key, $token_hash, $token_key_id
        )
        ON CONFLICT (tenant_id, import_id, sequence) DO UPDATE SET
            state = 0, expires_at = excluded.expires_at, send_count = send_count + 1, last_sent_at = excluded.last_sent_at,
            last_message_key = excluded.last_message_key, token_hash = excluded.token_hash, token_key_id = excluded.token_key_id
        WHERE state NOT IN (1, 3)
        """;

    /// <summary>Before a send: a pending invitation of the address that has expired by then holds nothing any more.</summary>
    public const string ExpireStaleOfAddress = """
        UPDATE invitations SET state = 2
        WHERE tenant_id = $tenant_id AND address_key = $address_key AND state IN (0, 1) AND state = 0 AND expires_at <= $sent_at
        """;

    /// <summary>A send that replaces pending invitations: those of other entries of the address are revoked.</summary>
    public const string RevokePendingOfAddress = """
        UPDATE invitations SET state = 3, revoked_at = $sent_at
        WHERE tenant_id = $tenant_id AND address_key = $address_key AND state IN (0, 1) AND state = 0
          AND NOT (import_id = $import_id AND sequence = $sequence)
        """;

    public const string SelectInvitationByToken = "SELECT " + InvitationColumns + " FROM invitations WHERE token_hash = $token_hash";

    public const string SelectInvitation = "SELECT " + InvitationColumns + " FROM invitations WHERE invitation_id = $invitation_id AND tenant_id = $tenant_id";

    /// <summary>The compare-and-set of an acceptance: one statement, so exactly one of concurrent accepts changes the row.</summary>
    public const string AcceptInvitation = """
        UPDATE invitations SET state = 1, accepted_at = $now
        WHERE token_hash = $token_hash AND state = 0 AND expires_at > $now
        RETURNING
        """ + " " + InvitationColumns;

    /// <summary>
    /// The live invitations (accepted, or pending and unexpired) of a batch of addresses, given as a JSON array of keys:
    /// one probe of <c>ux_invitations_live</c> per key inside one statement (the index named and the keys made the outer
    /// loop by <c>CROSS JOIN</c>, because without statistics the planner would walk the tenant's part of an index
    /// instead), each row with the key's place in the array last. The
    /// index holds at most one row in those states per key, so a key has at most one live invitation.
    /// </summary>
    public const string SelectLiveInvitations = "SELECT " + InvitationColumns + """
        , k.key
          FROM json_each($address_keys) AS k
         CROSS JOIN invitations AS i INDEXED BY ux_invitations_live
         WHERE i.tenant_id = $tenant_id AND i.address_key = k.value AND i.state IN (0, 1) AND (i.state = 1 OR i.expires_at > $as_of)
        """;

    /// <summary>The invitations of one import's entries in a range of sequence numbers (a page of its report): a range of <c>ux_invitations_entry</c>.</summary>
    public const string SelectInvitationsOfEntries = """
        SELECT sequence, invitation_id, state, expires_at, accepted_at, revoked_at, send_count
          FROM invitations
         WHERE tenant_id = $tenant_id AND import_id = $import_id AND sequence > $after AND sequence <= $last
        """;

    /// <summary>
    /// An import's invitations counted by their state at <c>$as_of</c>: a range of <c>ux_invitations_entry</c> (named,
    /// because without statistics the planner would walk the tenant's part of the primary key instead).
    /// </summary>
    public const string CountInvitationsOfImport = """
        SELECT CASE WHEN state = 0 AND expires_at <= $as_of THEN 2 ELSE state END AS state_at, COUNT(*)
          FROM invitations INDEXED BY ux_invitations_entry
         WHERE tenant_id = $tenant_id AND import_id = $import_id
         GROUP BY state_at
        """;

    /// <summary>One keyset page of a tenant's invitations; the state is the state at <c>$as_of</c>.</summary>
    public const string ListInvitations = "SELECT " + InvitationColumns + """
         FROM invitations
        WHERE tenant_id = $tenant_id AND invitation_id > $after
          AND ($import_id IS NULL OR import_id = $import_id)
          AND ($state IS NULL
               OR ($state = 0 AND state = 0 AND expires_at > $as_of)
               OR ($state = 2 AND (state = 2 OR (state = 0 AND expires_at <= $as_of)))
               OR ($state IN (1, 3) AND state = $state))
        ORDER BY invitation_id
        LIMIT $limit
        """;

    public const string RevokeInvitation = """
        UPDATE invitations SET state = 3, revoked_at = $now
        WHERE invitation_id = $invitation_id AND tenant_id = $tenant_id AND state = 0 AND expires_at > $now
        """;

    /// <summary>An import's open invitations revoked: a range of <c>ux_invitations_entry</c> (named, as the planner would walk the tenant's rows).</summary>
    public const string RevokeInvitationsOfImport = """
        UPDATE invitations INDEXED BY ux_invitations_entry SET state = 3, revoked_at = $now
        WHERE tenant_id = $tenant_id AND import_id = $import_id AND state = 0 AND expires_at > $now
        """;

    public const string ExpireInvitations = """
        UPDATE invitations SET state = 2
        WHERE tenant_id = $tenant_id AND state = 0 AND expires_at <= $now
        """;

    /// <summary>
    /// The pending invitation of an entry whose email was not sent or was refused, deleted
    /// (<see cref="InviteEntryUpdate.WithdrawsInvitation"/>): one key of <c>ux_invitations_entry</c>.
    /// </summary>
    public const string WithdrawPendingInvitation = """
        DELETE FROM invitations INDEXED BY ux_invitations_entry
        WHERE tenant_id = $tenant_id AND import_id = $import_id AND sequence = $sequence AND state = 0
        """;

    /// <summary>A refused import's invitations deleted: a range of <c>ux_invitations_entry</c>.</summary>
    public const string DeleteInvitationsOfImport = "DELETE FROM invitations INDEXED BY ux_invitations_entry WHERE tenant_id = $tenant_id AND import_id = $import_id";

    public const string DeleteInvitationsOfImportsCreatedBefore = """
        DELETE FROM invitations
        WHERE tenant_id = $tenant_id AND import_id IN (
            SELECT import_id FROM imports
            WHERE tenant_id = $tenant_id AND is_preview IN (0, 1) AND created_at < $cutoff)
        """;

    public const string DeleteInvitationsWithAddress = "DELETE FROM invitations WHERE tenant_id = $tenant_id AND address_upper = $address_key";
}
