-- The audit trail: append-only, each record carrying the hash of the one before it.
-- Times and JSON documents are stored as text, byte for byte as they were hashed.
CREATE TABLE audit_log (
    seq              INTEGER PRIMARY KEY,
    recorded_at      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    actor_id         TEXT    NOT NULL,
    actor_name       TEXT    NOT NULL,
    actor_role       TEXT    NOT NULL,
    rulebook_version TEXT    NOT NULL,
    list_versions    TEXT    NOT NULL,
    request          TEXT    NOT NULL,
    response         TEXT    NOT NULL,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL
);
CREATE INDEX audit_log_kind ON audit_log (kind, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The last record's sequence number and hash, written in the same transaction as the record:
-- a deletion at the end of the chain must also rewrite this row to go unnoticed.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
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
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    opened_at       TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    party_key       TEXT    NOT NULL,
    party_name      TEXT    NOT NULL,
    list_source     TEXT    NOT NULL,
    entry_id        TEXT    NOT NULL,
    entry_hash      TEXT    NOT NULL,
    entry_name      TEXT    NOT NULL,
    score           REAL    NOT NULL,
    hit             TEXT    NOT NULL,
    audit_seq       INTEGER,
    decided_at      TEXT,
    decided_by      TEXT,
    decision_reason TEXT
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_party_entry ON cases (party_key, list_source, entry_id);

CREATE TABLE allow_list (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    party_key   TEXT    NOT NULL,
    list_source TEXT    NOT NULL,
    entry_id    TEXT    NOT NULL,
    entry_hash  TEXT    NOT NULL,
    case_id     INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    UNIQUE (party_key, list_source, entry_id, entry_hash)
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
