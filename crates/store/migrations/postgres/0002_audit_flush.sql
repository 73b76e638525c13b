-- One row the audit confirmer updates with a synchronous commit: the audit writer commits its
-- batches with synchronous_commit = off, and this commit's flush makes every batch committed
-- before it durable before any of their appends is answered.
CREATE TABLE audit_flush (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO audit_flush (id, n) VALUES (1, 0);
