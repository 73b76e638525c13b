//! `GET /v1/lists` and `POST /v1/lists/update`: download, validate, swap, re-screen.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chokepoint_screening::Decision;
use chokepoint_store::{Effect, EffectOutput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::screen::{new_case, run, ScreenRequest};
use super::{record, request_doc, AuditRef, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_json, Body};
use crate::screening::{load_from_store, Screening, ServedList};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct ListsResponse {
    /// Whether screening is available.
    pub screening: bool,
    pub entries: usize,
    pub lists: Vec<ServedList>,
    /// Where lists are kept, when the server has a list store.
    pub store: Option<String>,
}

/// The lists in service, with their versions (content hashes).
#[utoipa::path(get, path = "/v1/lists", tag = "lists", responses((status = 200, body = ListsResponse)), security(("bearer" = [])))]
pub async fn lists(State(state): State<AppState>) -> Json<ListsResponse> {
    let s = state.screening();
    Json(ListsResponse {
        screening: s.is_some(),
        entries: s.as_ref().map(|s| s.entry_count()).unwrap_or(0),
        lists: s.map(|s| s.lists.clone()).unwrap_or_default(),
        store: state
            .list_store
            .as_ref()
            .map(|l| l.root().display().to_string()),
    })
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// Only this source (default: every configured source with download URLs).
    pub source: Option<String>,
    /// Download from these URLs instead of the configured ones (needs `source`).
    #[serde(default)]
    pub urls: Vec<String>,
    /// Accept an entry count that fell by more than half.
    #[serde(default)]
    pub force: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UpdateResponse {
    /// Per source: `loaded`, `unchanged` or `failed` (with why). A failed source keeps serving
    /// its previous version.
    #[schema(value_type = Vec<Object>)]
    pub outcomes: Vec<chokepoint_lists::store::Outcome>,
    /// Whether a new screening index went into service.
    pub swapped: bool,
    /// Why the new lists could not be put in service, when they could not.
    pub error: Option<String>,
    pub lists: Vec<ServedList>,
    /// List entries new or changed since the previous index.
    pub changed_entries: usize,
    /// Stored parties screened again against the changed entries.
    pub rescreened_parties: usize,
    /// Review cases opened by the re-screening.
    pub new_cases: Vec<i64>,
    pub audit: Option<AuditRef>,
}

/// Update the lists: download, validate, swap in what changed (a failed source keeps its serving
/// version), then screen every stored party again against the new or changed entries only; new
/// hits open review cases.
#[utoipa::path(post, path = "/v1/lists/update", tag = "lists", request_body(content = Option<UpdateRequest>, description = "Optional: without a body, every configured source is updated"),
    responses((status = 200, body = UpdateResponse), (status = 409, body = ErrorBody, description = "An update is running"), (status = 503, body = ErrorBody, description = "The server has no list store")),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(body): Body,
) -> Result<Json<UpdateResponse>, ApiError> {
    let req: UpdateRequest =
        if body.iter().all(|b| b.is_ascii_whitespace()) || body.trim_ascii() == b"null" {
            UpdateRequest::default()
        } else {
            parse_json(&body, "")?
        };
    if !req.urls.is_empty() && req.source.is_none() {
        return Err(ApiError::unprocessable("source", "`urls` needs `source`"));
    }
    let Some(list_store) = state.list_store.clone() else {
        return Err(ApiError::unavailable(
            "this server was started without a list store",
        ));
    };
    let Ok(_guard) = state.list_update.try_lock() else {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "a list update is already running",
        ));
    };
    let opts = chokepoint_lists::store::UpdateOptions {
        source: req.source.clone(),
        urls: req.urls.clone(),
        force: req.force,
    };
    let ls = list_store.clone();
    let outcomes = tokio::task::spawn_blocking(move || ls.update(&opts))
        .await
        .map_err(|_| ApiError::internal("the list update failed; the serving lists are unchanged"))?
        .map_err(|e| {
            ApiError::unprocessable(
                if req.source.is_some() {
                    "source"
                } else {
                    "body"
                },
                e.to_string(),
            )
        })?;
    let any_loaded = outcomes.iter().any(|o| o.status == "loaded") || state.screening().is_none();
    let mut resp = UpdateResponse {
        outcomes,
        swapped: false,
        error: None,
        lists: vec![],
        changed_entries: 0,
        rescreened_parties: 0,
        new_cases: vec![],
        audit: None,
    };
    if any_loaded {
        match tokio::task::spawn_blocking(move || load_from_store(&list_store)).await {
            Ok(Ok(new)) => {
                let new = Arc::new(new);
                let old = state.screening();
                *state.screening.write().unwrap_or_else(|e| e.into_inner()) = Some(new.clone());
                state.metrics.list_entries.set(new.entry_count() as i64);
                resp.swapped = true;
                let changed = match &old {
                    Some(old) => new.changed_since(old),
                    None => (0..new.entry_count()).collect(),
                };
                resp.changed_entries = changed.len();
                if old.is_some() && !changed.is_empty() {
                    let (parties, cases) = rescreen(&state, &caller, &new, &changed).await?;
                    resp.rescreened_parties = parties;
                    resp.new_cases = cases;
                }
            }
            Ok(Err(e)) => {
                resp.error = Some(format!(
                    "the new lists could not be loaded; the previous ones keep serving: {e}"
                ))
            }
            Err(_) => {
                resp.error =
                    Some("loading the new lists failed; the previous ones keep serving".into())
            }
        }
    }
    let serving = state.screening();
    resp.lists = serving
        .as_ref()
        .map(|s| s.lists.clone())
        .unwrap_or_default();
    let versions = serving.as_ref().map(|s| s.list_versions.clone());
    let entry = Entry {
        kind: "lists_update",
        request: request_doc(&req, b""),
        lists: versions.as_deref(),
        rulebook: false,
    };
    let appended = record(&state, &caller, entry, &resp, Effect::None).await?;
    resp.audit = Some(AuditRef::from(&appended));
    Ok(Json(resp))
}

/// Screens every stored party against the `changed` entries of `s`; hits open cases, each party
/// with hits gets an audit record (`rescreen`). Returns (parties screened, cases opened).
pub(crate) async fn rescreen(
    state: &AppState,
    caller: &Caller,
    s: &Arc<Screening>,
    changed: &[usize],
) -> Result<(usize, Vec<i64>), ApiError> {
    let parties = state.store.parties().await?;
    let changed: HashSet<(String, String)> = changed
        .iter()
        .filter_map(|&i| s.screener.entries().get(i))
        .map(|e| (e.source.clone(), e.id.clone()))
        .collect();
    let worker = s.clone();
    let found = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for p in parties {
            let Ok(req) = serde_json::from_str::<ScreenRequest>(&p.query) else {
                continue;
            };
            let Ok(q) = req.query("") else { continue };
            let hits: Vec<_> = run(&worker, &q)
                .into_iter()
                .filter(|h| changed.contains(&(h.entry.source.clone(), h.entry.id.clone())))
                .collect();
            out.push((p, req, hits));
        }
        out
    })
    .await
    .map_err(|_| ApiError::internal("re-screening failed"))?;
    let screened = found.len();
    let mut opened = Vec::new();
    for (party, req, hits) in found {
        let mut cases = Vec::new();
        for h in &hits {
            if h.decision == Decision::Review
                && state
                    .store
                    .allowed(&party.key, &h.entry.source, &h.entry.id, &h.entry_hash)
                    .await?
                    .is_some()
            {
                continue;
            }
            cases.push(new_case(&party.key, &party.name, h));
        }
        if cases.is_empty() {
            continue;
        }
        let entry = Entry {
            kind: "rescreen",
            request: request_doc(
                &serde_json::json!({"party_key": party.key}),
                party.query.as_bytes(),
            ),
            lists: Some(&s.list_versions),
            rulebook: false,
        };
        let response = serde_json::json!({"party_key": party.key, "name": req.name, "hits": hits});
        let appended = record(
            state,
            caller,
            entry,
            &response,
            Effect::Screening { party: None, cases },
        )
        .await?;
        if let EffectOutput::Cases(ids) = appended.effect {
            state.metrics.cases_opened.inc_by(ids.len() as u64);
            opened.extend(ids);
        }
    }
    Ok((screened, opened))
}
