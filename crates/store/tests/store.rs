//! The store against both databases: every test runs on a fresh SQLite file and on a fresh
//! PostgreSQL schema (`CHOKEPOINT_TEST_POSTGRES`, default postgres://postgres@127.0.0.1:5432/test;
//! set it to `skip` to run SQLite only). Tampering is done with plain SQL, as someone with write
//! access to the database would.

use std::str::FromStr;

use chokepoint_store::{
    CaseStatus, Effect, NewCase, NewRecord, Party, Role, Store, StoreError, StoreOptions,
};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::SqlitePool;

fn pg_url() -> Option<String> {
    let url = std::env::var("CHOKEPOINT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    (url != "skip").then_some(url)
}

enum Raw {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

struct Ctx {
    store: Store,
    raw: Raw,
    url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl Ctx {
    async fn sqlite() -> Ctx {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("audit.db").display());
        let store = Store::connect(&url).await.unwrap();
        let raw = SqlitePool::connect(&url).await.unwrap();
        Ctx {
            store,
            raw: Raw::Sqlite(raw),
            url,
            _dir: Some(dir),
            schema: None,
        }
    }

    async fn postgres() -> Option<Ctx> {
        let url = pg_url()?;
        let schema = format!("cp_store_test_{}_{}", std::process::id(), rand_suffix());
        let store = Store::connect_with(
            &url,
            StoreOptions {
                pg_schema: Some(schema.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let o = PgConnectOptions::from_str(&url)
            .unwrap()
            .options([("search_path", schema.as_str())]);
        let raw = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(o)
            .await
            .unwrap();
        Some(Ctx {
            store,
            raw: Raw::Pg(raw),
            url,
            _dir: None,
            schema: Some(schema),
        })
    }

    async fn exec(&self, sql: &str) {
        for stmt in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            match &self.raw {
                Raw::Sqlite(p) => sqlx::query(stmt).execute(p).await.map(|_| ()),
                Raw::Pg(p) => sqlx::query(stmt).execute(p).await.map(|_| ()),
            }
            .unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
    }

    /// The first column of the first row, as text.
    async fn text(&self, sql: &str) -> String {
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn try_exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
    }

    /// What an intruder with the database owner's rights does first.
    async fn disable_triggers(&self) {
        match self.raw {
            Raw::Sqlite(_) => {
                self.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
                    .await
            }
            Raw::Pg(_) => {
                self.exec("ALTER TABLE audit_log DISABLE TRIGGER USER")
                    .await
            }
        }
    }

    async fn cleanup(self) {
        self.store.close().await;
        if let (Raw::Pg(p), Some(schema)) = (&self.raw, &self.schema) {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(p)
                .await
                .unwrap();
            p.close().await;
        }
    }
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}", n & 0xffff_ffff)
}

fn rec(i: usize) -> NewRecord {
    NewRecord {
        kind: "check".into(),
        actor_id: "tok1".into(),
        actor_name: "erp".into(),
        actor_role: "screener".into(),
        rulebook_version: "rb-abc".into(),
        list_versions: r#"{"us_csl":"aaaa"}"#.into(),
        request: format!(r#"{{"n":{i},"z":1,"a":2}}"#),
        response: format!(r#"{{"outcome":"licence_required","i":{i}}}"#),
    }
}

async fn fill(store: &Store, n: usize) {
    for i in 0..n {
        store.append(rec(i), Effect::None).await.unwrap();
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
macro_rules! both {
    ($name:ident, |$ctx:ident: &Ctx| $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let owned = Ctx::sqlite().await;
                {
                    let $ctx = &owned;
                    $body.await;
                }
                owned.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(owned) = Ctx::postgres().await else {
                    return;
                };
                {
                    let $ctx = &owned;
                    $body.await;
                }
                owned.cleanup().await;
            }
        }
    };
}

both!(chain_of_appends_verifies, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        let empty = store.verify().await.unwrap();
        assert!(empty.ok && empty.records == 0);
        fill(&store, 5).await;
        let recs = store.audit_page(0, 100, None).await.unwrap();
        assert_eq!(
            recs.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(recs[0].prev_hash, chokepoint_store::GENESIS_HASH);
        for w in recs.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
        }
        // Stored text is exactly what was given (key order kept), so the hash can be recomputed.
        assert_eq!(recs[2].request, r#"{"n":2,"z":1,"a":2}"#);
        let v = store.verify().await.unwrap();
        assert!(v.ok, "{v:?}");
        assert_eq!(
            (v.records, v.last_seq, v.last_hash.clone()),
            (5, 5, recs[4].hash.clone())
        );
        assert_eq!(store.audit_head().await.unwrap(), (5, recs[4].hash.clone()));
        let newest = store.audit_recent(None, 2, None).await.unwrap();
        assert_eq!(newest.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![5, 4]);
        assert!(store
            .audit_page(0, 10, Some("screen"))
            .await
            .unwrap()
            .is_empty());
    }
});

both!(concurrent_appends_form_one_chain, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        let mut tasks = Vec::new();
        for i in 0..200 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                s.append(rec(i), Effect::None).await.unwrap().seq
            }));
        }
        let mut seqs = Vec::new();
        for t in tasks {
            seqs.push(t.await.unwrap());
        }
        seqs.sort();
        assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
        let v = store.verify().await.unwrap();
        assert!(v.ok && v.records == 200, "{v:?}");
    }
});

both!(two_stores_on_one_database_share_the_chain, |ctx: &Ctx| {
    let store = ctx.store.clone();
    let url = ctx.url.clone();
    let schema = ctx.schema.clone();
    async move {
        let other = Store::connect_with(
            &url,
            StoreOptions {
                pg_schema: schema,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for i in 0..60 {
            let s = if i % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tasks.push(tokio::spawn(async move {
                s.append(rec(i), Effect::None).await.unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let v = store.verify().await.unwrap();
        assert!(v.ok && v.records == 60, "{v:?}");
        other.close().await;
    }
});

both!(triggers_refuse_update_and_delete, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 2).await;
        let e = ctx
            .try_exec("UPDATE audit_log SET response = '{}' WHERE seq = 1")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        let e = ctx
            .try_exec("DELETE FROM audit_log WHERE seq = 2")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(store.verify().await.unwrap().ok);
    }
});

both!(verify_detects_a_changed_record, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 6).await;
        ctx.disable_triggers().await;
        ctx.exec(r#"UPDATE audit_log SET response = '{"outcome":"no_licence_required","i":3}' WHERE seq = 4"#).await;
        let v = store.verify().await.unwrap();
        assert!(!v.ok);
        assert_eq!(v.problems.len(), 1, "{v:?}");
        assert_eq!(
            (v.problems[0].seq, v.problems[0].kind.as_str()),
            (4, "content")
        );
        assert!(v.problems[0].message.contains("changed"));
    }
});

both!(
    verify_detects_a_changed_record_with_its_hash_recomputed,
    |ctx: &Ctx| {
        let store = ctx.store.clone();
        async move {
            fill(&store, 6).await;
            ctx.disable_triggers().await;
            // The intruder recomputes record 2's own hash; record 3's link then breaks.
            let mut r = store.audit_get(2).await.unwrap();
            r.actor_name = "someone else".into();
            let h = chokepoint_store::audit::record_hash(&r);
            ctx.exec(&format!(
                "UPDATE audit_log SET actor_name = 'someone else', hash = '{h}' WHERE seq = 2"
            ))
            .await;
            let v = store.verify().await.unwrap();
            assert!(!v.ok);
            assert_eq!(
                v.problems
                    .iter()
                    .map(|p| (p.seq, p.kind.as_str()))
                    .collect::<Vec<_>>(),
                vec![(3, "link")]
            );
        }
    }
);

both!(verify_detects_a_deleted_record, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 6).await;
        ctx.disable_triggers().await;
        ctx.exec("DELETE FROM audit_log WHERE seq = 3").await;
        let v = store.verify().await.unwrap();
        assert!(!v.ok);
        let kinds: Vec<_> = v
            .problems
            .iter()
            .map(|p| (p.seq, p.kind.as_str()))
            .collect();
        assert_eq!(kinds, vec![(4, "sequence"), (4, "link")], "{v:?}");
        assert!(v.problems[0].message.contains("records 3..3 are missing"));
    }
});

both!(verify_detects_deletion_at_the_end, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 6).await;
        ctx.disable_triggers().await;
        ctx.exec("DELETE FROM audit_log WHERE seq >= 5").await;
        let v = store.verify().await.unwrap();
        assert!(!v.ok);
        assert_eq!(
            v.problems
                .iter()
                .map(|p| (p.seq, p.kind.as_str()))
                .collect::<Vec<_>>(),
            vec![(6, "head")]
        );
    }
});

both!(verify_detects_reordering, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 6).await;
        ctx.disable_triggers().await;
        ctx.exec("UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2").await;
        let v = store.verify().await.unwrap();
        assert!(!v.ok);
        let at: Vec<_> = v
            .problems
            .iter()
            .map(|p| (p.seq, p.kind.as_str()))
            .collect();
        assert!(
            at.contains(&(2, "content")) && at.contains(&(3, "content")),
            "{at:?}"
        );
        assert!(at.contains(&(2, "link")), "{at:?}");
    }
});

both!(verify_detects_an_inserted_record, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        fill(&store, 3).await;
        let r = store.audit_get(3).await.unwrap();
        ctx.exec(&format!(
            "INSERT INTO audit_log (seq, recorded_at, kind, actor_id, actor_name, actor_role, rulebook_version, list_versions, request, response, prev_hash, hash) \
             VALUES (4, '{}', 'check', 'x', 'x', 'admin', '', '{{}}', '{{}}', '{{}}', '{}', 'forged')",
            r.recorded_at, r.hash
        ))
        .await;
        let v = store.verify().await.unwrap();
        assert!(!v.ok);
        let at: Vec<_> = v
            .problems
            .iter()
            .map(|p| (p.seq, p.kind.as_str()))
            .collect();
        assert_eq!(at, vec![(4, "content"), (3, "head")]);
    }
});

both!(tokens_are_stored_hashed_and_can_be_revoked, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        let (info, secret) = store.create_token("erp", Role::Reviewer).await.unwrap();
        assert!(secret.starts_with(&format!("cpk_{}_", info.id)));
        let who = store.authenticate(&secret).await.unwrap().unwrap();
        assert_eq!((who.role, who.name.as_str()), (Role::Reviewer, "erp"));
        assert!(store.authenticate("cpk_nope").await.unwrap().is_none());
        let stored = match &ctx.raw {
            Raw::Sqlite(p) => sqlx::query_scalar::<_, String>("SELECT secret_hash FROM api_tokens")
                .fetch_one(p)
                .await
                .unwrap(),
            Raw::Pg(p) => sqlx::query_scalar::<_, String>("SELECT secret_hash FROM api_tokens")
                .fetch_one(p)
                .await
                .unwrap(),
        };
        assert_eq!(stored, chokepoint_store::token_hash(&secret));
        assert!(!stored.contains(&secret));
        store.revoke_token(&info.id).await.unwrap();
        assert!(store.authenticate(&secret).await.unwrap().is_none());
        assert!(matches!(
            store.revoke_token(&info.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(store.list_tokens().await.unwrap().len(), 1);
    }
});

fn new_case(party: &str, entry: &str, hash: &str) -> NewCase {
    NewCase {
        party_key: party.into(),
        party_name: "Acme Trading".into(),
        list_source: "us_csl".into(),
        entry_id: entry.into(),
        entry_hash: hash.into(),
        entry_name: "ACME TRADING CO".into(),
        score: 0.74,
        hit: r#"{"entry":{"id":"e1"}}"#.into(),
    }
}

both!(review_workflow_cases_decisions_allow_list, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        let party = Party {
            key: "p1".into(),
            name: "Acme Trading".into(),
            query: r#"{"name":"Acme Trading"}"#.into(),
        };
        let screening = |cases: Vec<NewCase>| Effect::Screening {
            party: Some(party.clone()),
            cases,
        };
        let a = store
            .append(
                rec(0),
                screening(vec![new_case("p1", "e1", "h1"), new_case("p1", "e2", "h2")]),
            )
            .await
            .unwrap();
        let chokepoint_store::EffectOutput::Cases(ids) = a.effect else {
            panic!()
        };
        assert_eq!(ids.len(), 2);
        // The same hit again reuses the open case.
        let b = store
            .append(rec(1), screening(vec![new_case("p1", "e1", "h1")]))
            .await
            .unwrap();
        let chokepoint_store::EffectOutput::Cases(again) = b.effect else {
            panic!()
        };
        assert_eq!(again, vec![ids[0]]);
        let case = store.get_case(ids[0]).await.unwrap();
        assert_eq!(
            (case.status, case.audit_seq),
            (CaseStatus::Open, Some(a.seq))
        );
        assert_eq!(
            store
                .list_cases(Some(CaseStatus::Open), 10)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(store.parties().await.unwrap(), vec![party.clone()]);

        // Read before the decision: the in-memory allow-list is fresh and empty …
        assert!(store
            .allowed("p1", "us_csl", "e1", "h1")
            .await
            .unwrap()
            .is_none());
        let decide = |id: i64, d: CaseStatus| Effect::Decision {
            case_id: id,
            decision: d,
            reason: "different company, different country".into(),
            decided_by: "tok-r".into(),
        };
        let d = store
            .append(rec(2), decide(ids[0], CaseStatus::NoMatch))
            .await
            .unwrap();
        let chokepoint_store::EffectOutput::Decided(decided) = d.effect else {
            panic!()
        };
        assert_eq!(decided.status, CaseStatus::NoMatch);
        assert_eq!(decided.decided_by.as_deref(), Some("tok-r"));
        // … and a decision is seen at once, not after the refresh interval.
        let allow = store
            .allowed("p1", "us_csl", "e1", "h1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(allow.case_id, ids[0]);
        // Changed list entry content: the allow-list entry no longer applies.
        assert!(store
            .allowed("p1", "us_csl", "e1", "h1-changed")
            .await
            .unwrap()
            .is_none());
        assert!(store
            .allowed("p2", "us_csl", "e1", "h1")
            .await
            .unwrap()
            .is_none());

        // Deciding twice is refused and writes no audit record.
        let head = store.audit_head().await.unwrap();
        let e = store
            .append(rec(3), decide(ids[0], CaseStatus::Match))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict(ref m) if m.contains("already decided")),
            "{e}"
        );
        assert!(matches!(
            store.append(rec(3), decide(9999, CaseStatus::Match)).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(store.audit_head().await.unwrap(), head);
        // A match decision adds nothing to the allow-list.
        store
            .append(rec(4), decide(ids[1], CaseStatus::Match))
            .await
            .unwrap();
        assert!(store
            .allowed("p1", "us_csl", "e2", "h2")
            .await
            .unwrap()
            .is_none());
        assert_eq!(store.allow_list(10).await.unwrap().len(), 1);
        assert!(store
            .list_cases(Some(CaseStatus::Open), 10)
            .await
            .unwrap()
            .is_empty());
        let v = store.verify().await.unwrap();
        assert!(v.ok && v.records == 4, "{v:?}");
    }
});

#[tokio::test]
async fn sqlite_file_is_created_and_the_chain_continues_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::connect(&url).await.unwrap();
    fill(&store, 3).await;
    store.close().await;
    assert!(path.exists());
    let store = Store::connect(&url).await.unwrap();
    fill(&store, 2).await;
    let v = store.verify().await.unwrap();
    assert!(v.ok && v.records == 5, "{v:?}");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&SqlitePool::connect(&url).await.unwrap())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_bad_url_is_refused_by_name() {
    let e = Store::connect("mysql://x").await.err().unwrap();
    assert!(e.to_string().contains("mysql://x"), "{e}");
}

both!(one_batch_opens_one_case_per_party_and_entry, |ctx: &Ctx| {
    let store = ctx.store.clone();
    async move {
        let screening = |party: &str, entries: &[&str]| Effect::Screening {
            party: Some(Party {
                key: party.into(),
                name: "Acme Trading".into(),
                query: "{}".into(),
            }),
            cases: entries.iter().map(|e| new_case(party, e, "h")).collect(),
        };
        // Concurrent appends share a transaction: the same new hit from two of them is one case.
        let (a, b, c) = tokio::join!(
            store.append(rec(0), screening("p1", &["e1", "e2"])),
            store.append(rec(1), screening("p1", &["e2", "e3"])),
            store.append(rec(2), screening("p2", &["e1"])),
        );
        let ids = |r: Result<chokepoint_store::Appended, StoreError>| match r.unwrap().effect {
            chokepoint_store::EffectOutput::Cases(ids) => ids,
            other => panic!("{other:?}"),
        };
        let (a, b, c) = (ids(a), ids(b), ids(c));
        assert_eq!(a.len(), 2);
        assert_eq!(b.len(), 2);
        assert_eq!(a[1], b[0], "p1/e2 is one case");
        assert_ne!(c[0], a[0], "another party, another case");
        let open = store.list_cases(Some(CaseStatus::Open), 10).await.unwrap();
        assert_eq!(open.len(), 4);
        assert_eq!(store.parties().await.unwrap().len(), 2);
        assert!(store.verify().await.unwrap().ok);
    }
});

/// A hook for `StoreOptions::before_sync` that holds each sync until the test sends a permit,
/// and counts the syncs.
#[allow(clippy::type_complexity)]
fn held_sync() -> (
    std::sync::mpsc::Sender<()>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<dyn Fn() + Send + Sync>,
) {
    use std::sync::{Arc, Mutex};
    let (permit_tx, permit_rx) = std::sync::mpsc::channel::<()>();
    let permit_rx = Mutex::new(permit_rx);
    let syncs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let hook = {
        let syncs = syncs.clone();
        Arc::new(move || {
            syncs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = permit_rx.lock().unwrap().recv();
        })
    };
    (permit_tx, syncs, hook)
}

type Count = std::pin::Pin<Box<dyn std::future::Future<Output = i64> + Send>>;

/// The writer commits without waiting for the disk, and the append is answered only once the
/// sync that follows (SQLite: the write-ahead log's fdatasync; PostgreSQL: one flushed commit)
/// has returned — the record is visible to readers before that, not acknowledged.
async fn assert_answered_only_after_the_sync(
    store: Store,
    permit: std::sync::mpsc::Sender<()>,
    syncs: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    count: impl Fn() -> Count,
) {
    let append = tokio::spawn({
        let store = store.clone();
        async move { store.append(rec(0), Effect::None).await }
    });
    let mut seen = 0i64;
    for _ in 0..200 {
        seen = count().await;
        if seen == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(seen, 1, "the record was not committed");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!append.is_finished(), "answered before the sync");
    assert_eq!(syncs.load(std::sync::atomic::Ordering::SeqCst), 1);
    permit.send(()).unwrap();
    let appended = tokio::time::timeout(std::time::Duration::from_secs(10), append)
        .await
        .expect("answered once synced")
        .unwrap()
        .unwrap();
    assert_eq!(appended.seq, 1);
    assert!(store.verify().await.unwrap().ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_append_is_answered_only_after_the_log_is_synced() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("audit.db").display());
    let (permit, syncs, hook) = held_sync();
    let opts = StoreOptions {
        before_sync: Some(hook),
        ..Default::default()
    };
    let store = Store::connect_with(&url, opts).await.unwrap();
    let raw = SqlitePool::connect(&url).await.unwrap();
    assert_answered_only_after_the_sync(store, permit, syncs, move || {
        let raw = raw.clone();
        Box::pin(async move {
            sqlx::query_scalar("SELECT count(*) FROM audit_log")
                .fetch_one(&raw)
                .await
                .unwrap()
        })
    })
    .await;
    // The log synced is the database's own.
    assert!(dir.path().join("audit.db-wal").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_append_is_answered_only_after_the_flush() {
    let Some(url) = pg_url() else {
        return;
    };
    let schema = format!("cp_store_sync_{}_{}", std::process::id(), rand_suffix());
    let (permit, syncs, hook) = held_sync();
    let opts = StoreOptions {
        pg_schema: Some(schema.clone()),
        before_sync: Some(hook),
        ..Default::default()
    };
    let store = Store::connect_with(&url, opts).await.unwrap();
    let o = PgConnectOptions::from_str(&url)
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let raw = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(o)
        .await
        .unwrap();
    let reader = raw.clone();
    assert_answered_only_after_the_sync(store.clone(), permit, syncs, move || {
        let raw = reader.clone();
        Box::pin(async move {
            sqlx::query_scalar("SELECT count(*) FROM audit_log")
                .fetch_one(&raw)
                .await
                .unwrap()
        })
    })
    .await;
    store.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&raw)
        .await
        .unwrap();
}

both!(
    a_party_screened_again_unchanged_keeps_its_row,
    |ctx: &Ctx| {
        let store = ctx.store.clone();
        async move {
            let screening = |query: &str| Effect::Screening {
                party: Some(Party {
                    key: "p1".into(),
                    name: "Acme Trading".into(),
                    query: query.into(),
                }),
                cases: vec![],
            };
            let screen = |i: usize, query: &str| store.append(rec(i), screening(query));
            let screen = |i, query| async move { screen(i, query).await.unwrap() };
            let last_screened =
                || ctx.text("SELECT last_screened FROM parties WHERE party_key = 'p1'");
            screen(0, r#"{"name":"Acme Trading"}"#).await;
            let first = last_screened().await;
            // Unchanged and screened within the hour: the row is left alone.
            screen(1, r#"{"name":"Acme Trading"}"#).await;
            let second = last_screened().await;
            assert_eq!(first, second);
            // A changed query is written at once.
            screen(2, r#"{"name":"Acme Trading","country":"CN"}"#).await;
            let query = ctx
                .text("SELECT query FROM parties WHERE party_key = 'p1'")
                .await;
            assert!(query.contains("CN"), "{query}");
            let third = last_screened().await;
            assert!(third > first, "{third} after {first}");
            // A row last screened more than an hour ago is brought up to date.
            ctx.exec("UPDATE parties SET last_screened = '2000-01-01T00:00:00.000000Z' WHERE party_key = 'p1'").await;
            screen(3, r#"{"name":"Acme Trading","country":"CN"}"#).await;
            let fourth = last_screened().await;
            assert!(fourth >= third, "{fourth}");
            assert_eq!(store.parties().await.unwrap().len(), 1);
            assert!(store.verify().await.unwrap().ok);
        }
    }
);
