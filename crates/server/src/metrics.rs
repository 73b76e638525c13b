//! Prometheus metrics (`GET /metrics`, text exposition format).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct KindLabels {
    pub kind: String,
}

pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pub audit_records: Family<KindLabels, Counter>,
    pub cases_opened: Counter,
    pub screened: Counter,
    pub list_entries: Gauge,
    audit_writer: [Gauge<f64, std::sync::atomic::AtomicU64>; 6],
}

fn latency_histogram() -> Histogram {
    // 50 µs … ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("chokepoint");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let audit_records = Family::<KindLabels, Counter>::default();
        let cases_opened = Counter::default();
        let screened = Counter::default();
        let list_entries = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "audit_records",
            "Audit records appended by kind",
            audit_records.clone(),
        );
        registry.register(
            "review_cases_opened",
            "Review cases opened",
            cases_opened.clone(),
        );
        registry.register("screened_names", "Names screened", screened.clone());
        registry.register(
            "list_entries",
            "List entries in the serving screening index",
            list_entries.clone(),
        );
        let audit_writer: [Gauge<f64, std::sync::atomic::AtomicU64>; 6] = Default::default();
        for (g, (name, help)) in audit_writer.iter().zip([
            ("audit_write_transactions", "Audit writer transactions (group commits) since start"),
            ("audit_write_records", "Audit records written by those transactions since start"),
            (
                "audit_write_seconds",
                "Time spent in those transactions since start (statements and commit; the sync that confirms them is counted apart)",
            ),
            (
                "audit_append_wait_seconds",
                "Time appends waited since start, summed (queue, transaction, commit, sync): divided by audit_write_records, the mean audit latency of a request",
            ),
            (
                "audit_syncs",
                "Syncs since start (SQLite: the write-ahead log's fdatasync; PostgreSQL: a flushed commit), each confirming every batch committed before it",
            ),
            (
                "audit_sync_seconds",
                "Time spent in those syncs since start",
            ),
        ]) {
            registry.register(name, help, g.clone());
        }
        Metrics {
            audit_writer,
            registry,
            requests,
            latency,
            audit_records,
            cases_opened,
            screened,
            list_entries,
        }
    }

    /// Copies the audit writer's counters in.
    pub fn observe_store(&self, store: &chokepoint_store::Store) {
        use std::sync::atomic::Ordering::Relaxed;
        let w = store.writer_stats();
        let [transactions, records, write, wait, syncs, sync] = &self.audit_writer;
        syncs.set(w.syncs.load(Relaxed) as f64);
        sync.set(w.sync_nanos.load(Relaxed) as f64 / 1e9);
        transactions.set(w.batches.load(Relaxed) as f64);
        records.set(w.records.load(Relaxed) as f64);
        write.set(w.write_nanos.load(Relaxed) as f64 / 1e9);
        wait.set(w.append_nanos.load(Relaxed) as f64 / 1e9);
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Middleware: counts and times every request by its route template.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status,
        })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(start.elapsed().as_secs_f64());
    resp
}

/// `GET /metrics`
#[utoipa::path(get, path = "/metrics", tag = "health", responses((status = 200, description = "Prometheus metrics in the OpenMetrics text format", content_type = "application/openmetrics-text")))]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        {
            state.metrics.observe_store(&state.store);
            state.metrics.encode()
        },
    )
}
