namespace BulkInvite.PostgreSql;

/// <summary>
/// Every statement the store runs, beside the schema scripts (<c>Schema/*.sql</c>, embedded). Each value is bound as a
/// parameter; nothing is concatenated into SQL but these constants.
/// </summary>
/// <remarks>
/// Times are UTC ticks (<c>*_at</c>) and offsets in minutes (<c>*_offset</c>), as in the SQLite store. Every statement
/// names the tenant: entries through their import (<c>imports.tenant_id</c>), invitations by their own column. The two
/// exceptions: the COPY of staged entries, which follows the check of the import's tenant (locked) in the same
/// transaction, and the reads and the accept by token hash, whose token names its invitation and so its tenant.
/// </remarks>
internal static partial class PostgreSqlSql
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 4;

    /// <summary>The key of the transaction-scoped advisory lock under which the schema is created or migrated ("BulkInvit").</summary>
    public const long SchemaLockKey = 0x42756C6B496E7669;

    /// <summary>Whether the version table exists (the schema was created).</summary>
    public const string SchemaExists = "SELECT to_regclass('bulkinvite.schema_version') IS NOT NULL";

    public const string ReadSchemaVersion = "SELECT max(version) FROM bulkinvite.schema_version";

    public const string LockSchema = "SELECT pg_advisory_xact_lock(@key)";

    public const string ImportColumns = """
        import_id, tenant_id, file_name, initiated_by, is_preview, status, created_at, created_offset,
        completed_at, completed_offset, parser_name, error, pending_count, invited_count, invalid_count,
        duplicate_count, existing_user_count, already_invited_count, failed_count, skipped_count, sender_name, resend,
        content_hash, updated_at, updated_offset, sending_count, unknown_count, run_by
        """;

    public const string InsertImport = """
        INSERT INTO bulkinvite.imports (
        """ + ImportColumns + """
        ) VALUES (
            @import_id, @tenant_id, @file_name, @initiated_by, @is_preview, @status, @created_at, @created_offset,
            @completed_at, @completed_offset, @parser_name, @error, @pending_count, @invited_count, @invalid_count,
            @duplicate_count, @existing_user_count, @already_invited_count, @failed_count, @skipped_count, @sender_name, @resend,
            @content_hash, @updated_at, @updated_offset, @sending_count, @unknown_count, @run_by
        )
        """;

    public const string UpdateImport = """
        UPDATE bulkinvite.imports SET
            file_name = @file_name, initiated_by = @initiated_by, is_preview = @is_preview, status = @status,
            created_at = @created_at, created_offset = @created_offset, completed_at = @completed_at,
            completed_offset = @completed_offset, parser_name = @parser_name, error = @error,
            pending_count = @pending_count, invited_count = @invited_count, invalid_count = @invalid_count,
            duplicate_count = @duplicate_count, existing_user_count = @existing_user_count,
            already_invited_count = @already_invited_count, failed_count = @failed_count, skipped_count = @skipped_count,
            sender_name = @sender_name, resend = @resend, content_hash = @content_hash, updated_at = @updated_at,
            updated_offset = @updated_offset, sending_count = @sending_count, unknown_count = @unknown_count, run_by = @run_by
        WHERE import_id = @import_id AND tenant_id = @tenant_id
        """;

    public const string SelectImport = "SELECT " + ImportColumns + """
         FROM bulkinvite.imports WHERE import_id = @import_id AND tenant_id = @tenant_id
        """;

    /// <summary>The import of the tenant, locked against a concurrent delete until the write commits.</summary>
    public const string LockImportOfTenant = "SELECT 1 FROM bulkinvite.imports WHERE import_id = @import_id AND tenant_id = @tenant_id FOR SHARE";

    /// <summary>History without previews: one range of <c>ix_imports_history</c>, already newest first.</summary>
    public const string ListImports = "SELECT " + ImportColumns + """
         FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND is_preview = false AND created_at >= @from AND created_at < @to
        ORDER BY created_at DESC, import_id DESC
        LIMIT @limit OFFSET @offset
        """;

    public const string CountImports = """
        SELECT count(*) FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND is_preview = false AND created_at >= @from AND created_at < @to
        """;

    /// <summary>History with previews: one range of <c>ix_imports_all</c>, already newest first.</summary>
    public const string ListImportsWithPreviews = "SELECT " + ImportColumns + """
         FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND created_at >= @from AND created_at < @to
        ORDER BY created_at DESC, import_id DESC
        LIMIT @limit OFFSET @offset
        """;

    public const string CountImportsWithPreviews = """
        SELECT count(*) FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND created_at >= @from AND created_at < @to
        """;

    /// <summary>Earlier imports of the same file (repeat uploads): one range of <c>ix_imports_content</c>.</summary>
    public const string ListImportsWithContentHash = "SELECT " + ImportColumns + """
         FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND content_hash = @content_hash AND created_at >= @from AND created_at < @to
          AND (is_preview = false OR @previews)
        ORDER BY created_at DESC, import_id DESC
        LIMIT @limit OFFSET @offset
        """;

    public const string CountImportsWithContentHash = """
        SELECT count(*) FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND content_hash = @content_hash AND created_at >= @from AND created_at < @to
          AND (is_preview = false OR @previews)
        """;

    /// <summary>Staging: binary COPY into the entries table, in the column order of <see cref="PostgreSqlEntryWriter"/>.</summary>
    public const string CopyEntries = """
        COPY bulkinvite.entries (
            import_id, sequence, line, address, address_key, outcome, reason, detail, duplicate_of_line, status_code,
            display_name, fields, updated_at, updated_offset
        ) FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>One entry's change, by primary key, in an import of the tenant.</summary>
    public const string UpdateEntry = """
        UPDATE bulkinvite.entries AS e SET
            outcome = @outcome, reason = @reason, detail = @detail, status_code = @status_code,
            updated_at = @updated_at, updated_offset = @updated_offset
        FROM bulkinvite.imports AS i
        WHERE e.import_id = @import_id AND e.sequence = @sequence AND i.import_id = @import_id AND i.tenant_id = @tenant_id
        """;

    /// <summary>
    /// The pending invitation of an entry whose email was not sent or was refused, deleted
    /// (<see cref="InviteEntryUpdate.WithdrawsInvitation"/>): one key of <c>ux_invitations_entry</c>.
    /// </summary>
    public const string WithdrawPendingInvitation = """
        DELETE FROM bulkinvite.invitations
        WHERE tenant_id = @tenant_id AND import_id = @import_id AND sequence = @sequence AND state = 0
        """;

    private const string EntryColumns = """
        e.sequence, e.line, e.address, e.outcome, e.reason, e.detail, e.duplicate_of_line, e.status_code,
        e.display_name, e.fields, e.updated_at, e.updated_offset
        """;

    /// <summary>
    /// Run first in the transaction of an entry page: the page is then an index range read in order, whatever the
    /// statistics say. An import staged after the table was last analyzed (a new database's first import, or one big
    /// import among many small ones) is estimated at a few hundred rows, and the planner then reads every entry after
    /// the page's start through a bitmap and sorts them to keep the first thousand: each page of a million-entry import
    /// read half the import, and a 1M preview's report took three minutes instead of three seconds.
    /// </summary>
    public const string OrderedEntryRanges = "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off";

    /// <summary>One keyset page of all entries: the import by primary key, then a range of the entries' primary key.</summary>
    public const string ListEntries = "SELECT " + EntryColumns + """
         FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id AND e.sequence > @after AND e.sequence <= @last
        ORDER BY e.sequence
        LIMIT @limit
        """;

    /// <summary>One keyset page of the entries of one outcome but pending: a range of <c>ix_entries_outcome</c>.</summary>
    /// <remarks>
    /// The index leaves pending entries out, so the statement says <c>outcome &lt;&gt; 0</c> in so many words: the
    /// planner uses a partial index only where the statement's own terms imply its condition.
    /// </remarks>
    public const string ListEntriesWithOutcome = "SELECT " + EntryColumns + """
         FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id AND e.outcome = @outcome AND e.outcome <> 0
          AND e.sequence > @after AND e.sequence <= @last
        ORDER BY e.sequence
        LIMIT @limit
        """;

    /// <summary>
    /// One keyset page of the pending entries: a range of the primary key, from the page before, skipping the entries
    /// that have an outcome.
    /// </summary>
    public const string ListPendingEntries = "SELECT " + EntryColumns + """
         FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id AND e.outcome = 0 AND e.sequence > @after
          AND e.sequence <= @last
        ORDER BY e.sequence
        LIMIT @limit
        """;

    public const string CountEntries = """
        SELECT count(*) FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id
        """;

    /// <summary>How many entries of one outcome but pending an import has: a range of <c>ix_entries_outcome</c>.</summary>
    public const string CountEntriesWithOutcome = """
        SELECT count(*) FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id AND e.outcome = @outcome AND e.outcome <> 0
        """;

    /// <summary>How many pending entries an import has: the import's range of the primary key, each entry read.</summary>
    public const string CountPendingEntries = """
        SELECT count(*) FROM bulkinvite.imports AS i JOIN bulkinvite.entries AS e ON e.import_id = i.import_id
        WHERE i.import_id = @import_id AND i.tenant_id = @tenant_id AND e.import_id = @import_id AND e.outcome = 0
        """;

    /// <summary>
    /// Retention, first step: the tenant's imports created before the cutoff are locked (a range of <c>ix_imports_all</c>),
    /// so that no write to one of them commits between the deletes of its entries and of itself.
    /// </summary>
    public const string LockImportsCreatedBefore = """
        SELECT import_id FROM bulkinvite.imports
        WHERE tenant_id = @tenant_id AND created_at < @cutoff
        FOR UPDATE
        """;

    public const string DeleteInvitationsOfImportsCreatedBefore = """
        DELETE FROM bulkinvite.invitations
        WHERE tenant_id = @tenant_id AND import_id IN (
            SELECT import_id FROM bulkinvite.imports WHERE tenant_id = @tenant_id AND created_at < @cutoff)
        """;

    /// <summary>Retention: the entries of the locked imports, by primary key.</summary>
    public const string DeleteEntriesOfImportsCreatedBefore = """
        DELETE FROM bulkinvite.entries
        WHERE import_id IN (SELECT import_id FROM bulkinvite.imports WHERE tenant_id = @tenant_id AND created_at < @cutoff)
        """;

    public const string DeleteImportsCreatedBefore = "DELETE FROM bulkinvite.imports WHERE tenant_id = @tenant_id AND created_at < @cutoff";

    public const string DeleteInvitationsOfImport = "DELETE FROM bulkinvite.invitations WHERE tenant_id = @tenant_id AND import_id = @import_id";

    /// <summary>The entries of one import of the tenant: a range of the primary key.</summary>
    public const string DeleteEntriesOfImport = """
        DELETE FROM bulkinvite.entries AS e
        USING bulkinvite.imports AS i
        WHERE e.import_id = @import_id AND i.import_id = @import_id AND i.tenant_id = @tenant_id
        """;

    /// <summary>
    /// A privacy request: the entries with one address key, each checked against its import's tenant.
    /// </summary>
    /// <remarks>
    /// This reads every entry (no index on <c>address_key</c>): an index ordered by address is written at random places
    /// on every staged entry, while privacy requests are rare.
    /// </remarks>
    public const string DeleteEntriesWithAddress = """
        DELETE FROM bulkinvite.entries AS e
        USING bulkinvite.imports AS i
        WHERE e.address_key = @address_key AND i.import_id = e.import_id AND i.tenant_id = @tenant_id
        """;

    public const string DeleteInvitationsWithAddress = "DELETE FROM bulkinvite.invitations WHERE tenant_id = @tenant_id AND address_upper = @address_key";

    public const string InvitationColumns = """
        invitation_id, tenant_id, import_id, sequence, line, address, address_key, display_name, fields, initiated_by,
        state, created_at, expires_at, accepted_at, revoked_at, send_count, last_sent_at, last_message_key, token_key_id
        """;

    /// <summary>
    /// One send: creates the entry's invitation, or gives its pending or expired one the new token. 0 rows when the
    /// invitation is accepted or revoked (closed); a unique violation of <c>ux_invitations_live</c> when another invitation
    /// holds the address.
    /// </summary>
    public const string UpsertInvitation = """
        INSERT INTO bulkinvite.invitations AS inv (
            invitation_id, tenant_id, import_id, sequence, line, address, address_key, address_upper, display_name, fields,
            initiated_by, state, created_at, expires_at, send_count, last_sent_at, last_message_key, token_hash, token_key_id
        ) VALUES (
            @invitation_id, @tenant_id, @import_id, @sequence, @line, @address, @address_key, @address_upper, @display_name, @fields,
            @initiated_by, 0, @sent_at, @expires_at, 1, @sent_at, @message_key, @token_hash, @token_key_id
        )
        ON CONFLICT (tenant_id, import_id, sequence) DO UPDATE SET
            state = 0, expires_at = excluded.expires_at, send_count = inv.send_count + 1, last_sent_at = excluded.last_sent_at,
            last_message_key = excluded.last_message_key, token_hash = excluded.token_hash, token_key_id = excluded.token_key_id
        WHERE inv.state NOT IN (1, 3)
        """;

    /// <summary>Before a send: a pending invitation of the address that has expired by then holds nothing any more.</summary>
    public const string ExpireStaleOfAddress = """
        UPDATE bulkinvite.invitations SET state = 2
        WHERE tenant_id = @tenant_id AND address_key = @address_key AND state IN (0, 1) AND state = 0 AND expires_at <= @sent_at
        """;

    /// <summary>A send that replaces pending invitations: those of other entries of the address are revoked.</summary>
    public const string RevokePendingOfAddress = """
        UPDATE bulkinvite.invitations SET state = 3, revoked_at = @sent_at
        WHERE tenant_id = @tenant_id AND address_key = @address_key AND state IN (0, 1) AND state = 0
          AND NOT (import_id = @import_id AND sequence = @sequence)
        """;

    public const string SelectInvitationByToken = "SELECT " + InvitationColumns + " FROM bulkinvite.invitations WHERE token_hash = @token_hash";

    public const string SelectInvitation = "SELECT " + InvitationColumns + " FROM bulkinvite.invitations WHERE invitation_id = @invitation_id AND tenant_id = @tenant_id";

    /// <summary>The compare-and-set of an acceptance: one statement, so exactly one of concurrent accepts changes the row.</summary>
    public const string AcceptInvitation = """
        UPDATE bulkinvite.invitations SET state = 1, accepted_at = @now
        WHERE token_hash = @token_hash AND state = 0 AND expires_at > @now
        RETURNING
        """ + " " + InvitationColumns;

    /// <summary>
    /// The live invitations (accepted, or pending and unexpired) of a list of addresses, each row with its place in the
    /// list (<c>ord</c>, 1-based, after the invitation's columns): one probe of the unique <c>ux_invitations_live</c> per
    /// address, which holds at most one pending or accepted invitation per address.
    /// </summary>
    public const string SelectLiveInvitations = "SELECT " + InvitationColumns + """
        , wanted.ord
          FROM unnest(@address_keys) WITH ORDINALITY AS wanted (key, ord)
          JOIN bulkinvite.invitations ON tenant_id = @tenant_id AND address_key = wanted.key
         WHERE state IN (0, 1) AND (state = 1 OR expires_at > @as_of)
        """;

    /// <summary>The invitations of one import's entries in a range of sequence numbers (a page of its report): a range of <c>ux_invitations_entry</c>.</summary>
    public const string SelectInvitationsOfEntries = """
        SELECT sequence, invitation_id, state, expires_at, accepted_at, revoked_at, send_count
          FROM bulkinvite.invitations
         WHERE tenant_id = @tenant_id AND import_id = @import_id AND sequence > @after AND sequence <= @last
        """;

    /// <summary>An import's invitations counted by their state at <c>@as_of</c>: a range of <c>ux_invitations_entry</c>.</summary>
    public const string CountInvitationsOfImport = """
        SELECT CASE WHEN state = 0 AND expires_at <= @as_of THEN 2::smallint ELSE state END AS state_at, count(*)
          FROM bulkinvite.invitations
         WHERE tenant_id = @tenant_id AND import_id = @import_id
         GROUP BY state_at
        """;

    /// <summary>One keyset page of a tenant's invitations: a range of the primary key; the filters that follow are added as needed.</summary>
    public const string ListInvitations = "SELECT " + InvitationColumns + """
         FROM bulkinvite.invitations
        WHERE tenant_id = @tenant_id AND invitation_id > @after
        """;

    public const string ListInvitationsOfImport = " AND import_id = @import_id";

    public const string ListInvitationsPending = " AND state = 0 AND expires_at > @as_of";

    public const string ListInvitationsExpired = " AND (state = 2 OR (state = 0 AND expires_at <= @as_of))";

    public const string ListInvitationsInState = " AND state = @state";

    public const string ListInvitationsPage = " ORDER BY invitation_id LIMIT @limit";

    public const string RevokeInvitation = """
        UPDATE bulkinvite.invitations SET state = 3, revoked_at = @now
        WHERE invitation_id = @invitation_id AND tenant_id = @tenant_id AND state = 0 AND expires_at > @now
        """;

    public const string RevokeInvitationsOfImport = """
        UPDATE bulkinvite.invitations SET state = 3, revoked_at = @now
        WHERE tenant_id = @tenant_id AND import_id = @import_id AND state = 0 AND expires_at > @now
        """;

    public const string ExpireInvitations = """
        UPDATE bulkinvite.invitations SET state = 2
        WHERE tenant_id = @tenant_id AND state = 0 AND expires_at <= @now
        """;
}
