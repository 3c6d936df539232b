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
        Ok(())
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
