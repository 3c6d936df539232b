//! Prometheus metrics: request counts and latencies by route, and the database pool.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock, RwLock};
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
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

/// The method label: one of the methods the route table uses, or `None` for any other
/// (refused with 405 before routing, so a client cannot mint label values).
pub fn method_label(method: &Method) -> Option<&'static str> {
    Some(match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => return None,
    })
}

/// The label of a method refused before routing.
pub const OTHER_METHOD: &str = "OTHER";

/// Status labels: the server itself chooses every status, so the set is small; each is
/// allocated once and shared, and the set is capped all the same.
fn status_label(status: StatusCode) -> &'static str {
    const CAP: usize = 100;
    static SEEN: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(Default::default);
    let value = status.as_str();
    if let Some(s) = SEEN.read().ok().and_then(|seen| seen.get(value).copied()) {
        return s;
    }
    let Ok(mut seen) = SEEN.write() else {
        return "other";
    };
    if let Some(s) = seen.get(value) {
        return s;
    }
    if seen.len() >= CAP {
        return "other";
    }
    let leaked: &'static str = Box::leak(value.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// Counts and times a request under its route pattern (never the raw path: ids would
/// explode the label set). Every label value comes from a closed set.
pub fn record(route: &'static str, method: &'static str, status: StatusCode, elapsed: Duration) {
    let status = status_label(status);
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(elapsed.as_secs_f64());
}

/// Marks requests that arrived on the separate metrics listener (`metrics_bind`).
#[derive(Debug, Clone, Copy)]
pub struct MetricsListener;

/// `/metrics` in the Prometheus text format.
///
/// Served only to addresses in `metrics_allow`, and only on the metrics listener when
/// `metrics_bind` is set; anyone else gets 404, as if it did not exist.
pub async fn render(
    State(state): State<AppState>,
    client: Option<Extension<super::auth::ClientIp>>,
    listener: Option<Extension<MetricsListener>>,
) -> Response {
    let right_listener = state.config.metrics_bind.is_none() || listener.is_some();
    let allowed = client.is_some_and(|Extension(super::auth::ClientIp(ip))| {
        state.metrics_allow.iter().any(|n| n.contains(&ip))
    });
    if !right_listener || !allowed {
        return super::WebError::NotFound.into_response();
    }
    let (open, idle) = crate::db::pool_stats(&state.db);
    metrics::gauge!("db_pool_connections").set(open as f64);
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("process_uptime_seconds").set(state.started_at.elapsed().as_secs_f64());
    let body = install().map(|h| h.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
