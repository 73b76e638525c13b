//! Review cases: the queue, one case, a decision; and the allow-list.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chokepoint_store::{AllowEntry, Case, CaseStatus, Effect, EffectOutput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{record, request_doc, AuditRef, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{JsonBody, Params};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// `open` (default), `match`, `no_match` or `all`.
    #[param(value_type = Option<CaseFilter>)]
    pub status: Option<String>,
    /// At most this many (1–500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Which cases to list.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CaseFilter {
    Open,
    Match,
    NoMatch,
    All,
}

/// A reviewer's verdict.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Verdict {
    Match,
    NoMatch,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    #[schema(value_type = Vec<Object>)]
    pub cases: Vec<Case>,
}

fn case_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            "path.id",
            format!("`{raw}` is not a case number"),
        )
    })
}

/// The case queue, newest first.
#[utoipa::path(get, path = "/v1/cases", tag = "review", params(CaseParams), responses((status = 200, body = CaseList), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Params(p): Params<CaseParams>,
) -> Result<Json<CaseList>, ApiError> {
    let status = match p.status.as_deref().unwrap_or("open") {
        "all" => None,
        s => Some(CaseStatus::parse(s).ok_or_else(|| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "query.status",
                format!("`{s}` is not one of: open, match, no_match, all"),
            )
        })?),
    };
    let limit = p.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "query.limit",
            format!("{limit} is not within 1..=500"),
        ));
    }
    Ok(Json(CaseList {
        cases: state.store.list_cases(status, limit).await?,
    }))
}

/// One case: the party, the list entry as it was when the hit was found, the score's explanation.
#[utoipa::path(get, path = "/v1/cases/{id}", tag = "review", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(state.store.get_case(case_id(&id)?).await?))
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `match` (the party is the listed one) or `no_match` (it is not: the party is cleared
    /// against this list entry until the entry changes).
    #[schema(example = "no_match", value_type = Verdict)]
    pub decision: String,
    /// Why; kept in the audit trail and on the allow-list entry.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionResponse {
    #[schema(value_type = Object)]
    pub case: Case,
    pub audit: AuditRef,
}

/// Decide an open case: match or no match, with a reason. A no-match adds an allow-list entry
/// for this party and this list entry's content. 409 if the case was already decided.
#[utoipa::path(post, path = "/v1/cases/{id}/decision", tag = "review", params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = DecisionResponse), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(req, body): JsonBody<DecisionRequest>,
) -> Result<Json<DecisionResponse>, ApiError> {
    let id = case_id(&id)?;
    let decision = match req.decision.as_str() {
        "match" => CaseStatus::Match,
        "no_match" => CaseStatus::NoMatch,
        other => {
            return Err(ApiError::unprocessable(
                "decision",
                format!("`{other}` is not one of: match, no_match"),
            ))
        }
    };
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::unprocessable(
            "reason",
            "a decision needs a reason",
        ));
    }
    if reason.chars().count() > 4000 {
        return Err(ApiError::unprocessable(
            "reason",
            "longer than 4000 characters",
        ));
    }
    let response = serde_json::json!({"case_id": id, "decision": decision.as_str(), "reason": reason, "decided_by": caller.0.id});
    let effect = Effect::Decision {
        case_id: id,
        decision,
        reason: reason.to_string(),
        decided_by: format!("{} ({})", caller.0.name, caller.0.id),
    };
    let entry = Entry {
        kind: "review",
        request: request_doc(&serde_json::json!({"case_id": id}), &body),
        lists: None,
        rulebook: false,
    };
    let appended = record(&state, &caller, entry, &response, effect).await?;
    let audit = AuditRef::from(&appended);
    let case = match appended.effect {
        EffectOutput::Decided(c) => *c,
        _ => state.store.get_case(id).await?,
    };
    Ok(Json(DecisionResponse { audit, case }))
}

#[derive(Serialize, ToSchema)]
pub struct AllowList {
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AllowEntry>,
}

/// The allow-list: parties cleared against list entries (newest first, at most 500).
#[utoipa::path(get, path = "/v1/allow-list", tag = "review", responses((status = 200, body = AllowList)), security(("bearer" = [])))]
pub async fn allow_list(State(state): State<AppState>) -> Result<Json<AllowList>, ApiError> {
    Ok(Json(AllowList {
        entries: state.store.allow_list(500).await?,
    }))
}
