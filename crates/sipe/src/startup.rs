//! Builds the application from a typed config, binds its own listener (port 0 in tests)
//! and runs until a shutdown signal: tests run exactly what production runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode};
use axum::middleware;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::db::{self, Db};
use crate::jobs::{self, Registry, Worker};
use crate::web::{self, AppState, Guard, RouteDef, Routes};

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data dir cannot be created or written.
    #[error("cannot use data dir {path}: {cause}")]
    DataDir {
        /// The folder.
        path: String,
        /// What the system said.
        cause: String,
    },
    /// The database is unreachable.
    #[error(transparent)]
    Connect(#[from] db::ConnectError),
    /// Migrations or reference data failed.
    #[error("preparing the database: {0}")]
    Prepare(String),
    /// The address is taken or invalid.
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        /// The address.
        addr: String,
        /// What the system said.
        cause: String,
    },
    /// Misconfiguration.
    #[error("{0}")]
    Config(String),
    /// The search index could not be opened.
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
}

/// Makes sure the data dir exists and is writable.
pub fn prepare_data_dir(config: &Config) -> Result<(), StartError> {
    let dir = &config.data_dir;
    let err = |e: std::io::Error| StartError::DataDir {
        path: dir.display().to_string(),
        cause: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(err)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens the database, applies migrations and loads reference data when missing.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if config.database_url.is_none() {
        prepare_data_dir(config)?;
    }
    let db = db::connect(&config.effective_database_url()).await?;
    db::migrate(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?;
    if crate::territory::store::count_territories(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?
        == 0
    {
        crate::territory::reference::load(&db)
            .await
            .map_err(|e| StartError::Prepare(e.to_string()))?;
    }
    // A bulk import killed half-way leaves its dropped indexes to rebuild.
    crate::persons::import::ensure_secondary_indexes(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?;
    if crate::taxonomy::reference::needs_load(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?
    {
        crate::taxonomy::reference::load(&db)
            .await
            .map_err(|e| StartError::Prepare(e.to_string()))?;
    }
    Ok(db)
}

/// Folder of this node's people index in the data dir.
pub fn person_index_dir(config: &Config) -> std::path::PathBuf {
    config
        .data_dir
        .join("index")
        .join(crate::search::PERSONS_INDEX_DIR)
}

/// Opens this node's people index in the data dir.
pub fn open_person_index(config: &Config) -> Result<crate::search::PersonIndex, StartError> {
    Ok(crate::search::PersonIndex::open(&person_index_dir(config))?)
}

/// Every route of the application, with its guard.
pub fn routes() -> Routes {
    Routes::new()
        .get("/healthz", Guard::Public, || async { "ok" })
        .get("/readyz", Guard::Public, readyz)
        .get("/metrics", Guard::Public, web::metrics::render)
        .get("/static/app.css", Guard::Public, web::assets::css)
        .get("/static/app.js", Guard::Public, web::assets::js)
        .get(
            "/api/v1/openapi.json",
            Guard::Public,
            crate::api::openapi_json,
        )
        .merge(crate::access::routes())
        .merge(crate::territory::routes())
        .merge(crate::persons::routes())
        .merge(crate::intermediation::routes())
        .merge(crate::taxonomy::routes())
        .merge(crate::jobs::routes())
        .get(
            "/admin/audit",
            Guard::Web(crate::access::Permission::ViewAudit),
            crate::audit::handlers::list_audit,
        )
        .get(
            "/admin/audit.csv",
            Guard::Web(crate::access::Permission::ViewAudit),
            crate::audit::handlers::export_audit,
        )
}

/// `/readyz`: 200 once the database answers and this node's search index has caught up
/// with it (a load balancer sends no traffic before: searches would miss people).
async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, &'static str) {
    if !state.ready.load(std::sync::atomic::Ordering::Acquire) {
        (StatusCode::SERVICE_UNAVAILABLE, "search index catching up")
    } else if db::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// The full router with its middleware stack.
pub fn router(state: AppState) -> Result<(Vec<RouteDef>, Router), StartError> {
    web::metrics::install();
    let (defs, routes) = routes().into_parts();
    let mut csrf = CsrfLayer::new();
    let public_origin = state.config.public_url.as_deref().map(origin_of);
    for origin in state
        .config
        .trusted_origins
        .iter()
        .chain(public_origin.as_ref())
    {
        csrf = csrf
            .add_trusted_origin(origin)
            .map_err(|e| StartError::Config(format!("trusted_origins: {e:?}")))?;
    }
    let request_id = HeaderName::from_static("x-request-id");
    let app = routes
        .fallback(web::error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::pipeline::pipeline,
        ))
        .layer(
            ServiceBuilder::new()
                .map_request(drop_unsafe_request_id)
                .layer(SetRequestIdLayer::new(
                    request_id.clone(),
                    SequentialRequestId::new(),
                ))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    web::pipeline::finish_errors,
                ))
                .layer(CatchPanicLayer::custom(|_| {
                    web::WebError::Internal(anyhow::anyhow!("panic in handler"))
                        .into_response_boxed()
                }))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(state.config.request_timeout_secs),
                ))
                .layer(CompressionLayer::new())
                .layer(csrf)
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    web::security::limit_body,
                )),
        )
        .with_state(state);
    Ok((defs, app))
}

/// The scheme, host and port of a URL (`https://empleo.example.gob.ar`).
fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    let end = url[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(url.len());
    url[..end].to_owned()
}

/// Longest request id accepted from a client.
const MAX_REQUEST_ID: usize = 64;

/// Removes a client's `x-request-id` unless it is short and of a safe charset (letters,
/// digits, `-`, `_`, `.`, `:`); the server then makes its own. The id reaches logs, the
/// audit and its exports, so it must not carry anything else.
fn drop_unsafe_request_id<B>(mut req: axum::http::Request<B>) -> axum::http::Request<B> {
    let safe = req.headers().get("x-request-id").map(|v| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= MAX_REQUEST_ID
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
    });
    if safe == Some(false) || req.headers().get_all("x-request-id").iter().count() > 1 {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// Request ids `<random process prefix>-<counter>`: unique across nodes and restarts in
/// practice, and cheaper than a random UUID per request.
#[derive(Clone)]
struct SequentialRequestId {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl SequentialRequestId {
    fn new() -> Self {
        let prefix: [u8; 4] = rand::random();
        Self {
            prefix: hex::encode(prefix).into(),
            next: Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// A built application, bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    /// The declared routes (tests walk them).
    pub routes: Vec<RouteDef>,
}

impl Application {
    /// Connects, migrates, builds the router and binds `config.bind`.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let db = open_database(&config).await?;
        Self::build_with_db(config, db).await
    }

    /// Builds on an already prepared database.
    pub async fn build_with_db(config: Config, db: Db) -> Result<Self, StartError> {
        prepare_data_dir(&config)?;
        let index = Arc::new(open_person_index(&config)?);
        let state = AppState::new(db, Arc::new(config), index);
        let (routes, router) = router(state.clone())?;
        let addr = state.config.bind.clone();
        let listener = bind(&addr).await?;
        let metrics_listener = match &state.config.metrics_bind {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
            routes,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The port of the separate metrics listener, when `metrics_bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    }

    /// The database pool.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Set once the node is ready (its search index caught up); `/readyz` reads it.
    pub fn readiness(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.state.ready.clone()
    }

    /// This node's people index.
    pub fn persons_index(&self) -> Arc<crate::search::PersonIndex> {
        self.state.persons_index.clone()
    }

    /// Serves until `shutdown` resolves, finishing requests in flight; runs the job worker.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (tx, rx) = watch::channel(false);
        let worker = if self.state.config.worker_enabled {
            let worker = Worker::new(
                self.state.db.clone(),
                platform_jobs(self.state.config.as_ref()),
                Duration::from_secs(2),
            );
            let scheduler = tokio::spawn(schedule_platform_jobs(self.state.db.clone(), rx.clone()));
            Some((tokio::spawn(worker.run(rx.clone())), scheduler))
        } else {
            None
        };
        let indexer = tokio::spawn(follow_persons(self.state.clone(), rx.clone()));
        let metrics = self.metrics_listener.map(|listener| {
            let mut stop = rx.clone();
            let app = metrics_router(self.state.clone())
                .into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move {
                let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                });
                if let Err(e) = serve.await {
                    tracing::warn!(error = %e, "metrics listener stopped");
                }
            })
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown.await;
                let _ = tx.send(true);
            })
            .await;
        if let Some((w, s)) = worker {
            // A long job (a duplicates scan over a million people) is not waited for:
            // its lock expires and a node runs it again.
            if tokio::time::timeout(SHUTDOWN_GRACE, w).await.is_err() {
                tracing::warn!("a job was still running at shutdown; it will run again");
            }
            let _ = s.await;
        }
        let _ = indexer.await;
        if let Some(m) = metrics {
            let _ = m.await;
        }
        result
    }
}

async fn bind(addr: &str) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr).await.map_err(|e| StartError::Bind {
        addr: addr.to_owned(),
        cause: e.to_string(),
    })
}

/// The router of the separate metrics listener: `/metrics` and nothing else.
fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(web::metrics::render))
        .layer(axum::Extension(web::metrics::MetricsListener))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            |State(state): State<AppState>,
             mut req: axum::extract::Request,
             next: middleware::Next| async move {
                web::auth::insert_client_ip(&state, &mut req);
                next.run(req).await
            },
        ))
        .with_state(state)
}

/// How long shutdown waits for a running job.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Jobs the platform itself runs.
pub fn platform_jobs(config: &Config) -> Registry {
    let config = config.clone();
    jobs::Registry::new()
        .register("sessions.purge", move |db, _payload| {
            let config = config.clone();
            async move {
                let n = crate::access::session::purge_expired(&db, &config).await?;
                tracing::info!(sessions.purged = n, "expired sessions purged");
                Ok(())
            }
        })
        .register(
            crate::persons::import_handlers::IMPORT_JOB,
            |db, payload| async move {
                crate::persons::import_handlers::run_job(&db, &payload).await
            },
        )
        .register(
            crate::persons::duplicates_handlers::SCAN_JOB,
            |db, _payload| async move {
                let open = crate::persons::duplicates::scan(&db).await?;
                tracing::info!(duplicates.open = open, "duplicates scan finished");
                Ok(())
            },
        )
}

/// Keeps this node's search index following the database (see `persons::indexer`):
/// first brings it up to the database as it is at start (rebuilding an index of another
/// database or one ahead of a restored one) and marks the node ready, then follows.
async fn follow_persons(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        match crate::persons::indexer::prepare(&state.db, &state.persons_index).await {
            Ok(rebuilt) => {
                if let Some(reason) = rebuilt {
                    tracing::warn!(reason = ?reason, "search index rebuilt from the database at start");
                }
                state
                    .ready
                    .store(true, std::sync::atomic::Ordering::Release);
                tracing::info!("search index caught up: ready");
                break;
            }
            Err(e) => tracing::warn!(error = format!("{e:#}"), "preparing the search index"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
    let mut tick: u64 = 1;
    loop {
        // Once a minute (and at start) re-read a few seconds back, for lagging clocks.
        let overlap = tick.is_multiple_of(60);
        tick += 1;
        if let Err(e) =
            crate::persons::indexer::sync(&state.db, &state.persons_index, overlap).await
        {
            tracing::warn!(error = format!("{e:#}"), "search index sync");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// Enqueues the hourly housekeeping (idempotent per hour, so several nodes agree).
async fn schedule_platform_jobs(db: Db, mut shutdown: watch::Receiver<bool>) {
    loop {
        let key = format!("sessions.purge:{}", chrono::Utc::now().format("%Y%m%d%H"));
        if let Err(e) =
            jobs::store::enqueue(&db, "sessions.purge", &serde_json::json!({}), Some(key)).await
        {
            tracing::warn!(error = %e, "scheduling sessions.purge");
        }
        let scan = crate::persons::duplicates_handlers::SCAN_JOB;
        if let Some(key) = nightly_scan_key(chrono::Utc::now())
            && !jobs::store::is_active(&db, scan).await.unwrap_or(true)
            && let Err(e) = jobs::store::enqueue(
                &db,
                crate::persons::duplicates_handlers::SCAN_JOB,
                &serde_json::json!({}),
                Some(key),
            )
            .await
        {
            tracing::warn!(error = %e, "scheduling the duplicates scan");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(300)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// The job key of tonight's duplicates scan, if `now` is in the night window: between
/// 02:00 and 06:00 UTC (23:00–03:00 in Argentina). A node started during the day does not
/// scan the whole registry while people work; the key makes it once per night whatever
/// the number of nodes.
fn nightly_scan_key(now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    (2..6)
        .contains(&chrono::Timelike::hour(&now))
        .then(|| format!("persons.duplicates_scan:nightly:{}", now.format("%Y%m%d")))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duplicates_scan_runs_only_at_night() {
        let at = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
                .unwrap()
                .and_hms_opt(h, 30, 0)
                .unwrap()
                .and_utc()
        };
        assert_eq!(nightly_scan_key(at(1)), None);
        assert_eq!(
            nightly_scan_key(at(2)).as_deref(),
            Some("persons.duplicates_scan:nightly:20261122")
        );
        assert_eq!(nightly_scan_key(at(5)), nightly_scan_key(at(2)));
        assert_eq!(nightly_scan_key(at(6)), None);
        assert_eq!(nightly_scan_key(at(14)), None);
    }
}
