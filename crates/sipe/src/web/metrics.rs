//! Prometheus metrics: request counts and latencies by route, and the database pool.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::AppState;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (tests start many apps in one process).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ])
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Label values are a small closed set (route patterns, methods, statuses): each is
/// allocated once and then shared, so recording a request allocates nothing.
fn intern(value: &str) -> &'static str {
    static SEEN: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(Default::default);
    if let Some(s) = SEEN.read().ok().and_then(|seen| seen.get(value).copied()) {
        return s;
    }
    let Ok(mut seen) = SEEN.write() else {
        return "poisoned";
    };
    if let Some(s) = seen.get(value) {
        return s;
    }
    let leaked: &'static str = Box::leak(value.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// Counts and times a request under its route pattern (never the raw path: ids would
/// explode the label set).
pub fn record(route: &'static str, method: &str, status: StatusCode, elapsed: Duration) {
    let method = intern(method);
    let status = intern(status.as_str());
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(elapsed.as_secs_f64());
}

/// `/metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> Response {
    let (open, idle) = crate::db::pool_stats(&state.db);
    metrics::gauge!("db_pool_connections").set(open as f64);
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("process_uptime_seconds").set(state.started_at.elapsed().as_secs_f64());
    let body = install().map(|h| h.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
