-- BulkInvite.PostgreSql schema version 1: imports, their entries, and the invitation ledger, in the schema "bulkinvite".
-- The store runs this script itself (under an advisory lock) unless MigrateSchema is off; a team that applies its own
-- migrations runs it once, as it is, in one transaction.
--
-- Times are kept exactly as the SDK gives them: the UTC instant in .NET ticks (100 ns; *_at, ordered and filtered on)
-- and the offset from UTC in minutes (*_offset). timestamptz holds microseconds only, and no offset.
-- Every statement of the store names the tenant; entries are reached through their import's tenant.

CREATE SCHEMA IF NOT EXISTS bulkinvite;

CREATE TABLE bulkinvite.schema_version (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    version integer NOT NULL,
    migrated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bulkinvite.imports (
    import_id uuid NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    file_name text NOT NULL,
    initiated_by text NOT NULL,
    is_preview boolean NOT NULL,
    status smallint NOT NULL,
    created_at bigint NOT NULL,
    created_offset smallint NOT NULL,
    completed_at bigint NULL,
    completed_offset smallint NULL,
    parser_name text NULL,
    error text NULL,
    pending_count bigint NOT NULL,
    invited_count bigint NOT NULL,
    invalid_count bigint NOT NULL,
    duplicate_count bigint NOT NULL,
    existing_user_count bigint NOT NULL,
    already_invited_count bigint NOT NULL,
    failed_count bigint NOT NULL,
    skipped_count bigint NOT NULL,
    sending_count bigint NOT NULL,
    unknown_count bigint NOT NULL,
    sender_name text NULL,
    resend boolean NOT NULL,
    content_hash text NULL,
    updated_at bigint NULL,
    updated_offset smallint NULL
);

-- History without previews, newest first: one range, already in order.
CREATE INDEX ix_imports_history ON bulkinvite.imports (tenant_id, is_preview, created_at DESC, import_id DESC);
-- History with previews, and retention by creation time.
CREATE INDEX ix_imports_all ON bulkinvite.imports (tenant_id, created_at DESC, import_id DESC);
-- Earlier imports of the same file (repeat uploads).
CREATE INDEX ix_imports_content ON bulkinvite.imports (tenant_id, content_hash, created_at DESC, import_id DESC) WHERE content_hash IS NOT NULL;

-- Entries carry no foreign key: staging writes millions of rows by COPY, and a per-row key check would cost more than
-- the row. The store writes entries only after it has found the import of the tenant in the same transaction, and
-- deletes them with it.
CREATE TABLE bulkinvite.entries (
    import_id uuid NOT NULL,
    sequence bigint NOT NULL,
    line bigint NOT NULL,
    address text NOT NULL,
    address_key text NOT NULL,
    outcome smallint NOT NULL,
    reason text NULL,
    detail text NULL,
    duplicate_of_line bigint NULL,
    status_code integer NULL,
    display_name text NULL,
    fields text NULL,
    updated_at bigint NOT NULL,
    updated_offset smallint NOT NULL,
    PRIMARY KEY (import_id, sequence)
);

-- Entries of one outcome in sequence order, and counts per outcome.
CREATE INDEX ix_entries_outcome ON bulkinvite.entries (import_id, outcome, sequence);

-- The ledger: one invitation per invited entry. Only the keyed hash of the current token is kept (bytea, compared by
-- the database byte for byte). address_key is the comparison key (EmailAddressNormalizer), address_upper the address
-- in invariant upper case, which privacy deletes match as they match entries.
CREATE TABLE bulkinvite.invitations (
    invitation_id uuid NOT NULL,
    tenant_id text NOT NULL,
    import_id uuid NOT NULL,
    sequence bigint NOT NULL,
    line bigint NOT NULL,
    address text NOT NULL,
    address_key text NOT NULL,
    address_upper text NOT NULL,
    display_name text NULL,
    fields text NULL,
    initiated_by text NOT NULL,
    state smallint NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    accepted_at bigint NULL,
    revoked_at bigint NULL,
    send_count integer NOT NULL,
    last_sent_at bigint NOT NULL,
    last_message_key text NULL,
    token_hash bytea NOT NULL,
    token_key_id text NOT NULL,
    PRIMARY KEY (tenant_id, invitation_id)
);

-- The entry's invitation (the target of a send's upsert).
CREATE UNIQUE INDEX ux_invitations_entry ON bulkinvite.invitations (tenant_id, import_id, sequence);
-- The token names its invitation.
CREATE UNIQUE INDEX ux_invitations_token ON bulkinvite.invitations (token_hash);
-- One live (pending or accepted) invitation per address of a tenant: the index, not timing, decides between imports,
-- processes and hosts that send the same address at once.
CREATE UNIQUE INDEX ux_invitations_live ON bulkinvite.invitations (tenant_id, address_key) WHERE state IN (0, 1);

INSERT INTO bulkinvite.schema_version (id, version) VALUES (1, 1);
