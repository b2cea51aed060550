-- BulkInvite.PostgreSql schema version 4: the outcome index leaves pending entries out. Applied after 003 in the same
-- transaction by the store (unless MigrateSchema is off); a team that applies its own migrations runs it once, as it is,
-- in one transaction (it reads the entries table once to build the new index, and holds a lock on the table meanwhile).

-- Staging stores most entries as pending (outcome 0), and writing each of them into this index too was most of the
-- server's time of staging: pending entries fell in the middle of the index, so every row descended the tree and split
-- its pages. Pending entries are read by the primary key, in sequence order, where they lie; the index keeps the pages
-- and counts of the other outcomes (a report's failures, the counts of an import shared by several workers).
DROP INDEX bulkinvite.ix_entries_outcome;
CREATE INDEX ix_entries_outcome ON bulkinvite.entries (import_id, outcome, sequence) WHERE outcome <> 0;

UPDATE bulkinvite.schema_version SET version = 4, migrated_at = now() WHERE id = 1;
