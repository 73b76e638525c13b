//! `/healthz` (the process answers) and `/readyz` (the store answers; what is loaded).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready` or `unavailable`.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub store: String,
    /// Why the store is not ready, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_error: Option<String>,
    pub rulebook_version: String,
    /// Entries in the serving screening index (0: screening is off).
    pub list_entries: usize,
    pub uptime_seconds: u64,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Ready to serve: the store answers. 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = Ready), (status = 503, body = Ready)))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.store.ping()).await;
    let store_error = match ping {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some("the store did not answer within 2 s".into()),
    };
    let ready = Ready {
        status: if store_error.is_none() {
            "ready"
        } else {
            "unavailable"
        },
        store: format!("{:?}", state.store.backend()).to_lowercase(),
        store_error,
        rulebook_version: state.book.version.clone(),
        list_entries: state.screening().map(|s| s.entry_count()).unwrap_or(0),
        uptime_seconds: state.started.elapsed().as_secs(),
    };
    let code = if ready.store_error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(ready))
}
