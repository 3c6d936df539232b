//! Typed configuration: defaults, then an optional TOML file, then `SIPE_*` variables,
//! then command-line flags. Unknown keys are refused so a typo never goes unnoticed.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything the server needs to start.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folder for the SQLite database, documents and indexes.
    pub data_dir: PathBuf,
    /// Database URL; `None` means the SQLite file `sipe.db` inside `data_dir`.
    pub database_url: Option<String>,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// `text` (default) or `json` log lines.
    pub log_format: String,
    /// Time zone used to show times to people.
    pub timezone: String,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends whatever the activity.
    pub session_absolute_hours: i64,
    /// Mark cookies `Secure` and send HSTS: set when served over TLS (directly or behind a proxy).
    pub tls: bool,
    /// Largest accepted request body, in bytes.
    pub body_limit_bytes: usize,
    /// Largest file an admin may upload for import, in bytes.
    pub upload_limit_bytes: usize,
    /// Seconds before a request is aborted with 408.
    pub request_timeout_secs: u64,
    /// Extra origins allowed to send state-changing requests (the public URL behind a proxy).
    pub trusted_origins: Vec<String>,
    /// Run the background job worker inside the server process.
    pub worker_enabled: bool,
    /// Province whose departments the office forms offer (`AR-90`: Tucumán).
    pub province_code: String,
    /// The address users type (`https://empleo.example.gob.ar`). When it is https,
    /// cookies are `Secure` and HSTS is sent even if TLS ends at a proxy; its origin is
    /// trusted for form posts.
    pub public_url: Option<String>,
    /// Reverse proxies in front of sipe (CIDR): behind one of them the client's address is
    /// read from `X-Forwarded-For` (for the login limit, the audit and `/metrics`).
    pub trusted_proxies: Vec<String>,
    /// Client networks (CIDR) that may read `/metrics`; everyone else gets 404.
    pub metrics_allow: Vec<String>,
    /// A separate address for `/metrics` (e.g. `10.0.0.5:9100`); when set, the main
    /// address does not serve it.
    pub metrics_bind: Option<String>,
    /// Login and second-factor attempts one client address may make per minute on one
    /// node (a burst of this many, then one every 60/N seconds); beyond it, 429.
    pub login_attempts_per_minute: u32,
    /// Lookups one client address may make per minute on the public verification pages
    /// (certificates by code); beyond it, 429.
    pub public_lookups_per_minute: u32,
    /// Office display streams (server-sent events) one client address may hold open at
    /// once; beyond it, 503. An office whose displays share one address behind NAT, or
    /// a load test, raises it.
    pub display_streams_per_address: usize,
    /// Days an API token lives when its creator does not say.
    pub token_default_days: i64,
    /// Longest life an API token may be given, in days.
    pub token_max_days: i64,
    /// Key of the audit anchors' HMAC (`sipe audit anchor`); prefer
    /// `audit_anchor_key_file` or the `SIPE_AUDIT_ANCHOR_KEY` variable. Never in the database.
    pub audit_anchor_key: Option<Secret>,
    /// File holding the audit anchor key.
    pub audit_anchor_key_file: Option<PathBuf>,
    /// Key that seals the institutions' credential signing keys in the database; prefer
    /// `credential_key_file` or `SIPE_CREDENTIAL_KEY`. Without either, a key file is
    /// created in the data dir on first start.
    pub credential_key: Option<Secret>,
    /// File holding the credential sealing key.
    pub credential_key_file: Option<PathBuf>,
    /// The Aula Virtual's Moodle (`https://aula.example.gob.ar`); no sync without it.
    pub moodle_url: Option<String>,
    /// Moodle web-service token; prefer `moodle_token_file` or `SIPE_MOODLE_TOKEN`.
    pub moodle_token: Option<Secret>,
    /// File holding the Moodle token.
    pub moodle_token_file: Option<PathBuf>,
    /// Minutes between two Moodle syncs of the virtual cohorts.
    pub moodle_sync_minutes: u64,
    /// The secret in the phone line's CTI webhook URL (`/api/v1/cti/{token}`), at least
    /// 32 characters; prefer `cti_token_file` or `SIPE_CTI_TOKEN`. Without it the
    /// webhook answers 404.
    pub cti_token: Option<Secret>,
    /// File holding the CTI token.
    pub cti_token_file: Option<PathBuf>,
    /// The messaging module's settings (`[messaging]`): read and checked by that module
    /// when the application starts, so the platform names none of its keys.
    pub messaging: Option<toml::Table>,
}

fn networks(key: &str, list: &[String]) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list.iter()
        .map(|n| {
            n.parse::<ipnet::IpNet>()
                .or_else(|_| n.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError(format!(
                        "{key}: {n:?} is not a network such as 10.0.0.0/8 or an address"
                    ))
                })
        })
        .collect()
}

/// A secret of at least 32 characters from `{name}_file`, else from `{name}`.
fn secret(
    name: &str,
    file: Option<&Path>,
    value: Option<&Secret>,
) -> Result<Option<Secret>, ConfigError> {
    if let Some(file) = file {
        let key = std::fs::read_to_string(file)
            .map_err(|e| ConfigError(format!("cannot read {name}_file {}: {e}", file.display())))?;
        let key = key.trim();
        if key.len() < 32 {
            return Err(ConfigError(format!(
                "the {name} in {} must have at least 32 characters",
                file.display()
            )));
        }
        return Ok(Some(Secret::new(key)));
    }
    match value {
        Some(k) if k.expose().trim().len() < 32 => Err(ConfigError(format!(
            "{name} must have at least 32 characters"
        ))),
        other => Ok(other.cloned()),
    }
}

/// A secret configuration value: `Debug` never shows it.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Is `given` this secret? Digests are compared, so the time taken says nothing
    /// about how much of it matched.
    pub fn matches(&self, given: &str) -> bool {
        use sha2::Digest;
        sha2::Sha256::digest(given.as_bytes()) == sha2::Sha256::digest(self.0.as_bytes())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("sipe-data"),
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            timezone: "America/Argentina/Tucuman".into(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            tls: false,
            body_limit_bytes: 2 * 1024 * 1024,
            upload_limit_bytes: 200 * 1024 * 1024,
            request_timeout_secs: 30,
            trusted_origins: Vec::new(),
            worker_enabled: true,
            province_code: "AR-90".into(),
            public_url: None,
            trusted_proxies: Vec::new(),
            metrics_allow: vec!["127.0.0.1/32".into(), "::1/128".into()],
            metrics_bind: None,
            login_attempts_per_minute: 30,
            public_lookups_per_minute: 120,
            display_streams_per_address: 20,
            token_default_days: 90,
            token_max_days: 365,
            audit_anchor_key: None,
            audit_anchor_key_file: None,
            credential_key: None,
            credential_key_file: None,
            moodle_url: None,
            moodle_token: None,
            moodle_token_file: None,
            moodle_sync_minutes: 15,
            cti_token: None,
            cti_token_file: None,
            messaging: None,
        }
    }
}

/// A configuration that cannot be used, with a message saying what to fix.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Loads defaults, `config_file` (if any) and `SIPE_*` variables, then validates.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = config_file {
            if !file.exists() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        // Variables read elsewhere: the test harness, the CLI, the log filter, scripts.
        figment = figment.merge(Env::prefixed("SIPE_").ignore(&[
            "test_database_url",
            "config",
            "log",
            "bin",
        ]));
        let config: Config = figment.extract().map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError(format!(
                "log_format must be \"text\" or \"json\", not {:?}",
                self.log_format
            )));
        }
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ConfigError(format!(
                "unknown time zone {:?}",
                self.timezone
            )));
        }
        if self.session_idle_minutes < 1 || self.session_absolute_hours < 1 {
            return Err(ConfigError("session timeouts must be at least 1".into()));
        }
        if self.body_limit_bytes < 1024 {
            return Err(ConfigError("body_limit_bytes must be at least 1024".into()));
        }
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError(format!(
                "bind must be an address such as 127.0.0.1:8080, not {:?}",
                self.bind
            )));
        }
        if let Some(bind) = &self.metrics_bind
            && bind.parse::<std::net::SocketAddr>().is_err()
        {
            return Err(ConfigError(format!(
                "metrics_bind must be an address such as 127.0.0.1:9100, not {bind:?}"
            )));
        }
        self.metrics_networks()?;
        self.proxy_networks()?;
        if let Some(url) = &self.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError(format!(
                "public_url must start with https:// or http://, not {url:?}"
            )));
        }
        if let Some(url) = &self.moodle_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError(format!(
                "moodle_url must start with https:// or http://, not {url:?}"
            )));
        }
        if !(1..=1440).contains(&self.moodle_sync_minutes) {
            return Err(ConfigError(
                "moodle_sync_minutes must be between 1 and 1440".into(),
            ));
        }
        if !(1..=10_000).contains(&self.display_streams_per_address) {
            return Err(ConfigError(
                "display_streams_per_address must be from 1 to 10000".into(),
            ));
        }
        if self.public_lookups_per_minute < 1 {
            return Err(ConfigError(
                "public_lookups_per_minute must be at least 1".into(),
            ));
        }
        if self.login_attempts_per_minute < 1 {
            return Err(ConfigError(
                "login_attempts_per_minute must be at least 1".into(),
            ));
        }
        if self.token_default_days < 1 || self.token_max_days < self.token_default_days {
            return Err(ConfigError(
                "token_default_days must be at least 1 and at most token_max_days".into(),
            ));
        }
        Ok(())
    }

    /// The networks of `metrics_allow`, parsed.
    pub fn metrics_networks(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        networks("metrics_allow", &self.metrics_allow)
    }

    /// The networks of `trusted_proxies`, parsed.
    pub fn proxy_networks(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        networks("trusted_proxies", &self.trusted_proxies)
    }

    /// Are users served over https (directly, or by a proxy in front)?
    pub fn secure_cookies(&self) -> bool {
        self.tls
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }

    /// The key of the audit anchors' HMAC: `audit_anchor_key_file`, else
    /// `audit_anchor_key` (or `SIPE_AUDIT_ANCHOR_KEY`); `None` when neither is set.
    pub fn anchor_key(&self) -> Result<Option<Secret>, ConfigError> {
        secret(
            "audit_anchor_key",
            self.audit_anchor_key_file.as_deref(),
            self.audit_anchor_key.as_ref(),
        )
    }

    /// The key sealing the credential signing keys: `credential_key_file`, else
    /// `credential_key` (or `SIPE_CREDENTIAL_KEY`); `None` when neither is set.
    pub fn credential_key(&self) -> Result<Option<Secret>, ConfigError> {
        secret(
            "credential_key",
            self.credential_key_file.as_deref(),
            self.credential_key.as_ref(),
        )
    }

    /// The CTI webhook's token: `cti_token_file`, else `cti_token` (or `SIPE_CTI_TOKEN`);
    /// `None` when neither is set.
    pub fn cti_token(&self) -> Result<Option<Secret>, ConfigError> {
        secret(
            "cti_token",
            self.cti_token_file.as_deref(),
            self.cti_token.as_ref(),
        )
    }

    /// The Moodle web-service token: `moodle_token_file`, else `moodle_token` (or
    /// `SIPE_MOODLE_TOKEN`); `None` when neither is set.
    pub fn moodle_token(&self) -> Result<Option<Secret>, ConfigError> {
        if let Some(file) = &self.moodle_token_file {
            let token = std::fs::read_to_string(file).map_err(|e| {
                ConfigError(format!(
                    "cannot read moodle_token_file {}: {e}",
                    file.display()
                ))
            })?;
            return Ok(Some(Secret::new(token.trim())));
        }
        Ok(self.moodle_token.clone())
    }

    /// The database URL in use: the configured one or the SQLite file in the data dir.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("sipe.db").display()
            ),
        }
    }

    /// The deployment's time zone (validated at load).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone
            .parse()
            .unwrap_or(chrono_tz::America::Argentina::Tucuman)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(include_str!("../../../config.example.toml")));
        let config: Config = figment.extract().expect("config.example.toml must parse");
        config
            .validate()
            .expect("config.example.toml must validate");
    }

    #[test]
    fn rejects_unknown_keys() {
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("bnid = \"x\""));
        assert!(figment.extract::<Config>().is_err());
    }

    #[test]
    fn rejects_bad_log_format() {
        let config = Config {
            log_format: "xml".into(),
            ..Config::default()
        };
        assert!(config.validate().is_err());
    }
}
