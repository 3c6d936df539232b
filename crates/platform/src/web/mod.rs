//! The web shell shared by every module: application state, the route table with its
//! access guards, the middleware stack, page context, errors and the reusable table.

pub mod assets;
pub mod auth;
pub mod error;
pub mod export;
pub mod form;
pub mod input;
pub mod metrics;
pub mod page;
pub mod pipeline;
pub mod render;
pub mod routes;
pub mod security;
pub mod table;
pub mod upload;

use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::db::Db;

pub use error::WebError;
pub use page::PageCtx;
pub use routes::{Guard, RouteDef, Routes};

/// What every handler can reach; cheap to clone (one `Arc`), since every middleware and
/// handler that takes the state clones it per request.
#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

/// The contents of `AppState`.
pub struct StateInner {
    /// This server's address as its users reach it: `public_url`, else `http://` and
    /// the bound address. Never the request's `Host`, which the client chooses.
    pub base_url: String,
    /// The database pool.
    pub db: Db,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// When the process started, for the dashboard.
    pub started_at: Instant,
    /// The deployment's time zone, parsed once.
    pub tz: chrono_tz::Tz,
    /// The application's modules.
    pub modules: Arc<crate::module::Modules>,
    /// The modules' per-application state (search index, caches).
    pub extensions: crate::module::Extensions,
    /// Networks that may read `/metrics` (parsed from the configuration).
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// This node's writer of read audit rows (searches, views, downloads).
    pub reads: crate::audit::reads::ReadLog,
    /// Login attempts per client address on this node.
    pub login_limiter: auth::LoginLimiter,
    /// Set once this node's search index has caught up with the database as it was at
    /// start (`/readyz` answers 503 until then).
    pub ready: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    /// Wraps the parts.
    pub fn new(
        db: Db,
        config: Arc<Config>,
        modules: Arc<crate::module::Modules>,
        extensions: crate::module::Extensions,
        bound: std::net::SocketAddr,
    ) -> Self {
        let tz = config.tz();
        let base_url = match &config.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if bound.ip().is_unspecified() => format!("http://localhost:{}", bound.port()),
            None => format!("http://{bound}"),
        };
        // Validated at load; an invalid list built in code lets no one in.
        let metrics_allow = config.metrics_networks().unwrap_or_default();
        let trusted_proxies = config.proxy_networks().unwrap_or_default();
        let login_limiter = auth::LoginLimiter::new(config.login_attempts_per_minute);
        let reads = crate::audit::reads::ReadLog::spawn(db.clone());
        Self(Arc::new(StateInner {
            base_url,
            reads,
            db,
            config,
            started_at: Instant::now(),
            tz,
            modules,
            extensions,
            metrics_allow,
            trusted_proxies,
            login_limiter,
            ready: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }))
    }

    /// Should cookies be `Secure` and HSTS be sent?
    pub fn secure_cookies(&self) -> bool {
        self.config.secure_cookies()
    }
}

impl std::ops::Deref for AppState {
    type Target = StateInner;

    fn deref(&self) -> &StateInner {
        &self.0
    }
}

/// Names of the cookies sipe sets.
pub mod cookies {
    /// The session secret.
    pub const SESSION: &str = "sipe_session";
    /// The chosen UI language.
    pub const LANG: &str = "sipe_lang";
    /// A one-shot message shown on the next page.
    pub const FLASH: &str = "sipe_flash";
}
