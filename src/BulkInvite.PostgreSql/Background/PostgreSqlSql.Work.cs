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
                  w.allow_repeat_upload, w.resend, w.queued_at, w.queued_offset, w.fence, w.attempts
        """;

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

    /// <summary>The upload of an import of the tenant that has not ended: its length and number of chunks.</summary>
    public const string SelectUpload = """
        SELECT upload_bytes, upload_chunks FROM bulkinvite.work
         WHERE import_id = @import_id AND tenant_id = @tenant_id AND status IN (0, 1)
        """;

    /// <summary>One chunk of an upload, by primary key, through the work row of the tenant.</summary>
    public const string SelectUploadChunk = """
        SELECT c.data FROM bulkinvite.upload_chunks AS c JOIN bulkinvite.work AS w ON w.import_id = c.import_id
         WHERE c.import_id = @import_id AND c.chunk_no = @chunk_no AND w.import_id = @import_id AND w.tenant_id = @tenant_id
        """;

    public const string SelectWorkState = """
        SELECT file_name, mode, status, queued_at, queued_offset, owner, lease_expires_at, lease_expires_offset, attempts,
               progress, error, error_code
          FROM bulkinvite.work WHERE import_id = @import_id AND tenant_id = @tenant_id
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
    /// and the lease's renewals do not wait; writes under one lease share it. The transaction may not sit idle for more
    /// than <see cref="FencedWriteIdleTimeout"/>: a worker paused (or cut off) inside the write would otherwise hold the
    /// row, and keep every claim waiting, for as long as its connection stays open; the server ends its session instead,
    /// and the write is undone.
    /// </summary>
    public const string LockWorkFence = "SELECT fence, status FROM bulkinvite.work WHERE import_id = @import_id AND tenant_id = @tenant_id FOR KEY SHARE";

    /// <summary>How long a fenced write's transaction may wait between its statements (a write never waits on anything but the server).</summary>
    public const string FencedWriteIdleTimeout = "5s";

    /// <summary>The fence check as a fenced write sends it: the idle limit of its transaction, then <see cref="LockWorkFence"/>, in one round trip.</summary>
    public const string CheckWorkFence = "SET LOCAL idle_in_transaction_session_timeout = '" + FencedWriteIdleTimeout + "'; " + LockWorkFence;

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
