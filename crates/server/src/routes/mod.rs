//! The routes and the role each needs.

pub(crate) mod audit;
pub(crate) mod cases;
pub(crate) mod check;
pub(crate) mod health;
pub(crate) mod lists;
pub(crate) mod rules;
pub(crate) mod screen;
pub(crate) mod tokens;

use axum::routing::{delete, get, post};
use axum::Router;
use chokepoint_store::{Appended, Effect, NewRecord};
use serde::Serialize;

use crate::auth::{require, Access, Caller};
use crate::error::ApiError;
use crate::metrics::KindLabels;
use crate::AppState;

pub(crate) use audit::AuditRef;

/// Every route: (method, path, access), for the role tests and the OpenAPI check.
pub const ROUTES: &[(&str, &str, Option<Access>)] = &[
    ("GET", "/healthz", None),
    ("GET", "/readyz", None),
    ("GET", "/metrics", None),
    ("GET", "/openapi.json", None),
    ("POST", "/v1/check", Some(Access::Screen)),
    ("POST", "/v1/screen", Some(Access::Screen)),
    ("POST", "/v1/screen/batch", Some(Access::Screen)),
    ("POST", "/v1/match", Some(Access::Screen)),
    ("POST", "/match/{dataset}", Some(Access::Screen)),
    ("GET", "/v1/rules", Some(Access::Read)),
    ("GET", "/v1/rules/{id}", Some(Access::Read)),
    ("GET", "/v1/lists", Some(Access::Read)),
    ("GET", "/v1/whoami", Some(Access::Read)),
    ("POST", "/v1/lists/update", Some(Access::Admin)),
    ("GET", "/v1/cases", Some(Access::ReviewRead)),
    ("GET", "/v1/cases/{id}", Some(Access::ReviewRead)),
    ("GET", "/v1/allow-list", Some(Access::ReviewRead)),
    (
        "POST",
        "/v1/cases/{id}/decision",
        Some(Access::ReviewDecide),
    ),
    ("GET", "/v1/audit", Some(Access::Audit)),
    ("GET", "/v1/audit/verify", Some(Access::Audit)),
    ("GET", "/v1/audit/export", Some(Access::Audit)),
    ("GET", "/v1/audit/{seq}", Some(Access::Audit)),
    ("GET", "/v1/tokens", Some(Access::Admin)),
    ("POST", "/v1/tokens", Some(Access::Admin)),
    ("DELETE", "/v1/tokens/{id}", Some(Access::Admin)),
];

fn guard(state: &AppState, access: Access, r: Router<AppState>) -> Router<AppState> {
    r.route_layer(axum::middleware::from_fn_with_state(
        (state.clone(), access),
        require,
    ))
}

pub(crate) fn routes(state: AppState) -> Router {
    let batch_limit = state.config.batch_body_limit;
    let open = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::metrics))
        .route("/openapi.json", get(crate::openapi::openapi_json));
    let screen = Router::new()
        .route("/v1/check", post(check::check))
        .route("/v1/screen", post(screen::screen))
        .route(
            "/v1/screen/batch",
            post(screen::batch).layer(axum::extract::DefaultBodyLimit::max(batch_limit)),
        )
        .route("/v1/match", post(screen::match_pairs))
        .route("/match/{dataset}", post(screen::yente_match));
    let read = Router::new()
        .route("/v1/rules", get(rules::rules))
        .route("/v1/rules/{id}", get(rules::rule))
        .route("/v1/lists", get(lists::lists))
        .route("/v1/whoami", get(tokens::whoami));
    let review_read = Router::new()
        .route("/v1/cases", get(cases::list))
        .route("/v1/cases/{id}", get(cases::get_one))
        .route("/v1/allow-list", get(cases::allow_list));
    let review_decide = Router::new().route("/v1/cases/{id}/decision", post(cases::decide));
    let audit = Router::new()
        .route("/v1/audit", get(audit::list))
        .route("/v1/audit/verify", get(audit::verify))
        .route("/v1/audit/export", get(audit::export))
        .route("/v1/audit/{seq}", get(audit::get_one));
    let admin = Router::new()
        .route("/v1/lists/update", post(lists::update))
        .route("/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/v1/tokens/{id}", delete(tokens::revoke));
    open.merge(guard(&state, Access::Screen, screen))
        .merge(guard(&state, Access::Read, read))
        .merge(guard(&state, Access::ReviewRead, review_read))
        .merge(guard(&state, Access::ReviewDecide, review_decide))
        .merge(guard(&state, Access::Audit, audit))
        .merge(guard(&state, Access::Admin, admin))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// What an audit record is about.
pub(crate) struct Entry<'a> {
    pub kind: &'a str,
    /// The request document ([`request_doc`]).
    pub request: String,
    /// The list versions the answer used (`None`: no lists).
    pub lists: Option<&'a str>,
    /// Whether the answer used the rulebook.
    pub rulebook: bool,
}

/// Writes an audit record for `caller` and waits for it to commit.
pub(crate) async fn record(
    state: &AppState,
    caller: &Caller,
    entry: Entry<'_>,
    response: &impl Serialize,
    effect: Effect,
) -> Result<Appended, ApiError> {
    let response = serde_json::to_string(response)
        .map_err(|e| ApiError::internal(format!("response: {e}")))?;
    record_json(state, caller, entry, response, effect).await
}

/// [`record`] with the response already encoded.
pub(crate) async fn record_json(
    state: &AppState,
    caller: &Caller,
    entry: Entry<'_>,
    response: String,
    effect: Effect,
) -> Result<Appended, ApiError> {
    let Entry {
        kind,
        request,
        lists: list_versions,
        rulebook,
    } = entry;
    let rec = NewRecord {
        kind: kind.to_string(),
        actor_id: caller.0.id.clone(),
        actor_name: caller.0.name.clone(),
        actor_role: caller.0.role.as_str().to_string(),
        rulebook_version: if rulebook {
            state.book.version.clone()
        } else {
            String::new()
        },
        list_versions: list_versions.unwrap_or("{}").to_string(),
        request,
        response,
    };
    let appended = state.store.append(rec, effect).await?;
    state
        .metrics
        .audit_records
        .get_or_create(&KindLabels {
            kind: kind.to_string(),
        })
        .inc();
    Ok(appended)
}

/// A request document for the audit trail: `params` plus the body, embedded byte for byte when
/// it is JSON (else as a string).
pub(crate) fn request_doc(params: &impl Serialize, body: &[u8]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        params: &'a serde_json::Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<&'a serde_json::value::RawValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        body_text: Option<&'a str>,
    }
    let params = serde_json::to_value(params).unwrap_or(serde_json::Value::Null);
    let text = String::from_utf8_lossy(body);
    let raw: Option<&serde_json::value::RawValue> = serde_json::from_str(text.trim()).ok();
    let doc = Doc {
        params: &params,
        body: raw,
        body_text: if raw.is_none() { Some(&text) } else { None },
    };
    serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into())
}
