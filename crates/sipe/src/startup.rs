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

use sipe_platform::config::Config;
use sipe_platform::db::{self, Db};
use sipe_platform::jobs::{self, Registry, Worker};
use sipe_platform::module::{Extensions, Modules, StartCtx};
use sipe_platform::web::{self, AppState, Guard, RouteDef, Routes};

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
    /// A module could not start (its search index, say).
    #[error("starting {0}: {1}")]
    Module(&'static str, String),
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
    db::migrate::<Migrator>(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?;
    if sipe_platform::territory::store::count_territories(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?
        == 0
    {
        sipe_platform::territory::reference::load(&db)
            .await
            .map_err(|e| StartError::Prepare(e.to_string()))?;
    }
    // A bulk import killed half-way leaves its dropped indexes to rebuild.
    sipe_persons::import::ensure_secondary_indexes(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?;
    if sipe_platform::taxonomy::reference::needs_load(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?
    {
        sipe_platform::taxonomy::reference::load(&db)
            .await
            .map_err(|e| StartError::Prepare(e.to_string()))?;
    }
    // The job titles' vocabulary, seeded once (admins edit it afterwards).
    sipe_platform::taxonomy::titles::load(&db)
        .await
        .map_err(|e| StartError::Prepare(e.to_string()))?;
    Ok(db)
}

/// The application's modules, in the order their navigation and cards appear.
pub fn modules() -> Modules {
    Modules::new(vec![
        &sipe_persons::MODULE,
        &sipe_intermediation::MODULE,
        &sipe_training::MODULE,
        &sipe_programmes::MODULE,
        &sipe_messaging::MODULE,
        &sipe_attention::MODULE,
        &sipe_platform::taxonomy::MODULE,
        &sipe_platform::territory::MODULE,
        &sipe_platform::access::MODULE,
        &sipe_platform::audit::MODULE,
        &sipe_platform::jobs::MODULE,
    ])
}

/// The application's migrations: the platform's and every module's, in name order.
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl sea_orm_migration::MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        modules().migrations()
    }
}

/// Runs every module's start step: their per-application state.
pub fn start_modules(config: &Config, modules: &Modules) -> Result<Extensions, StartError> {
    let mut extensions = Extensions::default();
    for m in modules.iter() {
        if let Some(start) = m.start {
            let mut ctx = StartCtx {
                config,
                contributions: modules.contributions(),
                extensions: &mut extensions,
            };
            start(&mut ctx).map_err(|e| StartError::Module(m.name, format!("{e:#}")))?;
        }
    }
    Ok(extensions)
}

/// Every route of the application, with its guard.
pub fn routes(modules: &Modules) -> Routes {
    Routes::new()
        .get("/healthz", Guard::Public, || async { "ok" })
        .get("/readyz", Guard::Public, readyz)
        .get("/metrics", Guard::Public, web::metrics::render)
        .get("/static/app.css", Guard::Public, web::assets::css)
        .get("/static/app.js", Guard::Public, web::assets::js)
        .get("/static/favicon.svg", Guard::Public, web::assets::favicon)
        .get("/static/print.css", Guard::Public, web::assets::print_css)
        .get("/favicon.ico", Guard::Public, web::assets::favicon)
        .get(
            "/api/v1/openapi.json",
            Guard::Public,
            sipe_platform::api::openapi_json,
        )
        .merge(modules.routes())
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
    let (defs, routes) = routes(&state.modules).into_parts();
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
                ))
                // `limit_body` bounds every body, uploads by their route: the
                // extractors' own 2 MiB default would cut uploads short.
                .layer(axum::extract::DefaultBodyLimit::disable()),
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
        let modules = Arc::new(modules());
        let extensions = start_modules(&config, &modules)?;
        let listener = bind(&config.bind).await?;
        let bound = listener
            .local_addr()
            .map_err(|e| StartError::Prepare(format!("cannot read the bound address: {e}")))?;
        if config.public_url.is_none() {
            tracing::info!(
                "public_url is not set: printed and published addresses use http://{bound}"
            );
        }
        let state = AppState::new(db, Arc::new(config), modules, extensions, bound);
        let (routes, router) = router(state.clone())?;
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

    /// The application state (what handlers reach).
    pub fn state(&self) -> &AppState {
        &self.state
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
                self.state.modules.jobs(platform_jobs(&self.state.config)),
                Duration::from_secs(2),
            );
            let scheduler = tokio::spawn(schedule_platform_jobs(self.state.db.clone(), rx.clone()));
            Some((tokio::spawn(worker.run(rx.clone())), scheduler))
        } else {
            None
        };
        let tasks: Vec<_> = self
            .state
            .modules
            .iter()
            .flat_map(|m| m.tasks)
            .map(|task| tokio::spawn(task(self.state.clone(), rx.clone())))
            .collect();
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
        for task in tasks {
            let _ = task.await;
        }
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

/// Every job handler: the platform's and the modules'.
pub fn job_registry(config: &Config) -> Registry {
    modules().jobs(platform_jobs(config))
}

/// Jobs the platform itself runs.
pub fn platform_jobs(config: &Config) -> Registry {
    let config = config.clone();
    jobs::Registry::new().register("sessions.purge", move |db, _payload| {
        let config = config.clone();
        async move {
            let n = sipe_platform::access::session::purge_expired(&db, &config).await?;
            tracing::info!(sessions.purged = n, "expired sessions purged");
            Ok(())
        }
    })
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
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(300)) => {}
            _ = shutdown.changed() => break,
        }
    }
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
    fn every_timeline_kind_of_every_module_has_a_message_in_both_languages() {
        let mut checked = 0;
        for (module, kind) in modules().timeline_kinds() {
            let key = sipe_persons::timeline::message_key(kind);
            for lang in [
                sipe_platform::i18n::Lang::EsAr,
                sipe_platform::i18n::Lang::En,
            ] {
                assert!(lang.has(&key), "{module}: {kind} has no {key} in {lang:?}");
            }
            checked += 1;
        }
        assert!(checked >= 8, "{checked} kinds");
    }

    #[test]
    fn migrations_are_ordered_by_name_and_named_once() {
        let names: Vec<String> = modules()
            .migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique, "two migrations share a name");
        assert!(names.iter().any(|n| n == "m0001_platform"));
        assert!(names.iter().any(|n| n == "m0008_employers"));
    }
}
