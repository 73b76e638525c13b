//! `GET /v1/rules`, `GET /v1/rules/{id}`: what the rulebook holds.

use axum::extract::{Path, State};
use axum::Json;
use chokepoint_rulebook::Kind;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct RulesSummary {
    /// Content hash of every rule file: the version recorded with each determination.
    pub version: String,
    pub jurisdictions: Vec<JurisdictionSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct JurisdictionSummary {
    pub code: String,
    pub name: String,
    pub law: String,
    pub version: Option<String>,
    pub rules: usize,
    /// Rule count per kind (`control_entry`, `licence_requirement` …).
    pub kinds: std::collections::BTreeMap<String, usize>,
}

#[derive(Serialize, ToSchema)]
pub struct RuleVersion {
    pub jurisdiction: String,
    pub id: String,
    pub kind: String,
    pub title: String,
    #[schema(value_type = Vec<Object>)]
    pub citations: Vec<chokepoint_rulebook::Citation>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub confidence: String,
    pub text: Option<String>,
    pub note: Option<String>,
    /// The CEL condition, as written.
    pub condition: Option<String>,
    pub file: String,
    pub line: usize,
}

fn kind_name(k: Kind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The rulebook version and its jurisdictions.
#[utoipa::path(get, path = "/v1/rules", tag = "licence", responses((status = 200, body = RulesSummary)), security(("bearer" = [])))]
pub async fn rules(State(state): State<AppState>) -> Json<RulesSummary> {
    let jurisdictions = state
        .book
        .jurisdictions
        .iter()
        .map(|j| {
            let mut kinds = std::collections::BTreeMap::new();
            for r in &j.rules {
                *kinds.entry(kind_name(r.kind)).or_insert(0) += 1;
            }
            JurisdictionSummary {
                code: j.code.clone(),
                name: j.name.clone(),
                law: j.law.clone(),
                version: j.version.clone(),
                rules: j.rules.len(),
                kinds,
            }
        })
        .collect();
    Json(RulesSummary {
        version: state.book.version.clone(),
        jurisdictions,
    })
}

/// Every version of one rule, with its citations and condition.
#[utoipa::path(get, path = "/v1/rules/{id}", tag = "licence", params(("id" = String, Path, description = "Rule id, e.g. `us.ccl.3a090.a`")),
    responses((status = 200, body = Vec<RuleVersion>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn rule(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<RuleVersion>>, ApiError> {
    let found = state.book.find(&id);
    if found.is_empty() {
        return Err(ApiError::not_found(format!(
            "no rule `{id}` in rulebook {}",
            state.book.version
        )));
    }
    Ok(Json(
        found
            .into_iter()
            .map(|(j, r)| RuleVersion {
                jurisdiction: j.code.clone(),
                id: r.id.clone(),
                kind: kind_name(r.kind),
                title: r.title.clone(),
                citations: r.citations.clone(),
                valid_from: r.valid_from.to_string(),
                valid_to: r.valid_to.map(|d| d.to_string()),
                confidence: r.confidence.as_str().to_string(),
                text: r.text.clone(),
                note: r.note.clone(),
                condition: r.condition.as_ref().map(|c| c.source.clone()),
                file: r.file.clone(),
                line: r.line,
            })
            .collect(),
    ))
}
