//! The audit trail over HTTP: browse, fetch, verify, export (JSON lines).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chokepoint_store::{Appended, Record, VerifyReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::extract::Params;
use crate::AppState;

/// The audit record a response was written to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditRef {
    pub seq: i64,
    pub hash: String,
    pub recorded_at: String,
}

impl From<&Appended> for AuditRef {
    fn from(a: &Appended) -> AuditRef {
        AuditRef {
            seq: a.seq,
            hash: a.hash.clone(),
            recorded_at: a.recorded_at.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only records older than this sequence number (paging backwards).
    pub before: Option<i64>,
    /// At most this many (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Only records of this kind (`check`, `screen`, `review`, `lists_update`, `token` …).
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<Record>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

fn limit(l: Option<i64>, max: i64) -> Result<i64, ApiError> {
    match l {
        None => Ok(50.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::field(
            axum::http::StatusCode::BAD_REQUEST,
            "query.limit",
            format!("{n} is not within 1..={max}"),
        )),
    }
}

/// The newest audit records.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Params(p): Params<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let n = limit(p.limit, 500)?;
    let records = state
        .store
        .audit_recent(p.before, n, p.kind.as_deref())
        .await?;
    let next_before = if records.len() as i64 == n {
        records.last().map(|r| r.seq)
    } else {
        None
    };
    Ok(Json(AuditPage {
        records,
        next_before,
    }))
}

/// One audit record.
#[utoipa::path(get, path = "/v1/audit/{seq}", tag = "audit", params(("seq" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(seq): Path<String>,
) -> Result<Json<Record>, ApiError> {
    let seq: i64 = seq.parse().map_err(|_| {
        ApiError::field(
            axum::http::StatusCode::BAD_REQUEST,
            "path.seq",
            format!("`{seq}` is not a sequence number"),
        )
    })?;
    Ok(Json(state.store.audit_get(seq).await?))
}

/// Recomputes the hash chain; `ok: false` lists what was changed, deleted or reordered.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", responses((status = 200, body = Object, description = "VerifyReport: ok, records, last_seq, last_hash, problems")), security(("bearer" = [])))]
pub async fn verify(State(state): State<AppState>) -> Result<Json<VerifyReport>, ApiError> {
    Ok(Json(state.store.verify().await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only records after this sequence number.
    pub after: Option<i64>,
}

/// The whole trail (or what follows `after`) as JSON lines, oldest first.
#[utoipa::path(get, path = "/v1/audit/export", tag = "audit", params(ExportParams), responses((status = 200, description = "One record per line", content_type = "application/x-ndjson")), security(("bearer" = [])))]
pub async fn export(State(state): State<AppState>, Params(p): Params<ExportParams>) -> Response {
    let start = p.after.unwrap_or(0);
    let stream = futures_util::stream::unfold(Some(start), move |after| {
        let store = state.store.clone();
        async move {
            let after = after?;
            match store.audit_page(after, 1000, None).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let next = page.last().map(|r| r.seq);
                    let mut buf = Vec::with_capacity(page.len() * 512);
                    for r in &page {
                        let _ = serde_json::to_writer(&mut buf, r);
                        buf.push(b'\n');
                    }
                    Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), next))
                }
                Err(e) => {
                    let line = format!(
                        "{}\n",
                        serde_json::json!({"error": {"status": 503, "message": format!("export stopped: {e}")}})
                    );
                    Some((Ok(bytes::Bytes::from(line)), None))
                }
            }
        }
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}
