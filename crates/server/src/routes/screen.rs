//! Screening: one name, a batch (NDJSON in and out), name pairs, and yente's `/match/{dataset}`.
//!
//! A hit in the review band opens a review case unless the allow-list clears this party against
//! this list entry in its current content. Each screened query is one audit record.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chokepoint_lists::{ListEntry, NameKind};
use chokepoint_screening::{Decision, Explanation, Query, Schema};
use chokepoint_store::{Effect, EffectOutput, NewCase, Party};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::{record_json, request_doc, AuditRef, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{bytes_rejection, parse_json, JsonBody, Params};
use crate::screening::{Screening, ServedList};
use crate::AppState;

/// One party to screen.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// The name, in any script.
    #[schema(
        example = "Huawei Technologies Co., Ltd.",
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// `Person`, `Company`, `Organization`, `LegalEntity`, `Vessel`, `Aircraft` (default: any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<SchemaName>)]
    pub schema: Option<String>,
    /// Country (ISO code or name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Passport, registration, IMO … numbers as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub identifiers: Vec<String>,
    /// Only these lists (source keys such as `us_csl`, or sub-lists such as `Entity List`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub lists: Vec<String>,
    /// Match threshold, 0.5–1.0 (default 0.80); the review band is the 0.10 below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.5, maximum = 1.0)]
    pub threshold: Option<f32>,
    /// Your id for the party. The allow-list and re-screening key on it; without it, the key is
    /// derived from the query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub party_id: Option<String>,
}

/// The party types a query can name (case does not matter; `any` or absent: every type).
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum SchemaName {
    Person,
    Company,
    Organization,
    LegalEntity,
    Vessel,
    Aircraft,
    #[schema(rename = "any")]
    Any,
}

impl ScreenRequest {
    /// Checks the fields and builds the screening query; errors name `prefix.field`.
    pub(crate) fn query(&self, prefix: &str) -> Result<Query, ApiError> {
        let f = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        };
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ApiError::unprocessable(f("name"), "must not be empty"));
        }
        if name.chars().count() > 1000 {
            return Err(ApiError::unprocessable(
                f("name"),
                "longer than 1000 characters",
            ));
        }
        let schema = match &self.schema {
            None => Schema::Any,
            Some(s) => s
                .parse::<Schema>()
                .map_err(|e| ApiError::unprocessable(f("schema"), e))?,
        };
        if let Some(t) = self.threshold {
            if !(0.5..=1.0).contains(&t) {
                return Err(ApiError::unprocessable(
                    f("threshold"),
                    format!("{t} is not within 0.5..=1.0"),
                ));
            }
        }
        if self.identifiers.len() > 50 || self.lists.len() > 50 {
            return Err(ApiError::unprocessable(
                f(if self.identifiers.len() > 50 {
                    "identifiers"
                } else {
                    "lists"
                }),
                "more than 50 values",
            ));
        }
        if let Some(p) = &self.party_id {
            if p.trim().is_empty() || p.chars().count() > 200 {
                return Err(ApiError::unprocessable(
                    f("party_id"),
                    "give 1 to 200 characters",
                ));
            }
        }
        Ok(Query {
            name: name.to_string(),
            schema,
            country: self.country.clone().filter(|c| !c.trim().is_empty()),
            date_of_birth: self.date_of_birth.clone().filter(|c| !c.trim().is_empty()),
            identifiers: self.identifiers.clone(),
            lists: self.lists.clone(),
            threshold: self.threshold,
        })
    }

    /// The party's key: the client's id, else a hash of the query.
    pub(crate) fn party_key(&self) -> String {
        match &self.party_id {
            Some(p) => format!("id:{}", p.trim()),
            None => {
                let mut copy = self.clone();
                copy.name = copy.name.trim().to_lowercase();
                let text = serde_json::to_string(&copy).unwrap_or_default();
                format!("q:{}", &hex::encode(Sha256::digest(text.as_bytes()))[..24])
            }
        }
    }
}

/// How much each hit carries (`?detail=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Detail {
    /// The list entry's key facts (source, sub-list, id, type, programmes, source link), the
    /// matched name, score and decision: about a fifth of `full`.
    #[default]
    Compact,
    /// Also the whole list entry (every name, address, identifier, licence data, remarks) and the
    /// token-by-token explanation of the score.
    Full,
}

/// Query parameters of `/v1/screen` and `/v1/screen/batch`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScreenParams {
    /// `compact` (default) or `full`: with `full`, each hit also carries the whole list entry
    /// and the token-by-token explanation of its score. Review cases always keep the full hit.
    #[param(value_type = Option<Detail>)]
    pub detail: Option<Detail>,
}

/// A hit's list entry, borrowed from the serving index (no copy per hit); written whole or as
/// its key facts.
#[derive(Clone)]
pub struct EntryOut {
    screening: Arc<Screening>,
    index: usize,
    full: bool,
}

impl std::ops::Deref for EntryOut {
    type Target = ListEntry;
    fn deref(&self) -> &ListEntry {
        &self.screening.screener.entries()[self.index]
    }
}

impl std::fmt::Debug for EntryOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.source, self.id)
    }
}

impl Serialize for EntryOut {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Compact<'a> {
            source: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            sub_list: Option<&'a str>,
            id: &'a str,
            entity_type: chokepoint_lists::EntityType,
            #[serde(skip_serializing_if = "<[String]>::is_empty")]
            programs: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            source_url: Option<&'a str>,
        }
        let e: &ListEntry = self;
        if self.full {
            e.serialize(ser)
        } else {
            Compact {
                source: &e.source,
                sub_list: e.sub_list.as_deref(),
                id: &e.id,
                entity_type: e.entity_type,
                programs: &e.programs,
                source_url: e.source_url.as_deref(),
            }
            .serialize(ser)
        }
    }
}

/// One hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitOut {
    /// The list entry. `detail=compact`: source, sub_list, id, entity_type, programs,
    /// source_url. `detail=full`: the whole entry (also names, addresses, countries,
    /// identifiers, dates of birth, licence data, remarks).
    #[schema(value_type = Object)]
    pub entry: EntryOut,
    /// The entry's primary name.
    pub entry_name: String,
    /// SHA-256 of the entry's content; an allow-list entry holds only for this content.
    pub entry_hash: String,
    pub matched_name: String,
    #[schema(value_type = String)]
    pub name_kind: NameKind,
    pub score: f32,
    /// `match` or `review`.
    #[schema(value_type = String)]
    pub decision: Decision,
    /// Token by token: which query token met which list token, how, and with what weight
    /// (`detail=full` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub explanation: Option<Explanation>,
    /// The allow-list entry that clears this hit, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<AllowedBy>,
    /// The review case this hit opened (or joined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AllowedBy {
    pub allow_id: i64,
    pub case_id: i64,
    pub reason: String,
    pub created_by: String,
}

/// The answer for one party.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreenResponse {
    pub party_key: String,
    /// `match` (a hit at or above the threshold), `review` (hits in the review band to decide),
    /// or `clear` (no hits, or only hits the allow-list clears).
    pub status: String,
    pub hits: Vec<HitOut>,
    /// The list versions screened against.
    pub lists: Vec<ServedList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditRef>,
}

pub(crate) fn serving(state: &AppState) -> Result<Arc<Screening>, ApiError> {
    state.screening().ok_or_else(|| ApiError::unavailable("no restricted-party lists are loaded: run `chokepoint lists update` (or load lists) and restart, or POST /v1/lists/update"))
}

impl HitOut {
    /// Leaves out the whole entry and the explanation.
    pub(crate) fn compact(&mut self) {
        self.entry.full = false;
        self.explanation = None;
    }
}

/// Screens (CPU only); the hits in full.
pub(crate) fn run(s: &Arc<Screening>, q: &Query) -> Vec<HitOut> {
    s.screener
        .screen(q)
        .into_iter()
        .map(|h| HitOut {
            entry: EntryOut {
                screening: s.clone(),
                index: h.entry_index,
                full: true,
            },
            entry_name: h.entry.primary_name().to_string(),
            entry_hash: s
                .entry_hashes
                .get(h.entry_index)
                .cloned()
                .unwrap_or_default(),
            matched_name: h.matched_name.to_string(),
            name_kind: h.name_kind,
            score: h.score,
            decision: h.decision,
            explanation: Some(h.explanation),
            allowed: None,
            case_id: None,
        })
        .collect()
}

pub(crate) fn new_case(party_key: &str, party_name: &str, h: &HitOut) -> NewCase {
    NewCase {
        party_key: party_key.to_string(),
        party_name: party_name.to_string(),
        list_source: h.entry.source.clone(),
        entry_id: h.entry.id.clone(),
        entry_hash: h.entry_hash.clone(),
        entry_name: h.entry.primary_name().to_string(),
        score: h.score as f64,
        hit: serde_json::to_string(h).unwrap_or_else(|_| "{}".into()),
    }
}

/// A settled screening: the response, and its JSON as sent.
pub(crate) struct Settled {
    pub resp: ScreenResponse,
    pub body: String,
}

/// Applies the allow-list, writes the audit record (opening cases for review hits, which keep
/// the full hits), and fills in case ids and the audit reference. The response is recorded and
/// sent in `detail`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn settle(
    state: &AppState,
    caller: &Caller,
    s: &Screening,
    req: &ScreenRequest,
    mut hits: Vec<HitOut>,
    kind: &str,
    request: String,
    detail: Detail,
) -> Result<Settled, ApiError> {
    let party_key = req.party_key();
    for h in hits.iter_mut().filter(|h| h.decision == Decision::Review) {
        if let Some(a) = state
            .store
            .allowed(&party_key, &h.entry.source, &h.entry.id, &h.entry_hash)
            .await?
        {
            h.allowed = Some(AllowedBy {
                allow_id: a.id,
                case_id: a.case_id,
                reason: a.reason,
                created_by: a.created_by,
            });
        }
    }
    let to_review: Vec<usize> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.decision == Decision::Review && h.allowed.is_none())
        .map(|(i, _)| i)
        .collect();
    let status = if hits.iter().any(|h| h.decision == Decision::Match) {
        "match"
    } else if !to_review.is_empty() {
        "review"
    } else {
        "clear"
    };
    let mut resp = ScreenResponse {
        party_key: party_key.clone(),
        status: status.into(),
        hits,
        lists: s.lists.clone(),
        audit: None,
    };
    let cases: Vec<NewCase> = to_review
        .iter()
        .map(|&i| new_case(&party_key, req.name.trim(), &resp.hits[i]))
        .collect();
    if detail == Detail::Compact {
        resp.hits.iter_mut().for_each(HitOut::compact);
    }
    let party = Party {
        key: party_key,
        name: req.name.trim().to_string(),
        query: serde_json::to_string(req).unwrap_or_default(),
    };
    let effect = Effect::Screening {
        party: Some(party),
        cases,
    };
    let entry = Entry {
        kind,
        request,
        lists: Some(&s.list_versions),
        rulebook: false,
    };
    let recorded =
        serde_json::to_string(&resp).map_err(|e| ApiError::internal(format!("response: {e}")))?;
    let appended = record_json(state, caller, entry, recorded.clone(), effect).await?;
    state.metrics.screened.inc();
    let mut changed = false;
    if let EffectOutput::Cases(ids) = &appended.effect {
        state.metrics.cases_opened.inc_by(ids.len() as u64);
        for (&i, &id) in to_review.iter().zip(ids) {
            resp.hits[i].case_id = Some(id);
            changed = true;
        }
    }
    let audit = AuditRef::from(&appended);
    // What is sent is what was recorded plus the audit reference (and case ids, when cases
    // were opened): without case ids, the recorded text is reused rather than encoded again.
    let body = if changed {
        resp.audit = Some(audit);
        serde_json::to_string(&resp).map_err(|e| ApiError::internal(format!("response: {e}")))?
    } else {
        let mut body = recorded;
        body.pop(); // the closing brace
        body.push_str(",\"audit\":");
        body.push_str(
            &serde_json::to_string(&audit)
                .map_err(|e| ApiError::internal(format!("response: {e}")))?,
        );
        body.push('}');
        resp.audit = Some(audit);
        body
    };
    Ok(Settled { resp, body })
}

/// Screen one party against the restricted-party lists.
///
/// By default (`detail=compact`) each hit names its list entry by its key facts; `detail=full`
/// adds the whole entry and the token-by-token explanation of the score (about five times the
/// size). What is sent is what the audit record keeps.
#[utoipa::path(post, path = "/v1/screen", tag = "screening", params(ScreenParams), request_body = ScreenRequest,
    responses((status = 200, body = ScreenResponse), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody, description = "No lists loaded")),
    security(("bearer" = [])))]
pub async fn screen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Params(p): Params<ScreenParams>,
    JsonBody(req, body): JsonBody<ScreenRequest>,
) -> Result<Response, ApiError> {
    let q = req.query("")?;
    let s = serving(&state)?;
    let detail = p.detail.unwrap_or_default();
    let hits = run(&s, &q);
    let params = match detail {
        Detail::Compact => serde_json::json!({}),
        Detail::Full => serde_json::json!({"detail": "full"}),
    };
    let settled = settle(
        &state,
        &caller,
        &s,
        &req,
        hits,
        "screen",
        request_doc(&params, &body),
        detail,
    )
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], settled.body).into_response())
}

/// Screen many parties: one JSON `ScreenRequest` per line in, one `ScreenResponse` per line out
/// (with `line`, the input line number), streamed as each chunk is screened and recorded.
/// All lines are checked before any is screened: a bad line is 422 naming `line N.field`.
#[utoipa::path(post, path = "/v1/screen/batch", tag = "screening", params(ScreenParams),
    request_body(content = String, description = "NDJSON: one ScreenRequest per line", content_type = "application/x-ndjson"),
    responses((status = 200, description = "NDJSON: one ScreenResponse per line", content_type = "application/x-ndjson"), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Params(p): Params<ScreenParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let detail = p.detail.unwrap_or_default();
    let limit = state.config.batch_body_limit;
    let body = Bytes::from_request(req, &state)
        .await
        .map_err(|e| bytes_rejection(e, limit))?;
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "body", format!("not UTF-8: {e}")))?;
    let mut items: Vec<(usize, ScreenRequest, Query, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if items.len() == state.config.batch_limit {
            return Err(ApiError::too_large(format!(
                "more than {} queries in one batch; split it",
                state.config.batch_limit
            )));
        }
        let prefix = format!("line {}", i + 1);
        let r: ScreenRequest = parse_json(line.as_bytes(), &prefix)?;
        let q = r.query(&prefix)?;
        items.push((i + 1, r, q, line.to_string()));
    }
    if items.is_empty() {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "body",
            "no queries: send one JSON object per line",
        ));
    }
    let s = serving(&state)?;
    let chunks: Vec<Vec<(usize, ScreenRequest, Query, String)>> = {
        let mut out = Vec::new();
        let mut it = items.into_iter().peekable();
        while it.peek().is_some() {
            out.push(it.by_ref().take(256).collect());
        }
        out
    };
    let stream = futures_util::stream::unfold(
        (chunks.into_iter(), false),
        move |(mut chunks, stopped)| {
            let state = state.clone();
            let caller = caller.clone();
            let s = s.clone();
            async move {
                if stopped {
                    return None;
                }
                let chunk = chunks.next()?;
                let worker = s.clone();
                let screened = tokio::task::spawn_blocking(move || {
                    chunk
                        .into_iter()
                        .map(|(line, r, q, raw)| {
                            let hits = run(&worker, &q);
                            (line, r, hits, raw)
                        })
                        .collect::<Vec<_>>()
                })
                .await;
                let screened = match screened {
                    Ok(v) => v,
                    Err(_) => {
                        let line = format!(
                            "{}\n",
                            serde_json::json!({"error": {"status": 500, "message": "screening failed; the batch stopped here"}})
                        );
                        return Some((Ok::<_, std::io::Error>(Bytes::from(line)), (chunks, true)));
                    }
                };
                let futures = screened.iter().map(|(line, r, hits, raw)| {
                    let params = match detail {
                        Detail::Compact => serde_json::json!({"line": line}),
                        Detail::Full => serde_json::json!({"line": line, "detail": "full"}),
                    };
                    let doc = request_doc(&params, raw.as_bytes());
                    settle(&state, &caller, &s, r, hits.clone(), "screen", doc, detail)
                });
                let results = futures_util::future::join_all(futures).await;
                let mut buf = Vec::new();
                let mut failed = false;
                for ((line, _, _, _), res) in screened.iter().zip(results) {
                    match res {
                        Ok(settled) => {
                            buf.extend_from_slice(
                                format!("{{\"line\":{line},\"result\":").as_bytes(),
                            );
                            buf.extend_from_slice(settled.body.as_bytes());
                            buf.push(b'}');
                        }
                        Err(e) => {
                            failed = true;
                            let v = serde_json::json!({"line": line, "error": {"status": e.status.as_u16(), "message": e.message}});
                            let _ = serde_json::to_writer(&mut buf, &v);
                        }
                    }
                    buf.push(b'\n');
                }
                Some((Ok(Bytes::from(buf)), (chunks, failed)))
            }
        },
    );
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// Up to 1000 pairs of names.
    #[schema(max_items = 1000)]
    pub pairs: Vec<NamePair>,
    /// `Person`, `Company` … (default: any).
    #[serde(default)]
    #[schema(value_type = Option<SchemaName>)]
    pub schema: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamePair {
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub a: String,
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub b: String,
}

#[derive(Serialize, ToSchema)]
pub struct MatchResult {
    pub a: String,
    pub b: String,
    pub score: f32,
    #[schema(value_type = Object)]
    pub explanation: chokepoint_screening::NameExplanation,
}

#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    pub results: Vec<MatchResult>,
    /// The audit record of this comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditRef>,
}

/// Score name pairs and explain each score token by token (token weights from the loaded lists
/// when there are any). Recorded in the audit trail (kind `match`, with the list versions whose
/// token weights were used); it screens no party, so it opens no case and adds no party.
#[utoipa::path(post, path = "/v1/match", tag = "screening", request_body = MatchRequest, responses((status = 200, body = MatchResponse), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn match_pairs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req, body): JsonBody<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    if req.pairs.len() > 1000 {
        return Err(ApiError::too_large(format!(
            "{} pairs; at most 1000 per request",
            req.pairs.len()
        )));
    }
    let schema = match &req.schema {
        None => Schema::Any,
        Some(s) => s
            .parse::<Schema>()
            .map_err(|e| ApiError::unprocessable("schema", e))?,
    };
    for (i, p) in req.pairs.iter().enumerate() {
        for (side, v) in [("a", &p.a), ("b", &p.b)] {
            if v.trim().is_empty() || v.chars().count() > 1000 {
                return Err(ApiError::unprocessable(
                    format!("pairs[{i}].{side}"),
                    "give a name of 1 to 1000 characters",
                ));
            }
        }
    }
    let s = state.screening();
    let results = req
        .pairs
        .into_iter()
        .map(|p| {
            let (score, explanation) = match &s {
                Some(s) => s.screener.match_names(&p.a, &p.b),
                None => chokepoint_screening::match_names(&p.a, &p.b, schema),
            };
            MatchResult {
                a: p.a,
                b: p.b,
                score,
                explanation,
            }
        })
        .collect();
    let mut resp = MatchResponse {
        results,
        audit: None,
    };
    let entry = Entry {
        kind: "match",
        request: request_doc(&serde_json::json!({}), &body),
        lists: s.as_ref().map(|s| s.list_versions.as_str()),
        rulebook: false,
    };
    let recorded =
        serde_json::to_string(&resp).map_err(|e| ApiError::internal(format!("response: {e}")))?;
    let appended = record_json(&state, &caller, entry, recorded, Effect::None).await?;
    resp.audit = Some(AuditRef::from(&appended));
    Ok(Json(resp))
}

// ---- yente-compatible /match/{dataset} ---------------------------------------------------------

/// yente's `EntityExample`: a schema and FollowTheMoney properties.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct YenteQuery {
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct YenteRequest {
    /// Query key → entity example.
    pub queries: BTreeMap<String, YenteQuery>,
}

#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YenteParams {
    /// Results per query (default 5, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// Score at or above which a result is a `match` (0.5–1.0, default 0.80).
    #[param(minimum = 0.5, maximum = 1.0)]
    pub threshold: Option<f32>,
    /// Lowest score returned (default: the review floor).
    pub cutoff: Option<f32>,
    /// Accepted for compatibility and echoed as `algorithm` in the response. chokepoint has one
    /// matcher, named in `matcher.name`, used whatever is asked for (yente's `logic-v1`,
    /// `name-based` …).
    #[param(max_length = 200)]
    pub algorithm: Option<String>,
    /// Accepted for compatibility.
    pub include_dataset: Option<String>,
    /// Accepted for compatibility.
    pub exclude_dataset: Option<String>,
    /// Accepted for compatibility.
    pub topics: Option<String>,
    /// Accepted for compatibility.
    pub changed_since: Option<String>,
}

fn values(
    props: &BTreeMap<String, serde_json::Value>,
    keys: &[&str],
    field: &str,
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for k in keys {
        match props.get(*k) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => out.push(s.clone()),
            Some(serde_json::Value::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    match v {
                        serde_json::Value::String(s) => out.push(s.clone()),
                        _ => {
                            return Err(ApiError::unprocessable(
                                format!("{field}.properties.{k}[{i}]"),
                                "expected a string",
                            ))
                        }
                    }
                }
            }
            Some(_) => {
                return Err(ApiError::unprocessable(
                    format!("{field}.properties.{k}"),
                    "expected a list of strings",
                ))
            }
        }
    }
    Ok(out)
}

fn ftm_schema(t: chokepoint_lists::EntityType) -> &'static str {
    use chokepoint_lists::EntityType as E;
    match t {
        E::Person => "Person",
        E::Organization => "Organization",
        E::Vessel => "Vessel",
        E::Aircraft => "Airplane",
        E::Unknown => "LegalEntity",
    }
}

fn yente_result(h: &HitOut, threshold: f32) -> serde_json::Value {
    let e = &h.entry;
    let mut props: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for n in &e.names {
        let key = match n.kind {
            NameKind::Primary => "name",
            NameKind::Alias => "alias",
            NameKind::WeakAlias => "weakAlias",
            NameKind::Former => "previousName",
        };
        props.entry(key).or_default().push(n.full.clone());
    }
    let c = if e.entity_type == chokepoint_lists::EntityType::Person {
        "nationality"
    } else {
        "country"
    };
    props
        .entry(c)
        .or_default()
        .extend(e.countries.iter().map(|c| c.to_lowercase()));
    props
        .entry("birthDate")
        .or_default()
        .extend(e.dates_of_birth.iter().cloned());
    props
        .entry("idNumber")
        .or_default()
        .extend(e.identifiers.iter().map(|i| i.value.clone()));
    props
        .entry("program")
        .or_default()
        .extend(e.programs.iter().cloned());
    props
        .entry("address")
        .or_default()
        .extend(e.addresses.iter().filter_map(|a| a.text.clone()));
    props
        .entry("notes")
        .or_default()
        .extend(e.remarks.iter().cloned());
    props
        .entry("sourceUrl")
        .or_default()
        .extend(e.source_url.iter().cloned());
    props.retain(|_, v| !v.is_empty());
    serde_json::json!({
        "id": format!("{}-{}", e.source, e.id),
        "caption": e.primary_name(),
        "schema": ftm_schema(e.entity_type),
        "properties": props,
        "datasets": [e.source.clone()],
        "referents": [],
        "target": true,
        "first_seen": null,
        "last_seen": null,
        "last_change": null,
        "score": h.score,
        "features": {"name_score": h.explanation.as_ref().map(|e| e.name_score)},
        "match": h.score >= threshold,
        "token_level_explanation": h.explanation,
        "chokepoint": {"decision": h.decision, "entry_hash": h.entry_hash, "case_id": h.case_id, "allowed": h.allowed},
    })
}

/// yente-compatible matching: yente's request (`queries` of FollowTheMoney entity examples) and
/// response (`responses` → `results` of entities with `score` and `match`), so yente clients can
/// switch. `dataset` is `default` (every list) or a list source / sub-list key.
#[utoipa::path(post, path = "/match/{dataset}", tag = "screening", params(("dataset" = String, Path), YenteParams), request_body = YenteRequest,
    responses((status = 200, body = Object, description = "yente's EntityMatchResponse"), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn yente_match(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(dataset): Path<String>,
    Params(p): Params<YenteParams>,
    JsonBody(req, _): JsonBody<YenteRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if let Some(a) = &p.algorithm {
        if a.chars().count() > 200 {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "query.algorithm",
                "longer than 200 characters",
            ));
        }
    }
    let limit = p.limit.unwrap_or(5);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "query.limit",
            format!("{limit} is not within 1..=500"),
        ));
    }
    let threshold = p
        .threshold
        .unwrap_or(chokepoint_screening::DEFAULT_THRESHOLD);
    if !(0.5..=1.0).contains(&threshold) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "query.threshold",
            format!("{threshold} is not within 0.5..=1.0"),
        ));
    }
    if req.queries.len() > 100 {
        return Err(ApiError::too_large(format!(
            "{} queries; at most 100 per request",
            req.queries.len()
        )));
    }
    let lists = match dataset.as_str() {
        "default" | "all" | "sanctions" => vec![],
        d => vec![d.to_string()],
    };
    let s = serving(&state)?;
    let mut requests = Vec::new();
    for (key, q) in &req.queries {
        let field = format!("queries.{key}");
        let mut names = values(&q.properties, &["name"], &field)?;
        if names.is_empty() {
            let parts = values(
                &q.properties,
                &["firstName", "middleName", "lastName"],
                &field,
            )?;
            if !parts.is_empty() {
                names.push(parts.join(" "));
            }
        }
        if names.is_empty() {
            names = values(&q.properties, &["alias"], &field)?;
        }
        let r = ScreenRequest {
            name: names.into_iter().next().unwrap_or_default(),
            schema: q
                .schema
                .clone()
                .map(|s| if s == "Thing" { "any".into() } else { s }),
            country: values(
                &q.properties,
                &["country", "nationality", "jurisdiction", "citizenship"],
                &field,
            )?
            .into_iter()
            .next(),
            date_of_birth: values(&q.properties, &["birthDate"], &field)?
                .into_iter()
                .next(),
            identifiers: values(
                &q.properties,
                &[
                    "idNumber",
                    "registrationNumber",
                    "passportNumber",
                    "taxNumber",
                    "imoNumber",
                    "innCode",
                    "ogrnCode",
                    "swiftBic",
                ],
                &field,
            )?,
            lists: lists.clone(),
            threshold: Some(threshold),
            party_id: None,
        };
        if r.name.trim().is_empty() {
            return Err(ApiError::unprocessable(
                format!("{field}.properties.name"),
                "a query needs a name",
            ));
        }
        let query = r.query(&field)?;
        requests.push((
            key.clone(),
            r,
            query,
            serde_json::to_string(q).unwrap_or_default(),
        ));
    }
    let mut responses = serde_json::Map::new();
    for (key, r, query, raw) in requests {
        let mut hits = run(&s, &query);
        if let Some(cut) = p.cutoff {
            hits.retain(|h| h.score >= cut);
        }
        hits.truncate(limit);
        let doc = request_doc(
            &serde_json::json!({"yente": true, "dataset": dataset, "query": key}),
            raw.as_bytes(),
        );
        let resp = settle(&state, &caller, &s, &r, hits, "screen", doc, Detail::Full)
            .await?
            .resp;
        let results: Vec<_> = resp
            .hits
            .iter()
            .map(|h| yente_result(h, threshold))
            .collect();
        responses.insert(
            key,
            serde_json::json!({
                "status": 200,
                "results": results,
                "total": {"value": results.len(), "relation": "eq"},
                "query": serde_json::from_str::<serde_json::Value>(&raw).unwrap_or_default(),
                "chokepoint": {"party_key": resp.party_key, "status": resp.status, "audit": resp.audit},
            }),
        );
    }
    Ok(Json(serde_json::json!({
        "responses": responses,
        "algorithm": p.algorithm.as_deref().unwrap_or("chokepoint"),
        "matcher": {"name": "chokepoint", "threshold": threshold, "cutoff": p.cutoff},
        "limit": limit,
    })))
}
