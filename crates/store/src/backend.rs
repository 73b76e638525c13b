//! Every statement, written once and compiled for both databases. The SQL is the common subset:
//! `$n` placeholders (SQLite reads them by number too), `RETURNING`, `ON CONFLICT`, savepoints.

/// The columns of an audit record, in the order they are written and read.
const RECORD_COLS: &str = "seq, recorded_at, kind, actor_id, actor_name, actor_role, rulebook_version, list_versions, request, response, prev_hash, hash";

/// Rows per multi-row insert: a batch of n rows is written as chunks of these sizes (binary
/// decomposition), so each database prepares at most this many distinct statements.
const CHUNKS: [usize; 6] = [32, 16, 8, 4, 2, 1];

/// The largest chunk that fits in `n` rows.
fn chunk(n: usize) -> usize {
    CHUNKS.iter().copied().find(|&c| c <= n).unwrap_or(1)
}

/// `prefix` then `n` groups of `cols` numbered placeholders, then `suffix`.
fn multi_row(prefix: &str, cols: usize, n: usize, suffix: &str) -> String {
    let mut sql = String::from(prefix);
    for row in 0..n {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", row * cols + c + 1));
        }
        sql.push(')');
    }
    sql.push_str(suffix);
    sql
}

macro_rules! backend {
    ($name:ident, $db:ty, $write_rows:path) => {
        pub(crate) mod $name {
            use sqlx::Row;

            use crate::audit::{seal, Appended, NewRecord, Record};
            use super::{chunk, CHUNKS, RECORD_COLS};
            use crate::{AllowEntry, Case, CaseStatus, Effect, EffectOutput, Party, Result, Role, StoreError, TokenInfo};

            type Pool = sqlx::Pool<$db>;
            pub(crate) type Conn = <$db as sqlx::Database>::Connection;
            type DbRow = <$db as sqlx::Database>::Row;
            type Tx<'a> = sqlx::Transaction<'a, $db>;

            const CASE_COLS: &str = "id, opened_at, status, party_key, party_name, list_source, entry_id, entry_hash, entry_name, score, hit, audit_seq, decided_at, decided_by, decision_reason";
            const ALLOW_COLS: &str = "id, party_key, list_source, entry_id, entry_hash, case_id, reason, created_at, created_by";

            fn record(row: &DbRow) -> Result<Record, sqlx::Error> {
                Ok(Record {
                    seq: row.try_get("seq")?,
                    recorded_at: row.try_get("recorded_at")?,
                    kind: row.try_get("kind")?,
                    actor_id: row.try_get("actor_id")?,
                    actor_name: row.try_get("actor_name")?,
                    actor_role: row.try_get("actor_role")?,
                    rulebook_version: row.try_get("rulebook_version")?,
                    list_versions: row.try_get("list_versions")?,
                    request: row.try_get("request")?,
                    response: row.try_get("response")?,
                    prev_hash: row.try_get("prev_hash")?,
                    hash: row.try_get("hash")?,
                })
            }

            fn case(row: &DbRow) -> Result<Case, sqlx::Error> {
                let status: String = row.try_get("status")?;
                let hit: String = row.try_get("hit")?;
                Ok(Case {
                    id: row.try_get("id")?,
                    opened_at: row.try_get("opened_at")?,
                    status: CaseStatus::parse(&status).ok_or_else(|| sqlx::Error::Decode(format!("case status `{status}`").into()))?,
                    party_key: row.try_get("party_key")?,
                    party_name: row.try_get("party_name")?,
                    list_source: row.try_get("list_source")?,
                    entry_id: row.try_get("entry_id")?,
                    entry_hash: row.try_get("entry_hash")?,
                    entry_name: row.try_get("entry_name")?,
                    score: row.try_get("score")?,
                    hit: serde_json::from_str(&hit).unwrap_or(serde_json::Value::String(hit)),
                    audit_seq: row.try_get("audit_seq")?,
                    decided_at: row.try_get("decided_at")?,
                    decided_by: row.try_get("decided_by")?,
                    decision_reason: row.try_get("decision_reason")?,
                })
            }

            fn allow(row: &DbRow) -> Result<AllowEntry, sqlx::Error> {
                Ok(AllowEntry {
                    id: row.try_get("id")?,
                    party_key: row.try_get("party_key")?,
                    list_source: row.try_get("list_source")?,
                    entry_id: row.try_get("entry_id")?,
                    entry_hash: row.try_get("entry_hash")?,
                    case_id: row.try_get("case_id")?,
                    reason: row.try_get("reason")?,
                    created_at: row.try_get("created_at")?,
                    created_by: row.try_get("created_by")?,
                })
            }

            fn token(row: &DbRow) -> Result<TokenInfo, sqlx::Error> {
                let role: String = row.try_get("role")?;
                Ok(TokenInfo {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    role: Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("token role `{role}`").into()))?,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            }

            pub async fn ping(p: &Pool) -> Result<()> {
                sqlx::query("SELECT 1").execute(p).await?;
                Ok(())
            }

            // ---- audit ----

            pub async fn audit_page(p: &Pool, after: i64, limit: i64, kind: Option<&str>) -> Result<Vec<Record>> {
                let sql = format!("SELECT {RECORD_COLS} FROM audit_log WHERE seq > $1 AND (CAST($3 AS TEXT) IS NULL OR kind = $3) ORDER BY seq LIMIT $2");
                let rows = sqlx::query(&sql).bind(after).bind(limit).bind(kind).fetch_all(p).await?;
                Ok(rows.iter().map(record).collect::<Result<_, _>>()?)
            }

            pub async fn audit_recent(p: &Pool, before: i64, limit: i64, kind: Option<&str>) -> Result<Vec<Record>> {
                let sql = format!("SELECT {RECORD_COLS} FROM audit_log WHERE seq < $1 AND (CAST($3 AS TEXT) IS NULL OR kind = $3) ORDER BY seq DESC LIMIT $2");
                let rows = sqlx::query(&sql).bind(before).bind(limit).bind(kind).fetch_all(p).await?;
                Ok(rows.iter().map(record).collect::<Result<_, _>>()?)
            }

            pub async fn audit_get(p: &Pool, seq: i64) -> Result<Option<Record>> {
                let sql = format!("SELECT {RECORD_COLS} FROM audit_log WHERE seq = $1");
                let row = sqlx::query(&sql).bind(seq).fetch_optional(p).await?;
                Ok(row.as_ref().map(record).transpose()?)
            }

            pub async fn audit_head(p: &Pool) -> Result<(i64, String)> {
                let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await?;
                Ok((row.try_get("seq")?, row.try_get("hash")?))
            }

            /// Writes a batch in one transaction. The outer error means nothing was written;
            /// an inner one, that this item's effect was refused (and its record not written).
            ///
            /// Statements per batch are kept few: the head is locked and read in one statement,
            /// parties, audit records and the new head are written at the end by the backend's
            /// row writer (`sqlite_rows`, `postgres_rows`; their order within the transaction does
            /// not matter: they commit together or not at all), and
            /// only a review decision, which can be refused, runs inside a savepoint.
            pub async fn write_batch(c: &mut Conn, items: Vec<(NewRecord, Effect)>) -> Result<Vec<Result<Appended>>> {
                let mut tx = sqlx::Connection::begin(c).await?;
                // Writing first takes the write lock (SQLite) or the head row's lock (PostgreSQL)
                // before the head is read, so appends from other processes queue behind us.
                let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *tx).await?;
                let mut seq: i64 = row.try_get("seq")?;
                let mut prev: String = row.try_get("hash")?;
                let now = crate::now();
                let mut out = Vec::with_capacity(items.len());
                let mut records: Vec<Record> = Vec::with_capacity(items.len());
                // party key → party, the last screening of a party in the batch winning.
                let mut parties: Vec<Party> = Vec::new();
                let mut party_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
                // (position in `out`, the record's seq, the cases to open), written after the loop.
                let mut pending_cases: Vec<(usize, i64, Vec<crate::NewCase>)> = Vec::new();
                for (new, effect) in items {
                    let effect_out = match effect {
                        Effect::None => EffectOutput::None,
                        Effect::Screening { party, cases } => {
                            if let Some(party) = party {
                                match party_index.get(&party.key) {
                                    Some(&i) => parties[i] = party,
                                    None => {
                                        party_index.insert(party.key.clone(), parties.len());
                                        parties.push(party);
                                    }
                                }
                            }
                            if !cases.is_empty() {
                                pending_cases.push((out.len(), seq + 1, cases));
                            }
                            EffectOutput::Cases(Vec::new())
                        }
                        decision @ Effect::Decision { .. } => {
                            sqlx::query("SAVEPOINT item").execute(&mut *tx).await?;
                            match apply(&mut tx, decision, &now).await {
                                Ok(o) => {
                                    sqlx::query("RELEASE SAVEPOINT item").execute(&mut *tx).await?;
                                    o
                                }
                                Err(e) => {
                                    sqlx::query("ROLLBACK TO SAVEPOINT item").execute(&mut *tx).await?;
                                    sqlx::query("RELEASE SAVEPOINT item").execute(&mut *tx).await?;
                                    out.push(Err(e));
                                    continue;
                                }
                            }
                        }
                    };
                    let r = seal(seq + 1, &now, &prev, &new);
                    seq = r.seq;
                    prev = r.hash.clone();
                    out.push(Ok(Appended { seq: r.seq, hash: r.hash.clone(), recorded_at: r.recorded_at.clone(), effect: effect_out }));
                    records.push(r);
                }
                if !pending_cases.is_empty() {
                    open_cases(&mut tx, pending_cases, &mut out, &now).await?;
                }
                $write_rows(&mut tx, &parties, &records, &now, seq, &prev).await?;
                tx.commit().await?;
                Ok(out)
            }

            /// Opens a case per hit to review, reusing an open case for the same party and list
            /// entry content: one query finds the open cases of every party in the batch, and
            /// only cases not open yet are inserted. Fills in each item's case ids, in order.
            async fn open_cases(tx: &mut Tx<'_>, pending: Vec<(usize, i64, Vec<crate::NewCase>)>, out: &mut [Result<Appended>], now: &str) -> Result<()> {
                type Key = (String, String, String, String);
                let mut keys: Vec<&str> = pending.iter().flat_map(|(_, _, cases)| cases.iter().map(|c| c.party_key.as_str())).collect();
                keys.sort_unstable();
                keys.dedup();
                let mut open: std::collections::HashMap<Key, i64> = std::collections::HashMap::new();
                let mut rest: &[&str] = &keys;
                while !rest.is_empty() {
                    let n = chunk(rest.len());
                    let mut q = sqlx::query(open_cases_sql(n));
                    for k in &rest[..n] {
                        q = q.bind(*k);
                    }
                    for row in q.fetch_all(&mut **tx).await? {
                        let key: Key = (row.try_get("party_key")?, row.try_get("list_source")?, row.try_get("entry_id")?, row.try_get("entry_hash")?);
                        let id: i64 = row.try_get("id")?;
                        open.entry(key).and_modify(|e| *e = (*e).min(id)).or_insert(id);
                    }
                    rest = &rest[n..];
                }
                for (at, seq, cases) in pending {
                    let mut ids = Vec::with_capacity(cases.len());
                    for c in cases {
                        let key: Key = (c.party_key.clone(), c.list_source.clone(), c.entry_id.clone(), c.entry_hash.clone());
                        if let Some(&id) = open.get(&key) {
                            ids.push(id);
                            continue;
                        }
                        let row = sqlx::query(
                            "INSERT INTO cases (opened_at, status, party_key, party_name, list_source, entry_id, entry_hash, entry_name, score, hit, audit_seq) \
                             VALUES ($1, 'open', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                        )
                        .bind(now)
                        .bind(&c.party_key)
                        .bind(&c.party_name)
                        .bind(&c.list_source)
                        .bind(&c.entry_id)
                        .bind(&c.entry_hash)
                        .bind(&c.entry_name)
                        .bind(c.score)
                        .bind(&c.hit)
                        .bind(seq)
                        .fetch_one(&mut **tx)
                        .await?;
                        let id: i64 = row.try_get("id")?;
                        open.insert(key, id);
                        ids.push(id);
                    }
                    if let Some(Ok(a)) = out.get_mut(at) {
                        a.effect = EffectOutput::Cases(ids);
                    }
                }
                Ok(())
            }

            /// The open cases of `n` parties.
            fn open_cases_sql(n: usize) -> &'static str {
                static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
                let all = SQL.get_or_init(|| {
                    CHUNKS
                        .iter()
                        .map(|&n| {
                            let list: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
                            format!(
                                "SELECT id, party_key, list_source, entry_id, entry_hash FROM cases WHERE status = 'open' AND party_key IN ({})",
                                list.join(", ")
                            )
                        })
                        .collect()
                });
                &all[CHUNKS.iter().position(|&c| c == n).unwrap_or(0)]
            }

            /// A review decision (the other effects are written by `write_batch` itself).
            async fn apply(tx: &mut Tx<'_>, effect: Effect, now: &str) -> Result<EffectOutput> {
                match effect {
                    Effect::None | Effect::Screening { .. } => Ok(EffectOutput::None),
                    Effect::Decision { case_id, decision, reason, decided_by } => {
                        if decision == CaseStatus::Open {
                            return Err(StoreError::Conflict("a decision is `match` or `no_match`".into()));
                        }
                        let sql = format!("SELECT {CASE_COLS} FROM cases WHERE id = $1");
                        let row = sqlx::query(&sql).bind(case_id).fetch_optional(&mut **tx).await?;
                        let current = match row {
                            Some(r) => case(&r)?,
                            None => return Err(StoreError::NotFound(format!("case {case_id}"))),
                        };
                        if current.status != CaseStatus::Open {
                            return Err(StoreError::Conflict(format!(
                                "case {case_id} was already decided ({}) by {} at {}",
                                current.status.as_str(),
                                current.decided_by.as_deref().unwrap_or("?"),
                                current.decided_at.as_deref().unwrap_or("?")
                            )));
                        }
                        sqlx::query("UPDATE cases SET status = $2, decided_at = $3, decided_by = $4, decision_reason = $5 WHERE id = $1 AND status = 'open'")
                            .bind(case_id)
                            .bind(decision.as_str())
                            .bind(now)
                            .bind(&decided_by)
                            .bind(&reason)
                            .execute(&mut **tx)
                            .await?;
                        if decision == CaseStatus::NoMatch {
                            sqlx::query(
                                "INSERT INTO allow_list (party_key, list_source, entry_id, entry_hash, case_id, reason, created_at, created_by) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (party_key, list_source, entry_id, entry_hash) DO NOTHING",
                            )
                            .bind(&current.party_key)
                            .bind(&current.list_source)
                            .bind(&current.entry_id)
                            .bind(&current.entry_hash)
                            .bind(case_id)
                            .bind(&reason)
                            .bind(now)
                            .bind(&decided_by)
                            .execute(&mut **tx)
                            .await?;
                        }
                        let row = sqlx::query(&sql).bind(case_id).fetch_one(&mut **tx).await?;
                        Ok(EffectOutput::Decided(Box::new(case(&row)?)))
                    }
                }
            }

            // ---- tokens ----

            pub async fn insert_token(p: &Pool, t: &TokenInfo, secret_hash: &str) -> Result<()> {
                sqlx::query("INSERT INTO api_tokens (id, name, role, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&t.id)
                    .bind(&t.name)
                    .bind(t.role.as_str())
                    .bind(secret_hash)
                    .bind(&t.created_at)
                    .execute(p)
                    .await?;
                Ok(())
            }

            pub async fn token_by_hash(p: &Pool, secret_hash: &str) -> Result<Option<TokenInfo>> {
                let row = sqlx::query("SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE secret_hash = $1")
                    .bind(secret_hash)
                    .fetch_optional(p)
                    .await?;
                Ok(row.as_ref().map(token).transpose()?)
            }

            pub async fn list_tokens(p: &Pool) -> Result<Vec<TokenInfo>> {
                let rows = sqlx::query("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at, id").fetch_all(p).await?;
                Ok(rows.iter().map(token).collect::<Result<_, _>>()?)
            }

            pub async fn revoke_token(p: &Pool, id: &str, now: &str) -> Result<u64> {
                let r = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(now).execute(p).await?;
                Ok(r.rows_affected())
            }

            // ---- cases ----

            /// Allow-list entries with `id > after`, oldest first.
            pub async fn allow_since(p: &Pool, after: i64) -> Result<Vec<AllowEntry>> {
                let sql = format!("SELECT {ALLOW_COLS} FROM allow_list WHERE id > $1 ORDER BY id");
                let rows = sqlx::query(&sql).bind(after).fetch_all(p).await?;
                Ok(rows.iter().map(allow).collect::<Result<_, _>>()?)
            }

            pub async fn allow_list(p: &Pool, limit: i64) -> Result<Vec<AllowEntry>> {
                let sql = format!("SELECT {ALLOW_COLS} FROM allow_list ORDER BY id DESC LIMIT $1");
                let rows = sqlx::query(&sql).bind(limit).fetch_all(p).await?;
                Ok(rows.iter().map(allow).collect::<Result<_, _>>()?)
            }

            pub async fn list_cases(p: &Pool, status: Option<&str>, limit: i64) -> Result<Vec<Case>> {
                let sql = format!("SELECT {CASE_COLS} FROM cases WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) ORDER BY id DESC LIMIT $2");
                let rows = sqlx::query(&sql).bind(status).bind(limit).fetch_all(p).await?;
                Ok(rows.iter().map(case).collect::<Result<_, _>>()?)
            }

            pub async fn get_case(p: &Pool, id: i64) -> Result<Option<Case>> {
                let sql = format!("SELECT {CASE_COLS} FROM cases WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(p).await?;
                Ok(row.as_ref().map(case).transpose()?)
            }

            pub async fn parties(p: &Pool) -> Result<Vec<Party>> {
                let rows = sqlx::query("SELECT party_key, name, query FROM parties ORDER BY party_key").fetch_all(p).await?;
                rows.iter()
                    .map(|r| Ok(Party { key: r.try_get("party_key")?, name: r.try_get("name")?, query: r.try_get("query")? }))
                    .collect()
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, super::sqlite_rows::write_rows);
backend!(postgres, sqlx::Postgres, super::postgres_rows::write_rows);

/// SQLite writes a batch's parties and records as multi-row statements in chunks of [`CHUNKS`]
/// rows (each run on SQLite's worker thread, no network between them), then the new head.
mod sqlite_rows {
    use super::{chunk, multi_row, CHUNKS, RECORD_COLS};
    use crate::audit::Record;
    use crate::{Party, Result};

    /// Writes the batch's parties, its records and the new head: multi-row statements
    /// in chunks of [`CHUNKS`] rows.
    pub(super) async fn write_rows(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        parties: &[Party],
        records: &[Record],
        now: &str,
        seq: i64,
        prev: &str,
    ) -> Result<()> {
        let mut rest: &[Party] = parties;
        let stale = crate::party_rewrite_cutoff();
        while !rest.is_empty() {
            let n = chunk(rest.len());
            let mut q = sqlx::query(party_sql(n));
            for party in &rest[..n] {
                q = q
                    .bind(&party.key)
                    .bind(&party.name)
                    .bind(&party.query)
                    .bind(now)
                    .bind(now);
            }
            q = q.bind(&stale);
            q.execute(&mut **tx).await?;
            rest = &rest[n..];
        }
        let mut rest: &[Record] = records;
        while !rest.is_empty() {
            let n = chunk(rest.len());
            let mut q = sqlx::query(record_sql(n));
            for r in &rest[..n] {
                q = q
                    .bind(r.seq)
                    .bind(&r.recorded_at)
                    .bind(&r.kind)
                    .bind(&r.actor_id)
                    .bind(&r.actor_name)
                    .bind(&r.actor_role)
                    .bind(&r.rulebook_version)
                    .bind(&r.list_versions)
                    .bind(&r.request)
                    .bind(&r.response)
                    .bind(&r.prev_hash)
                    .bind(&r.hash);
            }
            q.execute(&mut **tx).await?;
            rest = &rest[n..];
        }
        if !records.is_empty() {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(prev)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// The statement inserting `n` audit records (`n` is one of [`CHUNKS`]).
    fn record_sql(n: usize) -> &'static str {
        static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let all = SQL.get_or_init(|| {
            CHUNKS
                .iter()
                .map(|&n| {
                    multi_row(
                        &format!("INSERT INTO audit_log ({RECORD_COLS}) VALUES "),
                        12,
                        n,
                        "",
                    )
                })
                .collect()
        });
        &all[CHUNKS.iter().position(|&c| c == n).unwrap_or(0)]
    }

    /// The statement upserting `n` distinct parties. A party screened again unchanged is
    /// rewritten only when its `last_screened` is older than the cutoff bound last (see
    /// [`crate::PARTY_LAST_SCREENED_RESOLUTION`]): most screenings leave its row alone.
    fn party_sql(n: usize) -> &'static str {
        static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let all = SQL.get_or_init(|| {
            CHUNKS
                .iter()
                .map(|&n| {
                    multi_row(
                        "INSERT INTO parties (party_key, name, query, first_seen, last_screened) VALUES ",
                        5,
                        n,
                        &format!(
                            " ON CONFLICT (party_key) DO UPDATE SET name = excluded.name, query = excluded.query, last_screened = excluded.last_screened \
                             WHERE parties.name <> excluded.name OR parties.query <> excluded.query OR parties.last_screened < ${}",
                            5 * n + 1
                        ),
                    )
                })
                .collect()
        });
        &all[CHUNKS.iter().position(|&c| c == n).unwrap_or(0)]
    }
}

/// PostgreSQL writes a batch's parties, records and new head in one statement: arrays unnested
/// into each table by data-modifying CTEs, so a batch costs one round trip whatever its size.
mod postgres_rows {
    use crate::audit::Record;
    use crate::{Party, Result};

    const SQL: &str = "WITH parties_written AS ( \
            INSERT INTO parties (party_key, name, query, first_seen, last_screened) \
            SELECT k, n, q, $4, $4 FROM UNNEST($1::text[], $2::text[], $3::text[]) AS u(k, n, q) \
            ON CONFLICT (party_key) DO UPDATE SET name = excluded.name, query = excluded.query, last_screened = excluded.last_screened \
            WHERE parties.name <> excluded.name OR parties.query <> excluded.query OR parties.last_screened < $5 \
        ), records_written AS ( \
            INSERT INTO audit_log (seq, recorded_at, kind, actor_id, actor_name, actor_role, rulebook_version, list_versions, request, response, prev_hash, hash) \
            SELECT * FROM UNNEST($6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[]) \
        ) \
        UPDATE audit_head SET seq = $18, hash = $19 WHERE id = 1";

    pub(super) async fn write_rows(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        parties: &[Party],
        records: &[Record],
        now: &str,
        seq: i64,
        prev: &str,
    ) -> Result<()> {
        if parties.is_empty() && records.is_empty() {
            return Ok(());
        }
        let stale = crate::party_rewrite_cutoff();
        let texts = |f: fn(&Record) -> &str| records.iter().map(f).collect::<Vec<&str>>();
        sqlx::query(SQL)
            .bind(parties.iter().map(|p| p.key.as_str()).collect::<Vec<_>>())
            .bind(parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>())
            .bind(parties.iter().map(|p| p.query.as_str()).collect::<Vec<_>>())
            .bind(now)
            .bind(&stale)
            .bind(records.iter().map(|r| r.seq).collect::<Vec<i64>>())
            .bind(texts(|r| &r.recorded_at))
            .bind(texts(|r| &r.kind))
            .bind(texts(|r| &r.actor_id))
            .bind(texts(|r| &r.actor_name))
            .bind(texts(|r| &r.actor_role))
            .bind(texts(|r| &r.rulebook_version))
            .bind(texts(|r| &r.list_versions))
            .bind(texts(|r| &r.request))
            .bind(texts(|r| &r.response))
            .bind(texts(|r| &r.prev_hash))
            .bind(texts(|r| &r.hash))
            .bind(seq)
            .bind(prev)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}
