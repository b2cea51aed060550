-- BulkInvite.PostgreSql schema version 3: the parts of imports whose sending is shared by several workers
-- (IImportWorkStore.SplitAsync). Applied after 002 in the same transaction by the store (unless MigrateSchema is off); a
-- team that applies its own migrations runs it once, as it is, in one transaction.

-- How many parts the import's sending was split into: 0 until it is. While its parts run, the import is running with no
-- lease (no claim takes it); when the last part ends, its lease reads as expired, and the next claim ends the import.
ALTER TABLE bulkinvite.work ADD COLUMN parts integer NOT NULL DEFAULT 0;

-- One row per part: its range of sequence numbers and a lease of its own (status, fence and attempts as in work). The
-- rows are deleted with their import's end, and with the work row.
CREATE TABLE bulkinvite.work_parts (
    import_id uuid NOT NULL REFERENCES bulkinvite.work (import_id) ON DELETE CASCADE,
    part_no integer NOT NULL,
    tenant_id text NOT NULL,
    first_sequence bigint NOT NULL,
    last_sequence bigint NOT NULL,
    queued_at bigint NOT NULL,
    status smallint NOT NULL,
    owner text NULL,
    fence bigint NOT NULL,
    attempts integer NOT NULL,
    lease_expires_at bigint NULL,
    lease_expires_offset smallint NULL,
    progress text NULL,
    PRIMARY KEY (import_id, part_no)
);

-- The claim of a part, as ix_work_claim serves the claim of an import.
CREATE INDEX ix_work_parts_claim ON bulkinvite.work_parts (queued_at, import_id, part_no) WHERE status IN (0, 1);

UPDATE bulkinvite.schema_version SET version = 3, migrated_at = now() WHERE id = 1;
