namespace BulkInvite.PostgreSql;

/// <content>The statements of the work store: the <c>work</c> and <c>upload_chunks</c> tables, and the notification channel.</content>
internal static partial class PostgreSqlSql
{
    /// <summary>
    /// The channel that <see cref="NotifyWork"/> signals and the store's listener listens on: the schema's name with
    /// <c>_work</c>, so that stores on another schema of the same database are not woken by these imports.
    /// </summary>
    public const string WorkChannel = "bulkinvite_work";

    public const string ListenWork = "LISTEN " + WorkChannel;

    /// <summary>Sent in the transaction that queues or gives back an import: delivered to the listeners when it commits, and never if it rolls back.</summary>
    public const string NotifyWork = "SELECT pg_notify('" + WorkChannel + "', '')";

    /// <summary>The columns of an <see cref="ImportWorkItem"/>, read back by <c>PostgreSqlRows.ReadWorkItem</c> in this order.</summary>
    public const string WorkItemColumns = """
        import_id, tenant_id, initiated_by, file_name, mode, parser_name, sender_name, allow_repeat_upload, resend,
        queued_at, queued_offset
        """;

    /// <summary>Whether an import id is taken (by any tenant): checked before an upload is copied; the primary key decides a race.</summary>
    public const string WorkExists = "SELECT 1 FROM bulkinvite.work WHERE import_id = @import_id";

    public const string InsertWork = "INSERT INTO bulkinvite.work (" + WorkItemColumns + """
        , status, owner, fence, attempts, upload_bytes, upload_chunks
        ) VALUES (
            @import_id, @tenant_id, @initiated_by, @file_name, @mode, @parser_name, @sender_name, @allow_repeat_upload, @resend,
            @queued_at, @queued_offset, 0, NULL, 0, 0, @upload_bytes, @upload_chunks
        )
        """;

    /// <summary>An upload's chunks, by binary COPY, as the upload is read.</summary>
    public const string CopyUploadChunks = "COPY bulkinvite.upload_chunks (import_id, chunk_no, data) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The claim: the oldest row that is queued or whose lease has expired, found in order in <c>ix_work_claim</c> and
    /// locked <c>FOR NO KEY UPDATE SKIP LOCKED</c> (a row another claim, a renewal or an end holds is passed over, not
    /// waited for); then locked <c>FOR UPDATE</c>, which waits for the writes under the current lease that hold it
    /// <c>FOR KEY SHARE</c> (<see cref="LockWorkFence"/>) to commit; and taken in the same statement with the next
    /// fencing token.
    /// </summary>
    public const string ClaimWork = """
        WITH candidate AS (
            SELECT c.import_id FROM bulkinvite.work AS c
             WHERE c.status IN (0, 1) AND (c.status = 0 OR c.lease_expires_at <= @now)
             ORDER BY c.queued_at, c.import_id
             LIMIT 1
               FOR NO KEY UPDATE SKIP LOCKED),
        fenced AS (
            SELECT l.import_id FROM bulkinvite.work AS l JOIN candidate ON l.import_id = candidate.import_id
               FOR UPDATE OF l)
        UPDATE bulkinvite.work AS w
           SET status = 1, owner = @owner, fence = w.fence + 1, attempts = w.attempts + 1,
               lease_expires_at = @expires_at, lease_expires_offset = @expires_offset
          FROM fenced
         WHERE w.import_id = fenced.import_id
        RETURNING w.import_id, w.tenant_id, w.initiated_by, w.file_name, w.mode, w.parser_name, w.sender_name,
                  w.allow_repeat_upload, w.resend, w.queued_at, w.queued_offset, w.fence, w.attempts, w.parts
        """;

    /// <summary>
    /// Before <see cref="ClaimImport"/>: the import's row, if it has one, locked <c>FOR UPDATE</c>, which waits for the
    /// writes in flight under its current lease (<see cref="LockWorkFence"/>), as a claim does.
    /// </summary>
    public const string LockWorkForClaim = "SELECT 1 FROM bulkinvite.work WHERE import_id = @import_id FOR UPDATE";

    /// <summary>
    /// The claim of one import by its caller: a new row, claimed, with no upload (<c>upload_chunks</c> -1), or the row taken when it has ended or its
    /// lease has expired (or, with <c>@take_over</c>, is live); never a queued row, a row of another tenant, or a split
    /// import whose parts are sent (running with no lease).
    /// </summary>
    public const string ClaimImport = "INSERT INTO bulkinvite.work AS w (" + WorkItemColumns + """
        , status, owner, fence, attempts, lease_expires_at, lease_expires_offset, upload_bytes, upload_chunks
        ) VALUES (
            @import_id, @tenant_id, @initiated_by, @file_name, @mode, @parser_name, @sender_name, @allow_repeat_upload, @resend,
            @queued_at, @queued_offset, 1, @owner, 1, 1, @expires_at, @expires_offset, 0, -1
        )
        ON CONFLICT (import_id) DO UPDATE SET
            status = 1, owner = EXCLUDED.owner, fence = w.fence + 1, attempts = w.attempts + 1,
            lease_expires_at = EXCLUDED.lease_expires_at, lease_expires_offset = EXCLUDED.lease_expires_offset,
            error = NULL, error_code = NULL, ended_at = NULL, ended_offset = NULL
        WHERE w.tenant_id = EXCLUDED.tenant_id
          AND (w.status IN (2, 3) OR (w.status = 1 AND w.lease_expires_at IS NOT NULL AND (@take_over OR w.lease_expires_at <= @now)))
        RETURNING w.fence, w.attempts, w.parts
        """;

    /// <summary>
    /// The claim of a part, as <see cref="ClaimWork"/> claims an import: the oldest part that is queued or whose lease has
    /// expired, in <c>ix_work_parts_claim</c>, with its import's item.
    /// </summary>
    public const string ClaimPart = """
        WITH candidate AS (
            SELECT c.import_id, c.part_no FROM bulkinvite.work_parts AS c
             WHERE c.status IN (0, 1) AND (c.status = 0 OR c.lease_expires_at <= @now)
             ORDER BY c.queued_at, c.import_id, c.part_no
             LIMIT 1
               FOR NO KEY UPDATE SKIP LOCKED),
        fenced AS (
            SELECT l.import_id, l.part_no FROM bulkinvite.work_parts AS l
              JOIN candidate ON l.import_id = candidate.import_id AND l.part_no = candidate.part_no
               FOR UPDATE OF l)
        UPDATE bulkinvite.work_parts AS p
           SET status = 1, owner = @owner, fence = p.fence + 1, attempts = p.attempts + 1,
               lease_expires_at = @expires_at, lease_expires_offset = @expires_offset
          FROM fenced, bulkinvite.work AS w
         WHERE p.import_id = fenced.import_id AND p.part_no = fenced.part_no AND w.import_id = p.import_id
        RETURNING w.import_id, w.tenant_id, w.initiated_by, w.file_name, w.mode, w.parser_name, w.sender_name,
                  w.allow_repeat_upload, w.resend, w.queued_at, w.queued_offset, p.fence, p.attempts, w.parts,
                  p.part_no, p.first_sequence, p.last_sequence
        """;

    /// <summary>
    /// A split ends the lease on the import (a new fencing token) and leaves it running with no lease, which no claim
    /// takes, until its last part ends.
    /// </summary>
    public const string SplitWork = """
        UPDATE bulkinvite.work SET parts = @parts, owner = NULL, lease_expires_at = NULL, lease_expires_offset = NULL, fence = fence + 1
        """ + HeldLease + " AND parts = 0";

    /// <summary>The parts of a split, from arrays of their numbers and ranges.</summary>
    public const string InsertParts = """
        INSERT INTO bulkinvite.work_parts (import_id, part_no, tenant_id, first_sequence, last_sequence, queued_at, status, owner, fence, attempts)
        SELECT @import_id, p.part_no, @tenant_id, p.first_sequence, p.last_sequence, @queued_at, 0, NULL, 0, 0
          FROM unnest(@part_nos, @first_sequences, @last_sequences) AS p (part_no, first_sequence, last_sequence)
        """;

    /// <summary>The condition of every write under a part's lease.</summary>
    private const string HeldPart = " WHERE import_id = @import_id AND part_no = @part_no AND tenant_id = @tenant_id AND fence = @fence AND status = 1";

    public const string RenewPart = """
        UPDATE bulkinvite.work_parts
           SET lease_expires_at = @expires_at, lease_expires_offset = @expires_offset, progress = coalesce(@progress, progress)
        """ + HeldPart;

    public const string ReleasePart = "UPDATE bulkinvite.work_parts SET status = 0, lease_expires_at = NULL, lease_expires_offset = NULL" + HeldPart;

    /// <summary>
    /// A part's end takes the import's row first (<c>FOR NO KEY UPDATE</c>), so that the ends of an import's parts follow
    /// one another, and the last of them sees every other part ended (<see cref="ReopenSplitWork"/>).
    /// </summary>
    public const string LockWorkOfPart = "SELECT 1 FROM bulkinvite.work WHERE import_id = @import_id FOR NO KEY UPDATE";

    public const string CompletePart = "UPDATE bulkinvite.work_parts SET status = @status, lease_expires_at = NULL, lease_expires_offset = NULL" + HeldPart;

    /// <summary>
    /// Once its last part has ended, the import's lease reads as expired: the next claim takes it, to end it, as its first
    /// attempt (the parts counted their own).
    /// </summary>
    public const string ReopenSplitWork = """
        UPDATE bulkinvite.work SET lease_expires_at = @now, lease_expires_offset = 0, attempts = 0
         WHERE import_id = @import_id AND status = 1 AND parts > 0 AND lease_expires_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM bulkinvite.work_parts AS p WHERE p.import_id = @import_id AND p.status IN (0, 1))
        """;

    public const string DeleteParts = "DELETE FROM bulkinvite.work_parts WHERE import_id = @import_id";

    /// <summary>The fence of a write under a part's lease, as <see cref="LockWorkFence"/> for an import's.</summary>
    public const string LockPartFence = "SELECT fence, status FROM bulkinvite.work_parts WHERE import_id = @import_id AND part_no = @part_no AND tenant_id = @tenant_id FOR KEY SHARE";

    /// <summary>The condition of every write under a lease: the row still has the lease's fencing token and runs.</summary>
    private const string HeldLease = " WHERE import_id = @import_id AND tenant_id = @tenant_id AND fence = @fence AND status = 1";

    public const string RenewWork = """
        UPDATE bulkinvite.work
           SET lease_expires_at = @expires_at, lease_expires_offset = @expires_offset, progress = coalesce(@progress, progress)
        """ + HeldLease;

    /// <summary>A release keeps the owner (the state shows who ran it last) and the import's place in the queue.</summary>
    public const string ReleaseWork = """
        UPDATE bulkinvite.work SET status = 0, lease_expires_at = NULL, lease_expires_offset = NULL
        """ + HeldLease;

    public const string CompleteWork = """
        UPDATE bulkinvite.work
           SET status = @status, error = @error, error_code = @error_code, ended_at = @ended_at, ended_offset = @ended_offset,
               lease_expires_at = NULL, lease_expires_offset = NULL
        """ + HeldLease;

    public const string DeleteUploadChunks = "DELETE FROM bulkinvite.upload_chunks WHERE import_id = @import_id";

    /// <summary>The upload of an import of the tenant that has not ended: its length and number of chunks (an import run by its caller has none).</summary>
    public const string SelectUpload = """
        SELECT upload_bytes, upload_chunks FROM bulkinvite.work
         WHERE import_id = @import_id AND tenant_id = @tenant_id AND status IN (0, 1) AND upload_chunks >= 0
        """;

    /// <summary>One chunk of an upload, by primary key, through the work row of the tenant.</summary>
    public const string SelectUploadChunk = """
        SELECT c.data FROM bulkinvite.upload_chunks AS c JOIN bulkinvite.work AS w ON w.import_id = c.import_id
         WHERE c.import_id = @import_id AND c.chunk_no = @chunk_no AND w.import_id = @import_id AND w.tenant_id = @tenant_id
        """;

    /// <summary>
    /// An import's state; while its parts run, also the instances that hold live leases on them, and when the last of
    /// those leases expires.
    /// </summary>
    public const string SelectWorkState = """
        SELECT w.file_name, w.mode, w.status, w.queued_at, w.queued_offset, w.owner, w.lease_expires_at, w.lease_expires_offset,
               w.attempts, w.progress, w.error, w.error_code, w.parts, o.owners, o.expires_at
          FROM bulkinvite.work AS w
          LEFT JOIN LATERAL (
              SELECT string_agg(DISTINCT p.owner, ', ' ORDER BY p.owner) AS owners, max(p.lease_expires_at) AS expires_at
                FROM bulkinvite.work_parts AS p
               WHERE p.import_id = w.import_id AND w.status = 1 AND w.parts > 0 AND p.status = 1 AND p.lease_expires_at > @now) AS o ON true
         WHERE w.import_id = @import_id AND w.tenant_id = @tenant_id
        """;

    /// <summary>The unfinished rows of every tenant, counted in <c>ix_work_claim</c>.</summary>
    public const string CountUnfinishedWork = """
        SELECT count(*) FILTER (WHERE status = 0), count(*) FILTER (WHERE status = 1)
          FROM bulkinvite.work WHERE status IN (0, 1)
        """;

    /// <summary>
    /// The fence of a write under a lease, in the write's transaction: the row is held <c>FOR KEY SHARE</c> until the
    /// write commits, so that no claim comes between the check and the write. A claim waits for it (its
    /// <c>FOR UPDATE</c> conflicts), while the claims' own <c>FOR NO KEY UPDATE SKIP LOCKED</c> does not pass the row over
    /// and the lease's renewals do not wait; writes under one lease share it. Like every write's transaction, it may not
    /// sit idle for more than <see cref="WriteIdleTimeout"/>.
    /// </summary>
    public const string LockWorkFence = "SELECT fence, status FROM bulkinvite.work WHERE import_id = @import_id AND tenant_id = @tenant_id FOR KEY SHARE";

    /// <summary>How long a write's transaction may wait between its statements (a write never waits on anything but the server).</summary>
    public const string WriteIdleTimeout = "5s";

    /// <summary>
    /// The first statement of every write's transaction: it may not sit idle for more than <see cref="WriteIdleTimeout"/>.
    /// A worker paused (SIGSTOP) or cut off inside a write that holds a work row (a fenced write's
    /// <see cref="LockWorkFence"/>, a renewal's or a claim's update before its commit) would otherwise keep every claim
    /// waiting for, or passing over, that row for as long as its connection stays open; the server ends its session
    /// instead, and the write is undone.
    /// </summary>
    public const string LimitWriteIdle = "SET LOCAL idle_in_transaction_session_timeout = '" + WriteIdleTimeout + "'";

    /// <summary>
    /// Retention of work rows, a range of <c>ix_work_tenant</c>: the ended ones of the tenant's imports created before the
    /// cutoff, and the ended ones queued before the cutoff that have no report (they failed before it was recorded).
    /// Queued and running rows are kept. An ended row has no upload left: the end deleted it in its transaction.
    /// </summary>
    public const string DeleteWorkBefore = """
        DELETE FROM bulkinvite.work AS w
         WHERE w.tenant_id = @tenant_id AND w.status IN (2, 3)
           AND (w.import_id IN (SELECT import_id FROM bulkinvite.imports WHERE tenant_id = @tenant_id AND created_at < @cutoff)
                OR (w.queued_at < @cutoff
                    AND NOT EXISTS (SELECT 1 FROM bulkinvite.imports AS i WHERE i.import_id = w.import_id AND i.tenant_id = @tenant_id)))
        """;
}
