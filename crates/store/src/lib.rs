//! chokepoint-store: what the server keeps — the hash-chained audit trail, API tokens, review
//! cases and the allow-list — on SQLite (the default, one file created on first run, WAL) or
//! PostgreSQL.
//!
//! Every statement is a runtime query (`sqlx::query`), written once and compiled for both
//! backends (see `backend.rs`); the schemas are the migrations under `migrations/{sqlite,postgres}`.
//!
//! ## The audit trail
//! Records are appended by one writer task per [`Store`], which batches concurrent appends into one
//! transaction (group commit): an append returns only once its transaction has committed and is
//! on disk, so an acknowledged request survives a killed process and a power loss. The writer
//! commits without waiting for the disk (SQLite `synchronous=NORMAL`, PostgreSQL
//! `synchronous_commit = off`); a second task, the confirmer, then makes every batch committed
//! so far durable at once — SQLite: an fdatasync of the write-ahead log; PostgreSQL: one
//! synchronous commit, whose flush covers them — and only then answers their appends. That is
//! the durability of syncing each commit, with one batch's sync overlapping the next batch's
//! transaction. Each record's hash covers its sequence number, its content and
//! the previous record's hash ([`audit::record_hash`]); the head (last sequence number and hash) is
//! kept in its own row, written in the same transaction. [`Store::verify`] recomputes the chain and
//! reports every change, deletion, insertion and reordering. Database triggers refuse `UPDATE`,
//! `DELETE` (and on PostgreSQL `TRUNCATE`) of audit records; the chain catches what gets past them.
//!
//! A side effect that belongs to an audited action — opening review cases for a screening, or a
//! reviewer's decision — is written in the same transaction as its audit record ([`Effect`]), so
//! there is never a decision without its record or a record without its decision.

pub mod audit;
mod backend;
mod model;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::{mpsc, oneshot};

pub use audit::{Appended, NewRecord, Record, VerifyProblem, VerifyReport, GENESIS_HASH};
pub use model::*;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database URL `{0}`: expected sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the audit writer has stopped")]
    WriterGone,
    /// The records were committed, but the log holding them could not be synced to disk: the
    /// append is not confirmed (after a power loss it may be missing).
    #[error("audit records committed but not confirmed on disk: {0}")]
    Sync(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// How to open a store.
#[derive(Clone, Default)]
pub struct StoreOptions {
    /// PostgreSQL only: keep every table in this schema (created if missing). Tests use a fresh
    /// schema per run.
    pub pg_schema: Option<String>,
    /// Most audit records written in one transaction.
    pub max_batch: Option<usize>,
    /// SQLite: how often the write-ahead log is copied into the database file (default
    /// [`CHECKPOINT_EVERY`]).
    pub checkpoint_every: Option<Duration>,
    /// Run before every sync of the audit log (tests hold a sync back with it).
    #[doc(hidden)]
    pub before_sync: Option<std::sync::Arc<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreOptions")
            .field("pg_schema", &self.pg_schema)
            .field("max_batch", &self.max_batch)
            .field("checkpoint_every", &self.checkpoint_every)
            .field("before_sync", &self.before_sync.is_some())
            .finish()
    }
}

type Job = (NewRecord, Effect, oneshot::Sender<Result<Appended>>);

/// How long the in-memory allow-list is trusted before it is brought up to date with entries
/// written by other processes on the same database. Decisions made through this store are seen at
/// once: the writer marks the cache stale before it answers a decision.
pub const ALLOW_LIST_REFRESH: Duration = Duration::from_secs(1);

/// The allow-list in memory (it only grows: rows are never updated or deleted), so screening
/// does not query the database once per hit.
#[derive(Default)]
pub(crate) struct AllowCache {
    by_key: std::collections::HashMap<(String, String, String, String), AllowEntry>,
    max_id: i64,
    checked: Option<std::time::Instant>,
    /// Bumped by every invalidation: a refresh that raced with one does not mark the cache fresh.
    generation: u64,
}

impl AllowCache {
    fn fresh(&self) -> bool {
        self.checked
            .is_some_and(|t| t.elapsed() < ALLOW_LIST_REFRESH)
    }

    pub(crate) fn invalidate(&mut self) {
        self.checked = None;
        self.generation += 1;
    }
}

pub(crate) type SharedAllow = std::sync::Arc<std::sync::RwLock<AllowCache>>;

/// Counters of the audit writer, for metrics: how many transactions, how many records, how long
/// the transactions took (statements and commit), the confirmer's syncs and their time, and how
/// long appends waited in all (queue, transaction, commit, sync).
#[derive(Debug, Default)]
pub struct WriterStats {
    pub batches: std::sync::atomic::AtomicU64,
    pub records: std::sync::atomic::AtomicU64,
    pub write_nanos: std::sync::atomic::AtomicU64,
    pub append_nanos: std::sync::atomic::AtomicU64,
    /// The confirmer's syncs (SQLite log fdatasync, PostgreSQL flushed commit) and their time.
    pub syncs: std::sync::atomic::AtomicU64,
    pub sync_nanos: std::sync::atomic::AtomicU64,
}

/// A connection pool plus the audit writer. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    writer: mpsc::Sender<Job>,
    url: String,
    allow: SharedAllow,
    allow_refresh: std::sync::Arc<tokio::sync::Mutex<()>>,
    stats: std::sync::Arc<WriterStats>,
}

/// Calls the same function of the backend module for whichever database the store is on.
macro_rules! dispatch {
    ($self:expr, $f:ident ( $($arg:expr),* )) => {
        match &$self.pool {
            Pool::Sqlite(p) => backend::sqlite::$f(p, $($arg),*).await,
            Pool::Postgres(p) => backend::postgres::$f(p, $($arg),*).await,
        }
    };
}

/// How often the SQLite write-ahead log is checkpointed. Often, so each checkpoint is small: its
/// copy and its sync of the database file compete with the log's syncs for the disk, and requests
/// whose records wait behind one are delayed by its length (measured under load: p99 8.3 ms at
/// 50 ms against 10.1 ms at 250 ms; BENCHMARKS.md).
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// Copies the SQLite write-ahead log into the database file every so often, on a connection of
/// its own. A PASSIVE checkpoint neither waits for nor blocks the audit writer, so a commit never
/// pays for one (with SQLite's automatic checkpoints, the commit that crosses 1,000 pages copies
/// them all while every request in its batch waits). Durability does not depend on it: a
/// committed transaction is in the log, synced, before the append returns.
async fn checkpointer(pool: SqlitePool, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            eprintln!("audit store: WAL checkpoint failed (will retry): {e}");
        }
    }
}

impl Store {
    /// Opens (and creates, for SQLite) the database at `url` and brings its schema up to date.
    /// Needs a Tokio runtime: the audit writer runs as a task on it.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, StoreOptions::default()).await
    }

    pub async fn connect_with(url: &str, opts: StoreOptions) -> Result<Store> {
        let target;
        let durability;
        let pool = if url.starts_with("sqlite:") {
            let o = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a committed append survives power loss, not only a killed process.
                .synchronous(SqliteSynchronous::Full)
                // Checkpoints run beside the writer (see `checkpointer`), not inside its commits.
                .pragma("wal_autocheckpoint", "0")
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                // A local file: no connection to go stale, so no round trip before each use.
                .test_before_acquire(false)
                .connect_with(o.clone())
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            tokio::spawn(checkpointer(
                pool.clone(),
                opts.checkpoint_every.unwrap_or(CHECKPOINT_EVERY),
            ));
            // The audit writer's own connection commits without syncing; the confirmer syncs
            // the log before any append is answered (see `audit::confirmer`), so what is
            // acknowledged survives power loss exactly as with FULL, and one batch's sync runs
            // while the next batch is written.
            let file = o.get_filename().to_path_buf();
            durability = if file.as_os_str() != ":memory:" && !file.as_os_str().is_empty() {
                let mut name = file.into_os_string();
                name.push("-wal");
                audit::Durability::SqliteWal(std::path::PathBuf::from(name))
            } else {
                audit::Durability::Committed
            };
            let conn =
                sqlx::ConnectOptions::connect(&o.synchronous(SqliteSynchronous::Normal)).await?;
            target = audit::WriterTarget::Sqlite {
                conn: Box::new(conn),
            };
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut o = PgConnectOptions::from_str(url)?;
            if let Some(schema) = &opts.pg_schema {
                if !schema
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    || schema.is_empty()
                {
                    return Err(StoreError::BadUrl(format!(
                        "{url} (schema `{schema}`: letters, digits and _ only)"
                    )));
                }
                let admin = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(o.clone())
                    .await?;
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                o = o.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(o.clone())
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            // The writer's session commits without waiting for the flush; the confirmer's one
            // synchronous commit per round flushes them all before any append is answered.
            let writer_pool = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(o.options([("synchronous_commit", "off")]))
                .await?;
            target = audit::WriterTarget::Postgres(writer_pool);
            durability = audit::Durability::PgFlush(pool.clone());
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let (tx, rx) = mpsc::channel::<Job>(4096);
        let max_batch = opts.max_batch.unwrap_or(256).max(1);
        let allow = SharedAllow::default();
        let stats = std::sync::Arc::new(WriterStats::default());
        let (confirm_tx, confirm_rx) = mpsc::channel(1024);
        tokio::spawn(audit::confirmer(
            durability,
            confirm_rx,
            stats.clone(),
            opts.before_sync.clone(),
        ));
        tokio::spawn(audit::writer(
            target,
            rx,
            max_batch,
            allow.clone(),
            stats.clone(),
            confirm_tx,
        ));
        Ok(Store {
            pool,
            writer: tx,
            url: redact(url),
            allow,
            allow_refresh: Default::default(),
            stats,
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL it was opened with, password removed.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A cheap round trip to the database (for readiness).
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self, ping())
    }

    /// Closes the pool; pending appends finish first.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    // ---- audit -------------------------------------------------------------------------------

    /// Appends a record (and its side effect, atomically); returns once it is committed.
    pub async fn append(&self, record: NewRecord, effect: Effect) -> Result<Appended> {
        let started = std::time::Instant::now();
        let (tx, rx) = oneshot::channel();
        self.writer
            .send((record, effect, tx))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        let out = rx.await.map_err(|_| StoreError::WriterGone)?;
        self.stats.append_nanos.fetch_add(
            started.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        out
    }

    /// The audit writer's counters.
    pub fn writer_stats(&self) -> &WriterStats {
        &self.stats
    }

    /// Records with `seq > after`, in order, at most `limit`; only of `kind` when given.
    pub async fn audit_page(
        &self,
        after: i64,
        limit: i64,
        kind: Option<&str>,
    ) -> Result<Vec<Record>> {
        dispatch!(self, audit_page(after, limit, kind))
    }

    /// The newest records first: `seq < before` (all when `None`), at most `limit`.
    pub async fn audit_recent(
        &self,
        before: Option<i64>,
        limit: i64,
        kind: Option<&str>,
    ) -> Result<Vec<Record>> {
        dispatch!(self, audit_recent(before.unwrap_or(i64::MAX), limit, kind))
    }

    pub async fn audit_get(&self, seq: i64) -> Result<Record> {
        dispatch!(self, audit_get(seq))?
            .ok_or_else(|| StoreError::NotFound(format!("audit record {seq}")))
    }

    /// The head row: (last sequence number, its hash).
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        dispatch!(self, audit_head())
    }

    /// Recomputes the whole chain. Problems are reported, not raised.
    pub async fn verify(&self) -> Result<VerifyReport> {
        let mut v = audit::Verifier::new();
        let mut after = i64::MIN;
        loop {
            let page = self.audit_page(after, 2000, None).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for r in &page {
                v.push(r);
            }
        }
        let head = self.audit_head().await?;
        Ok(v.finish(head))
    }

    // ---- tokens ------------------------------------------------------------------------------

    /// Creates a token; the secret is returned once and only its SHA-256 is stored.
    pub async fn create_token(&self, name: &str, role: Role) -> Result<(TokenInfo, String)> {
        let id = random_hex(8);
        let secret = format!("cpk_{id}_{}", random_hex(24));
        let info = TokenInfo {
            id,
            name: name.to_string(),
            role,
            created_at: now(),
            revoked_at: None,
        };
        dispatch!(self, insert_token(&info, &token_hash(&secret)))?;
        Ok((info, secret))
    }

    /// The live token a secret belongs to, if any.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<TokenInfo>> {
        let t: Option<TokenInfo> = dispatch!(self, token_by_hash(&token_hash(secret)))?;
        Ok(t.filter(|t| t.revoked_at.is_none()))
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        dispatch!(self, list_tokens())
    }

    pub async fn revoke_token(&self, id: &str) -> Result<()> {
        let n: u64 = dispatch!(self, revoke_token(id, &now()))?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("live token {id}")));
        }
        Ok(())
    }

    // ---- cases and allow-list ----------------------------------------------------------------

    /// The allow-list entry that clears `party_key` against this list entry in this exact
    /// content (`entry_hash`), if any. An entry made for older content no longer applies.
    pub async fn allowed(
        &self,
        party_key: &str,
        list_source: &str,
        entry_id: &str,
        entry_hash: &str,
    ) -> Result<Option<AllowEntry>> {
        let fresh = self.allow.read().unwrap_or_else(|e| e.into_inner()).fresh();
        if !fresh {
            self.refresh_allow().await?;
        }
        let cache = self.allow.read().unwrap_or_else(|e| e.into_inner());
        let key = (
            party_key.to_string(),
            list_source.to_string(),
            entry_id.to_string(),
            entry_hash.to_string(),
        );
        Ok(cache.by_key.get(&key).cloned())
    }

    /// Reads the allow-list entries added since the last read (one refresh at a time).
    async fn refresh_allow(&self) -> Result<()> {
        let _one = self.allow_refresh.lock().await;
        let (after, generation) = {
            let cache = self.allow.read().unwrap_or_else(|e| e.into_inner());
            if cache.fresh() {
                return Ok(());
            }
            (cache.max_id, cache.generation)
        };
        let started = std::time::Instant::now();
        let new = dispatch!(self, allow_since(after))?;
        let mut cache = self.allow.write().unwrap_or_else(|e| e.into_inner());
        for e in new {
            cache.max_id = cache.max_id.max(e.id);
            cache.by_key.insert(
                (
                    e.party_key.clone(),
                    e.list_source.clone(),
                    e.entry_id.clone(),
                    e.entry_hash.clone(),
                ),
                e,
            );
        }
        // Left stale if the writer invalidated it while we read: the read may predate a decision.
        if cache.generation == generation {
            cache.checked = Some(started);
        }
        Ok(())
    }

    pub async fn allow_list(&self, limit: i64) -> Result<Vec<AllowEntry>> {
        dispatch!(self, allow_list(limit))
    }

    /// Cases, newest first; only those with `status` when given.
    pub async fn list_cases(&self, status: Option<CaseStatus>, limit: i64) -> Result<Vec<Case>> {
        dispatch!(self, list_cases(status.map(|s| s.as_str()), limit))
    }

    pub async fn get_case(&self, id: i64) -> Result<Case> {
        dispatch!(self, get_case(id))?.ok_or_else(|| StoreError::NotFound(format!("case {id}")))
    }

    /// Every party screened so far (for re-screening when a list changes).
    pub async fn parties(&self) -> Result<Vec<Party>> {
        dispatch!(self, parties())
    }
}

/// A side effect written in the same transaction as an audit record.
#[derive(Debug, Clone, Default)]
pub enum Effect {
    #[default]
    None,
    /// A screening: remember the party and open a case for each hit to review (an open case for
    /// the same party and list entry content is reused).
    Screening {
        party: Option<Party>,
        cases: Vec<NewCase>,
    },
    /// A reviewer's decision on an open case; a no-match adds the allow-list entry.
    Decision {
        case_id: i64,
        decision: CaseStatus,
        reason: String,
        decided_by: String,
    },
}

/// What an [`Effect`] did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub enum EffectOutput {
    #[default]
    None,
    /// The case per requested case, in order.
    Cases(Vec<i64>),
    Decided(Box<Case>),
}

pub(crate) fn now() -> String {
    stamp(chrono::Utc::now())
}

/// The stored form of a time: RFC 3339, UTC, microseconds (so stamps compare as text).
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A stored party's `last_screened` is rewritten when it is older than this: screening the same
/// party again within it leaves the row (and its database page) untouched. Every screening is in
/// the audit trail whatever this is.
pub const PARTY_LAST_SCREENED_RESOLUTION: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Stored parties last screened before this stamp are rewritten when screened again.
pub(crate) fn party_rewrite_cutoff() -> String {
    stamp(chrono::Utc::now() - PARTY_LAST_SCREENED_RESOLUTION)
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// The stored form of a token secret.
pub fn token_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn redact(url: &str) -> String {
    // postgres://user:password@host → postgres://user:***@host
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((cred, host)) = rest.split_once('@') {
            if let Some((user, _)) = cred.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}
