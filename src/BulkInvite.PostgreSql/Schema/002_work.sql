-- BulkInvite.PostgreSql schema version 2: the shared queue of background imports (IImportWorkStore) beside the history,
-- and the background worker that ran an import on its report. Applied after 001 in the same transaction by the store
-- (unless MigrateSchema is off); a team that applies its own migrations runs it once, as it is, in one transaction.
--
-- Times are UTC ticks and offset minutes, as in 001 (exact round trips of the SDK's DateTimeOffset values).

-- The background worker (its instance's name) that ran the import last: BulkInviteReport.RunBy.
ALTER TABLE bulkinvite.imports ADD COLUMN run_by text NULL;

-- One row per queued import: what to run for whom, and its lease. status: 0 Queued, 1 Running, 2 Completed, 3 Failed
-- (QueuedImportStatus). Every claim adds 1 to fence (the fencing token); writes under an older one are refused.
CREATE TABLE bulkinvite.work (
    import_id uuid NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    initiated_by text NOT NULL,
    file_name text NOT NULL,
    mode smallint NOT NULL,
    parser_name text NULL,
    sender_name text NULL,
    allow_repeat_upload boolean NOT NULL,
    resend boolean NOT NULL,
    queued_at bigint NOT NULL,
    queued_offset smallint NOT NULL,
    status smallint NOT NULL,
    owner text NULL,
    fence bigint NOT NULL,
    attempts integer NOT NULL,
    lease_expires_at bigint NULL,
    lease_expires_offset smallint NULL,
    progress text NULL,
    error text NULL,
    error_code integer NULL,
    ended_at bigint NULL,
    ended_offset smallint NULL,
    upload_bytes bigint NOT NULL,
    upload_chunks integer NOT NULL
);

-- The claim: the unfinished rows in the order they are claimed (oldest first), so that the claim reads the first one
-- that is free without a sort, and never walks the ended rows that wait for retention.
CREATE INDEX ix_work_claim ON bulkinvite.work (queued_at, import_id) WHERE status IN (0, 1);
-- Retention: a tenant's work rows by the time they were queued.
CREATE INDEX ix_work_tenant ON bulkinvite.work (tenant_id, queued_at);

-- The uploads of queued and running imports, in chunks of about 1 MiB (chunk_no from 0), written as the upload is read
-- and read back one chunk at a time; deleted when the import ends. Reached only through the work row of the tenant.
CREATE TABLE bulkinvite.upload_chunks (
    import_id uuid NOT NULL,
    chunk_no integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (import_id, chunk_no)
);

UPDATE bulkinvite.schema_version SET version = 2, migrated_at = now() WHERE id = 1;
