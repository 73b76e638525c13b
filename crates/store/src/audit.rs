//! Audit records, their hash chain, its verification, and the writer task that appends them.

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::{backend, Job, StoreError};

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a caller records; the writer adds the sequence number, the time and the hashes.
#[derive(Debug, Clone, Default)]
pub struct NewRecord {
    /// `check`, `screen`, `rescreen`, `review`, `lists_update`, `token` …
    pub kind: String,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_role: String,
    /// The rulebook's content hash ("" when the action used no rules).
    pub rulebook_version: String,
    /// JSON object: list source → content hash of the version served.
    pub list_versions: String,
    /// The request as JSON.
    pub request: String,
    /// The response as JSON.
    pub response: String,
}

/// A stored audit record. JSON documents are kept as the exact text that was hashed; exported,
/// they are embedded as JSON (byte for byte) when they parse, else as strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub seq: i64,
    pub recorded_at: String,
    pub kind: String,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_role: String,
    pub rulebook_version: String,
    #[serde(serialize_with = "raw_json")]
    pub list_versions: String,
    #[serde(serialize_with = "raw_json")]
    pub request: String,
    #[serde(serialize_with = "raw_json")]
    pub response: String,
    pub prev_hash: String,
    pub hash: String,
}

fn raw_json<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<&serde_json::value::RawValue>(text) {
        Ok(raw) => raw.serialize(s),
        Err(_) => s.serialize_str(text),
    }
}

/// Reads one line of an export (`audit export`) back into the record it was written from, the
/// JSON documents byte for byte, so the chain of an exported file can be verified offline.
pub fn parse_export_line(line: &str) -> Result<Record, String> {
    use serde_json::value::RawValue;
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        seq: i64,
        recorded_at: String,
        kind: String,
        actor_id: String,
        actor_name: String,
        actor_role: String,
        rulebook_version: String,
        #[serde(borrow)]
        list_versions: &'a RawValue,
        #[serde(borrow)]
        request: &'a RawValue,
        #[serde(borrow)]
        response: &'a RawValue,
        prev_hash: String,
        hash: String,
    }
    fn text(raw: &RawValue) -> Result<String, String> {
        let t = raw.get();
        if t.starts_with('"') {
            serde_json::from_str::<String>(t).map_err(|e| e.to_string())
        } else {
            Ok(t.to_string())
        }
    }
    let l: Line = serde_json::from_str(line).map_err(|e| e.to_string())?;
    Ok(Record {
        seq: l.seq,
        recorded_at: l.recorded_at,
        kind: l.kind,
        actor_id: l.actor_id,
        actor_name: l.actor_name,
        actor_role: l.actor_role,
        rulebook_version: l.rulebook_version,
        list_versions: text(l.list_versions)?,
        request: text(l.request)?,
        response: text(l.response)?,
        prev_hash: l.prev_hash,
        hash: l.hash,
    })
}

/// What an append returns once committed.
#[derive(Debug, Clone, Serialize)]
pub struct Appended {
    pub seq: i64,
    pub hash: String,
    pub recorded_at: String,
    #[serde(skip)]
    pub effect: crate::EffectOutput,
}

/// The hash of a record: SHA-256 over a domain tag and every field, each prefixed by its length
/// (so no two different records serialise alike), the sequence number and the previous hash
/// included — changing, removing, inserting or moving any record breaks the chain after it.
pub fn record_hash(r: &Record) -> String {
    let mut h = Sha256::new();
    h.update(b"chokepoint-audit-v1");
    let seq = r.seq.to_string();
    for field in [
        seq.as_str(),
        &r.recorded_at,
        &r.kind,
        &r.actor_id,
        &r.actor_name,
        &r.actor_role,
        &r.rulebook_version,
        &r.list_versions,
        &r.request,
        &r.response,
        &r.prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

pub(crate) fn seal(seq: i64, recorded_at: &str, prev_hash: &str, n: &NewRecord) -> Record {
    let mut r = Record {
        seq,
        recorded_at: recorded_at.to_string(),
        kind: n.kind.clone(),
        actor_id: n.actor_id.clone(),
        actor_name: n.actor_name.clone(),
        actor_role: n.actor_role.clone(),
        rulebook_version: n.rulebook_version.clone(),
        list_versions: if n.list_versions.is_empty() {
            "{}".into()
        } else {
            n.list_versions.clone()
        },
        request: n.request.clone(),
        response: n.response.clone(),
        prev_hash: prev_hash.to_string(),
        hash: String::new(),
    };
    r.hash = record_hash(&r);
    r
}

/// One thing wrong with the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyProblem {
    /// The record where it shows (for `head`, the head row's sequence number).
    pub seq: i64,
    /// `sequence` (a gap or a record out of order: deleted, inserted or moved records),
    /// `link` (its `prev_hash` is not the previous record's hash), `content` (its fields do not
    /// give its hash: changed), or `head` (the head row does not name the last record: records
    /// removed from or added at the end), or `unreadable` (a line of an export that is not a
    /// record).
    pub kind: String,
    pub message: String,
}

/// The result of [`crate::Store::verify`].
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub records: u64,
    /// The last record's sequence number and hash; write them down to check later that nothing
    /// was rewritten since.
    pub last_seq: i64,
    pub last_hash: String,
    pub problem_count: u64,
    /// The first problems found (at most 1000).
    pub problems: Vec<VerifyProblem>,
}

const MAX_PROBLEMS: usize = 1000;

/// Walks records in `seq` order.
pub struct Verifier {
    next_seq: i64,
    prev_hash: String,
    records: u64,
    problem_count: u64,
    problems: Vec<VerifyProblem>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier {
            next_seq: 1,
            prev_hash: GENESIS_HASH.into(),
            records: 0,
            problem_count: 0,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, seq: i64, kind: &str, message: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(VerifyProblem {
                seq,
                kind: kind.into(),
                message,
            });
        }
    }

    pub fn push(&mut self, r: &Record) {
        self.records += 1;
        if r.seq != self.next_seq {
            let what = if r.seq > self.next_seq {
                format!("records {}..{} are missing", self.next_seq, r.seq - 1)
            } else {
                "out of order or duplicated".to_string()
            };
            self.problem(
                r.seq,
                "sequence",
                format!("expected record {}, found {}: {what}", self.next_seq, r.seq),
            );
        }
        if r.prev_hash != self.prev_hash {
            self.problem(
                r.seq,
                "link",
                format!(
                    "prev_hash {} is not the hash of the record before it ({})",
                    short(&r.prev_hash),
                    short(&self.prev_hash)
                ),
            );
        }
        let actual = record_hash(r);
        if actual != r.hash {
            self.problem(
                r.seq,
                "content",
                format!(
                    "its fields hash to {}, not to its stored hash {}: the record was changed",
                    short(&actual),
                    short(&r.hash)
                ),
            );
        }
        self.prev_hash = r.hash.clone();
        self.next_seq = r.seq + 1;
    }

    /// Finishes a walk that has no head row to compare with (an exported file).
    pub fn finish_unanchored(self) -> VerifyReport {
        let head = (self.next_seq - 1, self.prev_hash.clone());
        self.finish(head)
    }

    /// Adds a problem found outside the chain walk (an unreadable line of an export).
    pub fn unreadable(&mut self, line: usize, message: String) {
        self.problem(0, "unreadable", format!("line {line}: {message}"));
    }

    pub fn finish(mut self, head: (i64, String)) -> VerifyReport {
        let last_seq = self.next_seq - 1;
        if head.0 != last_seq || head.1 != self.prev_hash {
            self.problem(
                head.0,
                "head",
                format!("the head names record {} ({}), the last record is {} ({}): records were removed from or added at the end", head.0, short(&head.1), last_seq, short(&self.prev_hash)),
            );
        }
        VerifyReport {
            ok: self.problem_count == 0,
            records: self.records,
            last_seq,
            last_hash: self.prev_hash,
            problem_count: self.problem_count,
            problems: self.problems,
        }
    }
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Where the writer's transactions go.
pub(crate) enum WriterTarget {
    /// A connection of the writer's own, opened with `synchronous=NORMAL`: its commit returns
    /// once the records are in the write-ahead log, without waiting for the disk. The confirmer
    /// then syncs that log ([`Durability::SqliteWal`]) before answering any append of the batch,
    /// so a batch's sync overlaps the next batch's transaction.
    Sqlite { conn: Box<backend::sqlite::Conn> },
    /// Transactions on a pool of the writer's own whose sessions commit with
    /// `synchronous_commit = off`: the commit returns before PostgreSQL has flushed it; the
    /// confirmer's flush (see [`Durability::PgFlush`]) follows before any append is answered.
    Postgres(sqlx::PgPool),
}

/// How the confirmer makes committed batches durable before answering them.
#[derive(Clone)]
pub(crate) enum Durability {
    /// Nothing to do (an in-memory database).
    Committed,
    /// fdatasync the SQLite write-ahead log.
    SqliteWal(std::path::PathBuf),
    /// One synchronous commit on a normal session: PostgreSQL flushes its log up to that commit,
    /// which covers every batch committed before it.
    PgFlush(sqlx::PgPool),
}

/// Called by the confirmer before each sync (tests use it to hold a sync back).
pub(crate) type SyncHook = std::sync::Arc<dyn Fn() + Send + Sync>;

/// A committed batch waiting for its sync: the answers and whom to give them to.
pub(crate) struct Committed {
    replies: Vec<oneshot::Sender<Result<Appended, StoreError>>>,
    outcomes: Vec<Result<Appended, StoreError>>,
}

/// The writer task: takes every append waiting, writes them in one transaction, and hands the
/// committed batch to the confirmer; a batch that fails is answered at once (nothing written).
pub(crate) async fn writer(
    mut target: WriterTarget,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    allow: crate::SharedAllow,
    stats: std::sync::Arc<crate::WriterStats>,
    confirm: mpsc::Sender<Committed>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut jobs: Vec<Job> = Vec::with_capacity(max_batch);
    while let Some(job) = rx.recv().await {
        jobs.push(job);
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut items = Vec::with_capacity(jobs.len());
        let mut replies = Vec::with_capacity(jobs.len());
        for (record, effect, reply) in jobs.drain(..) {
            items.push((record, effect));
            replies.push(reply);
        }
        let started = std::time::Instant::now();
        let count = items.len() as u64;
        let result = match &mut target {
            WriterTarget::Sqlite { conn } => backend::sqlite::write_batch(conn, items).await,
            WriterTarget::Postgres(pool) => match pool.acquire().await {
                Ok(mut conn) => backend::postgres::write_batch(&mut conn, items).await,
                Err(e) => Err(e.into()),
            },
        };
        stats.batches.fetch_add(1, Relaxed);
        stats.records.fetch_add(count, Relaxed);
        stats
            .write_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Relaxed);
        match result {
            Ok(outcomes) => {
                // A decision may have added an allow-list entry: the next screening re-reads it.
                if outcomes.iter().any(
                    |o| matches!(o, Ok(a) if matches!(a.effect, crate::EffectOutput::Decided(_))),
                ) {
                    allow
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .invalidate();
                }
                if let Err(mpsc::error::SendError(lost)) =
                    confirm.send(Committed { replies, outcomes }).await
                {
                    for reply in lost.replies {
                        let _ = reply.send(Err(StoreError::WriterGone));
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Db(sqlx::Error::Protocol(format!(
                        "audit append failed, nothing written: {msg}"
                    )))));
                }
            }
        }
    }
}

/// The confirmer task: takes every committed batch waiting, makes them all durable with one sync
/// (of SQLite's write-ahead log, or one flushed PostgreSQL commit), then answers their appends.
/// An append is never answered before the sync that covers its record has returned.
pub(crate) async fn confirmer(
    durability: Durability,
    mut rx: mpsc::Receiver<Committed>,
    stats: std::sync::Arc<crate::WriterStats>,
    hook: Option<SyncHook>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut batches: Vec<Committed> = Vec::new();
    while let Some(first) = rx.recv().await {
        batches.push(first);
        while let Ok(more) = rx.try_recv() {
            batches.push(more);
        }
        let started = std::time::Instant::now();
        if let Some(hook) = hook.clone() {
            let _ = tokio::task::spawn_blocking(move || hook()).await;
        }
        let synced = match &durability {
            Durability::Committed => Ok(()),
            Durability::SqliteWal(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || {
                    // fdatasync covers every page of the file written before it started, the
                    // log's header included, whichever descriptor wrote them.
                    std::fs::File::open(&path)
                        .and_then(|f| f.sync_data())
                        .map_err(|e| format!("{}: {e}", path.display()))
                })
                .await
                .unwrap_or_else(|e| Err(format!("the sync task failed: {e}")))
            }
            Durability::PgFlush(pool) => {
                sqlx::query("UPDATE audit_flush SET n = n + 1 WHERE id = 1")
                    .execute(pool)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("flushing PostgreSQL's log: {e}"))
            }
        };
        if !matches!(durability, Durability::Committed) || hook.is_some() {
            stats.syncs.fetch_add(1, Relaxed);
            stats
                .sync_nanos
                .fetch_add(started.elapsed().as_nanos() as u64, Relaxed);
        }
        for batch in batches.drain(..) {
            match &synced {
                Ok(()) => {
                    for (reply, outcome) in batch.replies.into_iter().zip(batch.outcomes) {
                        let _ = reply.send(outcome);
                    }
                }
                Err(msg) => {
                    for reply in batch.replies {
                        let _ = reply.send(Err(StoreError::Sync(msg.clone())));
                    }
                }
            }
        }
    }
}
