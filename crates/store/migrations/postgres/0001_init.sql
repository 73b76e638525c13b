-- The audit trail: append-only, each record carrying the hash of the one before it.
-- Times and JSON documents are stored as TEXT (not JSONB, which would reorder keys), byte for
-- byte as they were hashed.
CREATE TABLE audit_log (
    seq              BIGINT PRIMARY KEY,
    recorded_at      TEXT   NOT NULL,
    kind             TEXT   NOT NULL,
    actor_id         TEXT   NOT NULL,
    actor_name       TEXT   NOT NULL,
    actor_role       TEXT   NOT NULL,
    rulebook_version TEXT   NOT NULL,
    list_versions    TEXT   NOT NULL,
    request          TEXT   NOT NULL,
    response         TEXT   NOT NULL,
    prev_hash        TEXT   NOT NULL,
    hash             TEXT   NOT NULL
);
CREATE INDEX audit_log_kind ON audit_log (kind, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The last record's sequence number and hash, written in the same transaction as the record.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT   NOT NULL
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE parties (
    party_key     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    query         TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_screened TEXT NOT NULL
);

CREATE TABLE cases (
    id              BIGSERIAL PRIMARY KEY,
    opened_at       TEXT             NOT NULL,
    status          TEXT             NOT NULL,
    party_key       TEXT             NOT NULL,
    party_name      TEXT             NOT NULL,
    list_source     TEXT             NOT NULL,
    entry_id        TEXT             NOT NULL,
    entry_hash      TEXT             NOT NULL,
    entry_name      TEXT             NOT NULL,
    score           DOUBLE PRECISION NOT NULL,
    hit             TEXT             NOT NULL,
    audit_seq       BIGINT,
    decided_at      TEXT,
    decided_by      TEXT,
    decision_reason TEXT
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_party_entry ON cases (party_key, list_source, entry_id);

CREATE TABLE allow_list (
    id          BIGSERIAL PRIMARY KEY,
    party_key   TEXT   NOT NULL,
    list_source TEXT   NOT NULL,
    entry_id    TEXT   NOT NULL,
    entry_hash  TEXT   NOT NULL,
    case_id     BIGINT NOT NULL,
    reason      TEXT   NOT NULL,
    created_at  TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    UNIQUE (party_key, list_source, entry_id, entry_hash)
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
