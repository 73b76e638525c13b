//! `POST /v1/check`: licence determination for one shipment.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use chokepoint_engine::Options;
use chokepoint_model::{parse_shipment, Format};
use chokepoint_rulebook::Posture;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{record, request_doc, AuditRef, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Body, Params};
use crate::AppState;

/// Options of a check (query string).
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// Answer as of this date (YYYY-MM-DD); default: the shipment's `date`, else today (UTC).
    pub date: Option<String>,
    /// `enforced` (default: the government's announced enforcement) or `as-written`.
    pub posture: Option<String>,
    /// Only these jurisdictions, comma-separated (e.g. `US`).
    pub jurisdiction: Option<String>,
}

/// The determination report (the JSON contract of `docs/output.md`: `as_of`, `posture`,
/// `rulebook`, `shipment`, `determinations` with reasons and citations, `not_reached`) plus the
/// audit record it was written to.
#[derive(Serialize, ToSchema)]
pub struct CheckResponse {
    pub audit: AuditRef,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// Determine, per jurisdiction, whether a shipment needs a licence.
///
/// The body is a shipment as in `docs/transaction.md`: JSON, or TOML with
/// `Content-Type: application/toml`. Unknown kinds, parameters, units, countries or fields are
/// refused with 422 naming the field.
#[utoipa::path(
    post, path = "/v1/check", tag = "licence",
    params(CheckParams),
    request_body(content = Object, description = "The shipment (docs/transaction.md)", content_type = "application/json"),
    responses(
        (status = 200, body = CheckResponse, description = "The determination"),
        (status = 400, body = ErrorBody, description = "Malformed JSON or TOML, or a bad query parameter"),
        (status = 413, body = ErrorBody, description = "Body over the limit"),
        (status = 422, body = ErrorBody, description = "A field is wrong; `field` names it"),
    ),
    security(("bearer" = []))
)]
pub async fn check(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Params(params): Params<CheckParams>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Json<CheckResponse>, ApiError> {
    let is_toml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("toml"));
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "body", format!("not UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "body",
            "expected a shipment (JSON or TOML), got an empty body",
        ));
    }
    let format = if is_toml { Format::Toml } else { Format::Json };
    let shipment = parse_shipment(
        text,
        format,
        "request body",
        &state.book.vocabulary,
        &state.catalog,
    )
    .map_err(|e| {
        if e.field.is_empty() {
            let at = e
                .line
                .filter(|_| !e.message.contains("line"))
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default();
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "body",
                format!("{}{at}", e.message),
            )
        } else {
            ApiError::unprocessable(e.field, e.message)
        }
    })?;
    let as_of = match &params.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "query.date",
                format!("`{d}` is not a date YYYY-MM-DD"),
            )
        })?,
        None => shipment
            .date
            .unwrap_or_else(|| chrono::Utc::now().date_naive()),
    };
    let posture = match params.posture.as_deref() {
        None => Posture::Enforced,
        Some(p) => Posture::parse(p).ok_or_else(|| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "query.posture",
                format!("`{p}` is not one of: enforced, as-written"),
            )
        })?,
    };
    let jurisdictions = match params.jurisdiction.as_deref() {
        None | Some("") => None,
        Some(list) => {
            let mut out = Vec::new();
            for j in list.split(',').map(str::trim).filter(|j| !j.is_empty()) {
                let Some(found) = state.book.jurisdiction(j) else {
                    let known: Vec<_> = state
                        .book
                        .jurisdictions
                        .iter()
                        .map(|j| j.code.as_str())
                        .collect();
                    return Err(ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "query.jurisdiction",
                        format!("`{j}` is not in the rulebook (known: {})", known.join(", ")),
                    ));
                };
                out.push(found.code.clone());
            }
            Some(out)
        }
    };
    let opts = Options {
        as_of,
        posture,
        jurisdictions,
    };
    let worker = state.clone();
    let report = tokio::task::spawn_blocking(move || {
        chokepoint_engine::determine(&worker.book, &shipment, &opts)
    })
    .await
    .map_err(|_| ApiError::internal("the determination failed; nothing was recorded"))?;
    let report =
        serde_json::to_value(&report).map_err(|e| ApiError::internal(format!("report: {e}")))?;
    let entry = Entry {
        kind: "check",
        request: request_doc(&params, &body),
        lists: None,
        rulebook: true,
    };
    let appended = record(&state, &caller, entry, &report, Default::default()).await?;
    Ok(Json(CheckResponse {
        audit: AuditRef::from(&appended),
        report,
    }))
}
