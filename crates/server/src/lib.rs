//! chokepoint-server: the HTTP API.
//!
//! The caller hands it a loaded [`Rulebook`], a [`Catalog`], a [`Store`] and, when screening is
//! wanted, a list store; this crate embeds no rules. [`router`] builds the axum application;
//! [`serve`] runs it until Ctrl-C or SIGTERM.
//!
//! * `POST /v1/check` — licence determination (body: the shipment, as in `docs/transaction.md`);
//! * `POST /v1/screen`, `POST /v1/screen/batch` (NDJSON in and out), `POST /v1/match`,
//!   `POST /match/{dataset}` (yente's request and response shape);
//! * `GET /v1/rules`, `GET /v1/lists`, `POST /v1/lists/update`;
//! * review cases `GET /v1/cases`, `GET /v1/cases/{id}`, `POST /v1/cases/{id}/decision`;
//! * the audit trail `GET /v1/audit`, `GET /v1/audit/{seq}`, `GET /v1/audit/verify`,
//!   `GET /v1/audit/export`;
//! * `GET /openapi.json`, `/healthz`, `/readyz`, `/metrics`, and the web UI at `/`.
//!
//! Every `/v1` route and `/match/{dataset}` needs `Authorization: Bearer <token>` with a role the
//! route allows ([`auth::allowed_roles`]). Every check, screening, review decision, list update
//! and token creation is written to the audit trail before the response is sent.

pub mod auth;
mod error;
mod extract;
mod metrics;
mod openapi;
mod routes;
pub mod screening;
mod ui;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use chokepoint_catalog::Catalog;
use chokepoint_rulebook::Rulebook;
use chokepoint_store::Store;

pub use error::ApiError;
pub use openapi::ApiDoc;
pub use routes::ROUTES;
pub use screening::Screening;

/// Limits and options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body, bytes (a larger one gets 413).
    pub body_limit: usize,
    /// Largest batch body, bytes.
    pub batch_body_limit: usize,
    /// Most queries in one batch (more gets 413).
    pub batch_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            body_limit: 1 << 20,
            batch_body_limit: 32 << 20,
            batch_limit: 10_000,
        }
    }
}

/// Everything a request handler reads.
pub struct Inner {
    pub book: Rulebook,
    pub catalog: Catalog,
    pub store: Store,
    pub config: Config,
    pub(crate) metrics: metrics::Metrics,
    /// The serving screening index; swapped whole when lists update.
    pub(crate) screening: RwLock<Option<Arc<Screening>>>,
    /// Where lists come from (`None`: screening off, or fixed lists given in tests).
    pub(crate) list_store: Option<chokepoint_lists::store::Store>,
    pub(crate) list_update: tokio::sync::Mutex<()>,
    pub(crate) token_cache:
        Mutex<std::collections::HashMap<String, (chokepoint_store::TokenInfo, Instant)>>,
    pub(crate) started: Instant,
}

/// Shared application state.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(book: Rulebook, catalog: Catalog, store: Store, config: Config) -> AppState {
        AppState(Arc::new(Inner {
            book,
            catalog,
            store,
            config,
            metrics: metrics::Metrics::new(),
            screening: RwLock::new(None),
            list_store: None,
            list_update: tokio::sync::Mutex::new(()),
            token_cache: Mutex::new(Default::default()),
            started: Instant::now(),
        }))
    }

    /// Screens against the lists of `list_store` (loaded now: its default set).
    pub fn with_list_store(
        book: Rulebook,
        catalog: Catalog,
        store: Store,
        config: Config,
        list_store: chokepoint_lists::store::Store,
    ) -> AppState {
        AppState(Arc::new(Inner {
            book,
            catalog,
            store,
            config,
            metrics: metrics::Metrics::new(),
            screening: RwLock::new(None),
            list_store: Some(list_store),
            list_update: tokio::sync::Mutex::new(()),
            token_cache: Mutex::new(Default::default()),
            started: Instant::now(),
        }))
    }

    /// Puts a screening index in service (replacing any other).
    pub fn set_screening(&self, s: Option<Screening>) {
        self.metrics
            .list_entries
            .set(s.as_ref().map(|s| s.entry_count() as i64).unwrap_or(0));
        let mut slot = self.screening.write().unwrap_or_else(|e| e.into_inner());
        *slot = s.map(Arc::new);
    }

    pub(crate) fn screening(&self) -> Option<Arc<Screening>> {
        self.screening
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The application: API, OpenAPI document, health, metrics and UI.
pub fn router(state: AppState) -> Router {
    with_layers(routes::routes(state.clone()).merge(ui::routes()), &state)
}

/// The layers every route gets: the body limit, metrics, and the catch-panic layer that turns a
/// panic into a plain 500.
pub fn with_layers(app: Router, state: &AppState) -> Router {
    app.layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
}

/// Serves on `addr` until Ctrl-C or SIGTERM; pending audit appends finish before it returns.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let store = state.store.clone();
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
