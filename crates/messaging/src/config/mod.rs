//! The `[messaging]` settings: one provider per channel, the sending rules (quiet hours,
//! frequency cap, approval threshold, SMS price) and where secrets come from. Secrets
//! are read from a file (`*_file`) or an environment variable (`*_env`), never from the
//! TOML itself, and never shown back.
//!
//! ```toml
//! [messaging]
//! quiet_hours = "21:00-08:00"        # SMS and WhatsApp wait outside them
//! frequency_cap = 3                  # campaign messages per person...
//! frequency_days = 7                 # ...within these days
//! approval_threshold = 1000          # recipients above which a second user approves
//! sms_price_per_segment = 4.5        # pesos, for the cost shown before sending
//!
//! [messaging.email]
//! provider = "smtp"                  # or "sink" (the default: files in DATA_DIR/outbox)
//! host = "smtp.example.org"
//! port = 587
//! security = "starttls"              # "tls" (port 465) or "none" (a local relay)
//! username = "sipe"
//! password_env = "SIPE_SMTP_PASSWORD"
//! from = "Empleo Tucumán <no-responder@example.org>"
//! pool_size = 4
//! rate_per_second = 20
//!
//! [messaging.sms]
//! provider = "smpp"
//! host = "smsc.example.org"
//! port = 2775
//! system_id = "sipe"
//! password_file = "/etc/sipe/smpp-password"
//! source_addr = "EmpleoTuc"          # a short code, a number or up to 11 letters
//! window = 10                        # submit_sm awaiting their answer at once
//! rate_per_second = 50
//! ```
//!
//! E-mail people send is read from an IMAP mailbox (implicit TLS, or none for a server
//! on the same machine):
//!
//! ```toml
//! [messaging.inbox]
//! host = "imap.example.org"
//! port = 993
//! security = "tls"                   # or "none"
//! username = "consultas@example.org"
//! password_env = "SIPE_IMAP_PASSWORD"
//! mailbox = "INBOX"
//! poll_seconds = 60
//! ```
//!
//! Or an aggregator's HTTP API (here one that speaks Twilio's):
//!
//! ```toml
//! [messaging.sms]
//! provider = "http"
//! url = "https://api.example.com/2010-04-01/Accounts/AC123/Messages.json"
//! method = "POST"                    # or "GET": the fields go in the query
//! format = "form"                    # or "json"
//! auth = "basic"                     # "bearer", "header" (auth_header) or "none"
//! username = "AC123"
//! password_env = "SIPE_SMS_TOKEN"    # basic; bearer and header use token_env/_file
//! source_addr = "EmpleoTuc"
//! id_path = "sid"                    # the answer's message id (dots: "data.0.id");
//!                                    # without it, our {id} is the reference
//! error_path = "message"             # the answer's words when it refuses
//! callback_secret_env = "SIPE_SMS_CALLBACK_SECRET"
//! rate_per_second = 50
//!
//! [messaging.sms.fields]             # {to} {to_digits} {from} {text} {id} {callback} {token}
//! To = "{to}"
//! From = "{from}"
//! Body = "{text}"
//! StatusCallback = "{callback}"      # public_url + the webhook + its secret
//!
//! [messaging.sms.callback]           # how its callbacks read (these are the defaults)
//! id = "MessageSid"
//! status = "MessageStatus"
//! error = "ErrorCode"
//! delivered = ["delivered", "DELIVRD", "read"]
//! failed = ["failed", "undelivered", "canceled", "UNDELIV", "REJECTD", "rejected"]
//! expired = ["expired", "EXPIRED"]
//! from = "From"                      # a person's message: its sender and text
//! text = "Body"
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use serde::Deserialize;

use crate::domain::Channel;

mod http;

pub use http::{BodyFormat, CallbackFields, GatewayAuth, HttpGateway};

/// Pesos per SMS segment when the configuration names no price (an estimate of bulk
/// SMS in Argentina, so costs are never shown as free).
pub const DEFAULT_SMS_PRICE: f64 = 12.0;

/// The checked settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// SMS and WhatsApp are not sent between these local times (start, end).
    pub quiet_hours: Option<(NaiveTime, NaiveTime)>,
    /// At most this many campaign messages per person...
    pub frequency_cap: u32,
    /// ...within these days.
    pub frequency_days: u32,
    /// Campaigns with more recipients need a second user's approval.
    pub approval_threshold: u64,
    /// Price of one SMS segment, in cents of the currency.
    pub sms_cents_per_segment: i64,
    /// E-mail provider.
    pub email: Provider,
    /// SMS provider.
    pub sms: Provider,
    /// WhatsApp provider.
    pub whatsapp: Provider,
    /// The mailbox whose mail people send becomes inbound e-mail, if any.
    pub inbox: Option<Imap>,
    /// Where the development sink writes.
    pub sink_dir: PathBuf,
    /// The site's public address, for the unsubscribe links of campaign e-mails.
    pub public_url: Option<String>,
}

/// One channel's provider.
#[derive(Debug, Clone)]
pub enum Provider {
    /// The channel is not used: a `[messaging]` section without this channel's.
    Off,
    /// Every message written to a file (development and the demo).
    Sink {
        /// Messages per second.
        rate: u32,
    },
    /// E-mail over SMTP.
    Smtp(Smtp),
    /// SMS over SMPP 3.4.
    Smpp(Smpp),
    /// SMS over an aggregator's HTTP API.
    Http(Box<HttpGateway>),
    /// WhatsApp Cloud API.
    CloudApi(CloudApi),
}

impl Provider {
    /// The provider's name, as stored on each message.
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Off => "off",
            Provider::Sink { .. } => "sink",
            Provider::Smtp(_) => "smtp",
            Provider::Smpp(_) => "smpp",
            Provider::Http(_) => "http",
            Provider::CloudApi(_) => "cloud_api",
        }
    }

    /// Messages per second.
    pub fn rate(&self) -> u32 {
        match self {
            Provider::Off => 0,
            Provider::Sink { rate } => *rate,
            Provider::Smtp(s) => s.rate,
            Provider::Smpp(s) => s.rate,
            Provider::Http(h) => h.rate,
            Provider::CloudApi(w) => w.rate,
        }
    }
}

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused without it.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS (a relay on the same machine, or a test server).
    None,
}

/// An SMTP server.
#[derive(Clone)]
pub struct Smtp {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS.
    pub security: Security,
    /// User name, when the server asks for one.
    pub username: Option<String>,
    /// Password (from a file or an environment variable).
    pub password: Option<sipe_platform::config::Secret>,
    /// `From:` address, with an optional display name.
    pub from: String,
    /// Connections kept open.
    pub pool_size: u32,
    /// Messages per second.
    pub rate: u32,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// An SMSC reached over SMPP 3.4, bound as a transceiver (sends, and receives delivery
/// receipts and the replies people send).
#[derive(Clone)]
pub struct Smpp {
    /// Host name.
    pub host: String,
    /// Port (2775 by convention).
    pub port: u16,
    /// The account (`system_id`).
    pub system_id: String,
    /// Its password (from a file or an environment variable).
    pub password: Option<sipe_platform::config::Secret>,
    /// `system_type`, when the SMSC asks for one.
    pub system_type: String,
    /// The sender: a short code, a long number or an alphanumeric name.
    pub source_addr: String,
    /// `submit_sm` awaiting their answer at once (the throughput window).
    pub window: u32,
    /// Messages per second.
    pub rate: u32,
    /// Seconds between `enquire_link`s on a quiet session.
    pub enquire_link_secs: u64,
}

impl std::fmt::Debug for Smpp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smpp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("system_id", &self.system_id)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("source_addr", &self.source_addr)
            .field("window", &self.window)
            .finish()
    }
}

/// The WhatsApp Cloud API: a business phone number, its access token, and the app's
/// secret and verify token its webhook is checked with.
#[derive(Clone)]
pub struct CloudApi {
    /// API root with its version (`https://graph.facebook.com/v21.0`).
    pub base_url: String,
    /// The business phone number's id.
    pub phone_number_id: String,
    /// Access token.
    pub token: sipe_platform::config::Secret,
    /// App secret: webhook bodies are signed with it (`X-Hub-Signature-256`).
    pub app_secret: sipe_platform::config::Secret,
    /// The token the webhook's verification handshake must bring.
    pub verify_token: sipe_platform::config::Secret,
    /// Messages per second.
    pub rate: u32,
}

impl std::fmt::Debug for CloudApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudApi")
            .field("base_url", &self.base_url)
            .field("phone_number_id", &self.phone_number_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Raw {
    quiet_hours: Option<String>,
    frequency_cap: Option<u32>,
    frequency_days: Option<u32>,
    approval_threshold: Option<u64>,
    sms_price_per_segment: Option<f64>,
    email: Option<RawProvider>,
    sms: Option<RawProvider>,
    whatsapp: Option<RawProvider>,
    inbox: Option<RawInbox>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawInbox {
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    username: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    mailbox: Option<String>,
    poll_seconds: Option<u64>,
}

/// An IMAP mailbox read for inbound e-mail.
#[derive(Clone)]
pub struct Imap {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// `Tls` (993) or `None`.
    pub security: Security,
    /// User name.
    pub username: String,
    /// Password (from a file or an environment variable).
    pub password: Option<sipe_platform::config::Secret>,
    /// The mailbox read (`INBOX`).
    pub mailbox: String,
    /// Seconds between rounds.
    pub poll_seconds: u64,
}

impl std::fmt::Debug for Imap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imap")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

fn inbox(raw: RawInbox) -> Result<Imap, SettingsError> {
    let Some(host) = raw.host.filter(|h| !h.trim().is_empty()) else {
        return err("inbox.host is required");
    };
    let security = match raw.security.as_deref().unwrap_or("tls") {
        "tls" => Security::Tls,
        "none" => Security::None,
        other => return err(format!("inbox.security must be tls or none, not {other:?}")),
    };
    let Some(username) = raw.username.filter(|u| !u.trim().is_empty()) else {
        return err("inbox.username is required");
    };
    let mailbox = raw.mailbox.unwrap_or_else(|| "INBOX".into());
    if mailbox.is_empty() || mailbox.len() > 200 || mailbox.chars().any(char::is_control) {
        return err("inbox.mailbox must be a mailbox name such as \"INBOX\"");
    }
    let poll_seconds = raw.poll_seconds.unwrap_or(60);
    if !(5..=3_600).contains(&poll_seconds) {
        return err("inbox.poll_seconds must be 5–3600");
    }
    Ok(Imap {
        port: raw
            .port
            .unwrap_or(if security == Security::Tls { 993 } else { 143 }),
        host,
        security,
        username,
        password: secret(
            "inbox.password",
            raw.password_env.as_deref(),
            raw.password_file.as_deref(),
        )?,
        mailbox,
        poll_seconds,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawProvider {
    provider: Option<String>,
    rate_per_second: Option<u32>,
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    username: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    from: Option<String>,
    pool_size: Option<u32>,
    system_id: Option<String>,
    system_type: Option<String>,
    source_addr: Option<String>,
    window: Option<u32>,
    enquire_link_secs: Option<u64>,
    base_url: Option<String>,
    phone_number_id: Option<String>,
    token_env: Option<String>,
    token_file: Option<PathBuf>,
    app_secret_env: Option<String>,
    app_secret_file: Option<PathBuf>,
    verify_token_env: Option<String>,
    verify_token_file: Option<PathBuf>,
    url: Option<String>,
    method: Option<String>,
    format: Option<String>,
    auth: Option<String>,
    auth_header: Option<String>,
    id_path: Option<String>,
    error_path: Option<String>,
    callback_secret_env: Option<String>,
    callback_secret_file: Option<PathBuf>,
    fields: Option<std::collections::BTreeMap<String, String>>,
    callback: Option<RawCallback>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawCallback {
    id: Option<String>,
    status: Option<String>,
    error: Option<String>,
    delivered: Option<Vec<String>>,
    failed: Option<Vec<String>>,
    expired: Option<Vec<String>>,
    from: Option<String>,
    text: Option<String>,
}

/// A setting that parses but makes no sense; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("invalid [messaging] configuration: {0}")]
pub struct SettingsError(String);

fn err<T>(msg: impl Into<String>) -> Result<T, SettingsError> {
    Err(SettingsError(msg.into()))
}

impl Settings {
    /// Reads `[messaging]` from the application's configuration.
    pub fn from_config(config: &sipe_platform::config::Config) -> Result<Self, SettingsError> {
        // Without a `[messaging]` section every channel writes to the sink (development,
        // the demo); with one, a channel without its own section is off.
        let configured = config.messaging.is_some();
        let public_url = config
            .public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_owned());
        let raw: Raw = match &config.messaging {
            Some(table) => table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| SettingsError(e.to_string()))?,
            None => Raw::default(),
        };
        let quiet_hours = match raw.quiet_hours.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(q) => Some(parse_hours(q)?),
        };
        let frequency_cap = raw.frequency_cap.unwrap_or(4);
        let frequency_days = raw.frequency_days.unwrap_or(7);
        if !(1..=100).contains(&frequency_cap) || !(1..=90).contains(&frequency_days) {
            return err("frequency_cap must be 1–100 and frequency_days 1–90");
        }
        // An estimate until the deployment sets its contract's price.
        let price = raw.sms_price_per_segment.unwrap_or(DEFAULT_SMS_PRICE);
        if !(0.0..=10_000.0).contains(&price) || !price.is_finite() {
            return err("sms_price_per_segment must be between 0 and 10000");
        }
        Ok(Settings {
            quiet_hours,
            frequency_cap,
            frequency_days,
            approval_threshold: raw.approval_threshold.unwrap_or(1_000),
            // Rounded to whole cents; the bound above keeps it far from overflow.
            #[allow(clippy::cast_possible_truncation)]
            sms_cents_per_segment: (price * 100.0).round() as i64,
            email: provider("email", raw.email, Channel::Email, configured, &None)?,
            sms: provider("sms", raw.sms, Channel::Sms, configured, &public_url)?,
            whatsapp: provider(
                "whatsapp",
                raw.whatsapp,
                Channel::Whatsapp,
                configured,
                &None,
            )?,
            inbox: raw.inbox.map(inbox).transpose()?,
            sink_dir: config.data_dir.join("outbox"),
            public_url,
        })
    }

    /// The channels in use.
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL
            .into_iter()
            .filter(|c| !matches!(self.provider(*c), Provider::Off))
            .collect()
    }

    /// The provider of a channel.
    pub fn provider(&self, channel: Channel) -> &Provider {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
            Channel::Whatsapp => &self.whatsapp,
        }
    }
}

/// `"21:00-08:00"`: a window that may cross midnight; start and end differ.
fn parse_hours(q: &str) -> Result<(NaiveTime, NaiveTime), SettingsError> {
    let parsed = q.split_once('-').and_then(|(a, b)| {
        Some((
            NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?,
            NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?,
        ))
    });
    match parsed {
        Some((a, b)) if a != b => Ok((a, b)),
        _ => err(format!(
            "quiet_hours must look like \"21:00-08:00\", not {q:?}"
        )),
    }
}

fn provider(
    key: &str,
    raw: Option<RawProvider>,
    channel: Channel,
    configured: bool,
    public_url: &Option<String>,
) -> Result<Provider, SettingsError> {
    let Some(raw) = raw.or_else(|| (!configured).then(RawProvider::default)) else {
        return Ok(Provider::Off);
    };
    let sink = raw.provider.as_deref().is_none_or(|p| p == "sink");
    let rate = raw.rate_per_second.unwrap_or(match channel {
        // The sink writes local files.
        _ if sink => 500,
        Channel::Email => 20,
        Channel::Sms | Channel::Whatsapp => 50,
    });
    if !(1..=10_000).contains(&rate) {
        return err(format!("{key}.rate_per_second must be 1–10000"));
    }
    match raw.provider.as_deref().unwrap_or("sink") {
        "sink" => Ok(Provider::Sink { rate }),
        "smtp" if channel == Channel::Email => {
            let Some(host) = raw.host.filter(|h| !h.trim().is_empty()) else {
                return err(format!("{key}.host is required for smtp"));
            };
            let security = match raw.security.as_deref().unwrap_or("starttls") {
                "starttls" => Security::StartTls,
                "tls" => Security::Tls,
                "none" => Security::None,
                other => {
                    return err(format!(
                        "{key}.security must be starttls, tls or none, not {other:?}"
                    ));
                }
            };
            let port = raw.port.unwrap_or(match security {
                Security::Tls => 465,
                Security::StartTls => 587,
                Security::None => 25,
            });
            let Some(from) = raw.from.filter(|f| f.contains('@')) else {
                return err(format!(
                    "{key}.from must be an address such as \"Empleo <no-responder@example.org>\""
                ));
            };
            let pool_size = raw.pool_size.unwrap_or(4);
            if !(1..=64).contains(&pool_size) {
                return err(format!("{key}.pool_size must be 1–64"));
            }
            let password = secret(
                &format!("{key}.password"),
                raw.password_env.as_deref(),
                raw.password_file.as_deref(),
            )?;
            Ok(Provider::Smtp(Smtp {
                host,
                port,
                security,
                username: raw.username,
                password,
                from,
                pool_size,
                rate,
            }))
        }
        "smpp" if channel == Channel::Sms => smpp(key, raw, rate),
        "http" if channel == Channel::Sms => http::gateway(key, raw, rate, public_url.as_deref()),
        "cloud_api" if channel == Channel::Whatsapp => cloud_api(key, raw, rate),
        "off" => Ok(Provider::Off),
        other => err(format!(
            "{key}.provider {other:?} is not one this channel has"
        )),
    }
}

fn cloud_api(key: &str, raw: RawProvider, rate: u32) -> Result<Provider, SettingsError> {
    let base_url = raw
        .base_url
        .unwrap_or_else(|| "https://graph.facebook.com/v21.0".into());
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return err(format!("{key}.base_url must be an http(s) URL"));
    }
    let Some(phone_number_id) = raw
        .phone_number_id
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    else {
        return err(format!("{key}.phone_number_id is required (digits)"));
    };
    let required = |name: &str, env: Option<String>, file: Option<PathBuf>| {
        secret(&format!("{key}.{name}"), env.as_deref(), file.as_deref())?.ok_or_else(|| {
            SettingsError(format!("{key}.{name}_env or {key}.{name}_file is required"))
        })
    };
    let app_secret = required("app_secret", raw.app_secret_env, raw.app_secret_file)?;
    let verify_token = required("verify_token", raw.verify_token_env, raw.verify_token_file)?;
    // Whoever knows these may write to the webhook: never a guessable few characters.
    if app_secret.expose().len() < 8 || verify_token.expose().len() < 8 {
        return err(format!(
            "{key}.app_secret and {key}.verify_token must have at least 8 characters"
        ));
    }
    Ok(Provider::CloudApi(CloudApi {
        base_url: base_url.trim_end_matches('/').to_owned(),
        phone_number_id,
        token: required("token", raw.token_env, raw.token_file)?,
        app_secret,
        verify_token,
        rate,
    }))
}

fn smpp(key: &str, raw: RawProvider, rate: u32) -> Result<Provider, SettingsError> {
    let Some(host) = raw.host.filter(|h| !h.trim().is_empty()) else {
        return err(format!("{key}.host is required for smpp"));
    };
    // SMPP bounds: system_id 16 octets, system_type 13, source_addr 21 (11 letters
    // when alphanumeric, as the GSM network carries them).
    let Some(system_id) = raw.system_id.filter(|s| (1..=15).contains(&s.len())) else {
        return err(format!(
            "{key}.system_id is required for smpp (1–15 characters)"
        ));
    };
    let system_type = raw.system_type.unwrap_or_default();
    if system_type.len() > 12 {
        return err(format!("{key}.system_type must be at most 12 characters"));
    }
    let source_addr = source_addr(key, raw.source_addr)?;
    let window = raw.window.unwrap_or(10);
    if !(1..=100).contains(&window) {
        return err(format!("{key}.window must be 1–100"));
    }
    let enquire_link_secs = raw.enquire_link_secs.unwrap_or(30);
    if !(5..=600).contains(&enquire_link_secs) {
        return err(format!("{key}.enquire_link_secs must be 5–600"));
    }
    Ok(Provider::Smpp(Smpp {
        host,
        port: raw.port.unwrap_or(2775),
        system_id,
        password: secret(
            key,
            raw.password_env.as_deref(),
            raw.password_file.as_deref(),
        )?,
        system_type,
        source_addr,
        window,
        rate,
        enquire_link_secs,
    }))
}

/// An SMS sender: a number of up to 20 digits, or a name of up to 11 letters as the
/// GSM network carries them.
fn source_addr(key: &str, raw: Option<String>) -> Result<String, SettingsError> {
    let source_addr = raw.unwrap_or_default();
    let alphanumeric = source_addr.chars().any(|c| !c.is_ascii_digit() && c != '+');
    if source_addr.is_empty()
        || !source_addr.is_ascii()
        || source_addr.len() > if alphanumeric { 11 } else { 20 }
    {
        return err(format!(
            "{key}.source_addr must be a number of up to 20 digits or a name of up to 11 letters"
        ));
    }
    Ok(source_addr)
}

/// A secret from a file (first line, trimmed) or an environment variable.
fn secret(
    key: &str,
    env: Option<&str>,
    file: Option<&Path>,
) -> Result<Option<sipe_platform::config::Secret>, SettingsError> {
    if let Some(file) = file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            SettingsError(format!("cannot read {key}_file {}: {e}", file.display()))
        })?;
        if text.trim().is_empty() {
            return err(format!("{key}_file {} is empty", file.display()));
        }
        return Ok(Some(sipe_platform::config::Secret::new(text.trim())));
    }
    if let Some(var) = env {
        return match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(sipe_platform::config::Secret::new(v.trim()))),
            _ => err(format!("{key}_env names {var}, which is not set")),
        };
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml_text: &str) -> Result<Settings, SettingsError> {
        let config = sipe_platform::config::Config {
            messaging: Some(toml::from_str(toml_text).map_err(|e| SettingsError(e.to_string()))?),
            ..Default::default()
        };
        Settings::from_config(&config)
    }

    #[test]
    fn defaults_are_the_sink_and_bad_values_name_their_key() {
        let s = settings("[email]").unwrap();
        assert_eq!(s.email.name(), "sink");
        assert_eq!(
            s.channels(),
            vec![Channel::Email],
            "a section without sms or whatsapp turns them off"
        );
        let none = Settings::from_config(&sipe_platform::config::Config::default()).unwrap();
        assert_eq!(
            none.channels().len(),
            3,
            "no section: every channel to the sink"
        );
        assert_eq!(s.quiet_hours, None);
        let http = settings(
            "[sms]\nprovider = \"http\"\nurl = \"http://10.0.0.5/send\"\nmethod = \"GET\"\nsource_addr = \"Empleo\"\n[sms.fields]\nto = \"{to_digits}\"\ntext = \"{text}\"\nref = \"{id}\"\n[sms.callback]\nstatus = \"estado\"",
        )
        .unwrap();
        let Provider::Http(h) = &http.sms else {
            panic!("{:?}", http.sms)
        };
        assert_eq!(
            (h.format, h.callback.status.as_str(), h.callback.id.as_str()),
            (BodyFormat::Query, "estado", "MessageSid")
        );
        let s = settings("quiet_hours = \"21:00-08:00\"\nsms_price_per_segment = 4.5").unwrap();
        assert_eq!(s.sms_cents_per_segment, 450);
        assert!(s.quiet_hours.is_some());
        for (bad, says) in [
            ("quiet_hours = \"9pm\"", "quiet_hours"),
            ("[email]\nprovider = \"smtp\"", "email.host"),
            (
                "[email]\nprovider = \"smtp\"\nhost = \"h\"\nfrom = \"x\"",
                "email.from",
            ),
            ("[sms]\nprovider = \"smtp\"", "sms.provider"),
            (
                "[email]\nprovider = \"smtp\"\nhost = \"h\"\nfrom = \"a@b\"\nsecurity = \"ssl\"",
                "email.security",
            ),
            (
                "[email]\nprovider = \"smtp\"\nhost = \"h\"\nfrom = \"a@b\"\npassword_env = \"SIPE_TEST_UNSET_VAR\"",
                "SIPE_TEST_UNSET_VAR",
            ),
            ("colour = 1", "colour"),
            ("[sms]\nprovider = \"http\"\nurl = \"ftp://x\"", "sms.url"),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nsource_addr = \"Empleo\"\n[sms.fields]\nto = \"{to}\"\nmsg = \"{mensaje}\"",
                "sms.fields.msg uses {mensaje}",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nsource_addr = \"Empleo\"\n[sms.fields]\nto = \"{to}\"",
                "{text}",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nmethod = \"GET\"\nformat = \"json\"",
                "sms.format",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nauth = \"basic\"",
                "sms.username",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nid_path = \"id\"\nsource_addr = \"Empleo\"\n[sms.fields]\nto = \"{to}\"\ntext = \"{text}\"\ncb = \"{callback}\"",
                "needs public_url",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://g.example/send\"\nsource_addr = \"Empleo\"\n[sms.fields]\nto = \"{to}\"\ntext = \"{text}\"",
                "sms.id_path is required",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"http://g.example/send\"",
                "must be https",
            ),
            (
                "[sms]\nprovider = \"http\"\nurl = \"https://ac:tok@g.example/send\"",
                "must not hold a user",
            ),
        ] {
            let e = settings(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
