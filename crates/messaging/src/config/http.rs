//! `provider = "http"` for SMS: an aggregator's API described in the TOML (see the
//! module's example), checked here so that a typo fails at start, naming its key.

use super::{Provider, RawProvider, SettingsError, err, secret, source_addr};

/// How an HTTP gateway authenticates us.
#[derive(Clone)]
pub enum GatewayAuth {
    /// Nothing (a gateway on a private network).
    None,
    /// HTTP Basic.
    Basic {
        /// The account.
        username: String,
        /// Its password or token.
        password: sipe_platform::config::Secret,
    },
    /// `Authorization: Bearer`.
    Bearer(sipe_platform::config::Secret),
    /// A header of the gateway's own (`X-API-Key`).
    Header {
        /// Its name.
        name: String,
        /// Its value.
        value: sipe_platform::config::Secret,
    },
}

/// How the request carries its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded` body.
    Form,
    /// A JSON object of strings.
    Json,
    /// The query string of a GET.
    Query,
}

/// How a gateway's callbacks read: where each value is (a form field, or a dotted
/// path into JSON) and which status words mean what (compared ignoring case).
#[derive(Debug, Clone)]
pub struct CallbackFields {
    /// Our message's id as the gateway gave it (or our `{id}`).
    pub id: String,
    /// The status word.
    pub status: String,
    /// The error code or words.
    pub error: Option<String>,
    /// Words for delivered.
    pub delivered: Vec<String>,
    /// Words for failed.
    pub failed: Vec<String>,
    /// Words for expired.
    pub expired: Vec<String>,
    /// A person's message: the sender.
    pub from: String,
    /// A person's message: the text.
    pub text: String,
}

/// An SMS aggregator's HTTP API: the request built from field templates, the answer
/// read at configured paths, and its callbacks (delivery reports, replies) taken at
/// `/api/v1/messaging/webhooks/sms` with a shared secret.
#[derive(Clone)]
pub struct HttpGateway {
    /// Where messages are sent.
    pub url: String,
    /// How the fields travel.
    pub format: BodyFormat,
    /// How we authenticate.
    pub auth: GatewayAuth,
    /// The sender: a short code, a number or a name.
    pub source_addr: String,
    /// The request's fields and their templates.
    pub fields: Vec<(String, String)>,
    /// Where the answer keeps the message id; `None`: our id is the reference.
    pub id_path: Option<String>,
    /// Where the answer keeps the error's words.
    pub error_path: Option<String>,
    /// The key of a bearer or header auth, or of a `{token}` field.
    pub token: Option<sipe_platform::config::Secret>,
    /// The secret the callbacks bring (`?secret=` or `X-Webhook-Secret`).
    pub callback_secret: Option<sipe_platform::config::Secret>,
    /// `{callback}`: the webhook's public address with the secret.
    pub callback_url: Option<String>,
    /// How the callbacks read.
    pub callback: CallbackFields,
    /// Messages per second.
    pub rate: u32,
}

impl std::fmt::Debug for HttpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGateway")
            .field("url", &self.url.split('?').next())
            .field("format", &self.format)
            .field("source_addr", &self.source_addr)
            .finish_non_exhaustive()
    }
}

/// The placeholders a field's template may use.
pub const PLACEHOLDERS: [&str; 7] = ["to", "to_digits", "from", "text", "id", "callback", "token"];

/// The webhook the gateway's callbacks reach.
pub const WEBHOOK: &str = "/api/v1/messaging/webhooks/sms";

/// The placeholders in `template` (`{name}`), or the first unknown one.
pub fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(rest[start..].to_owned());
        };
        let name = &rest[start + 1..start + len];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!("{{{name}}}"));
        }
        found.push(name);
        rest = &rest[start + len + 1..];
    }
    Ok(found)
}

pub(super) fn gateway(
    key: &str,
    raw: RawProvider,
    rate: u32,
    public_url: Option<&str>,
) -> Result<Provider, SettingsError> {
    let parsed = raw
        .url
        .as_deref()
        .filter(|u| u.len() <= 2_000)
        .and_then(|u| reqwest::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
    let Some(parsed) = parsed else {
        return err(format!("{key}.url must be the gateway's http(s) URL"));
    };
    // Credentials go in their own keys, read from files or the environment.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return err(format!(
            "{key}.url must not hold a user or password: use auth and password_env/_file"
        ));
    }
    // Keys and people's numbers travel in clear only to this machine or the LAN.
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']']);
    let local = host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| match ip {
            std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
            std::net::IpAddr::V6(v6) => v6.is_loopback(),
        });
    if parsed.scheme() == "http" && !local {
        return err(format!(
            "{key}.url must be https (plain http only to this machine or a private network)"
        ));
    }
    let url = parsed.to_string();
    let get = match raw.method.as_deref().unwrap_or("POST") {
        "POST" | "post" => false,
        "GET" | "get" => true,
        other => return err(format!("{key}.method must be POST or GET, not {other:?}")),
    };
    let format = match (get, raw.format.as_deref().unwrap_or("form")) {
        (true, "form") => BodyFormat::Query,
        (false, "form") => BodyFormat::Form,
        (false, "json") => BodyFormat::Json,
        (true, "json") => return err(format!("{key}.format json needs method POST")),
        (_, other) => return err(format!("{key}.format must be form or json, not {other:?}")),
    };
    let token = secret(
        &format!("{key}.token"),
        raw.token_env.as_deref(),
        raw.token_file.as_deref(),
    )?;
    // Refused here rather than by every request: a stray byte (a BOM) in a key file.
    if token
        .as_ref()
        .is_some_and(|t| reqwest::header::HeaderValue::from_str(t.expose()).is_err())
    {
        return err(format!(
            "{key}.token holds characters a request header cannot carry"
        ));
    }
    let required = || {
        token.clone().ok_or_else(|| {
            SettingsError(format!("{key}.token_env or {key}.token_file is required"))
        })
    };
    let auth = match raw.auth.as_deref().unwrap_or("none") {
        "none" => GatewayAuth::None,
        "basic" => GatewayAuth::Basic {
            username: raw
                .username
                .clone()
                .filter(|u| !u.is_empty() && !u.contains(':'))
                .ok_or_else(|| {
                    SettingsError(format!("{key}.username is required for basic auth"))
                })?,
            password: secret(
                &format!("{key}.password"),
                raw.password_env.as_deref(),
                raw.password_file.as_deref(),
            )?
            .ok_or_else(|| {
                SettingsError(format!(
                    "{key}.password_env or {key}.password_file is required for basic auth"
                ))
            })?,
        },
        "bearer" => GatewayAuth::Bearer(required()?),
        "header" => {
            let Some(name) = raw
                .auth_header
                .clone()
                .filter(|h| reqwest::header::HeaderName::from_bytes(h.as_bytes()).is_ok())
            else {
                return err(format!(
                    "{key}.auth_header must name the header (such as \"X-API-Key\")"
                ));
            };
            GatewayAuth::Header {
                name,
                value: required()?,
            }
        }
        other => {
            return err(format!(
                "{key}.auth must be none, basic, bearer or header, not {other:?}"
            ));
        }
    };
    let fields: Vec<(String, String)> = raw.fields.unwrap_or_default().into_iter().collect();
    let mut used = Vec::new();
    for (name, template) in &fields {
        match placeholders(template) {
            Ok(found) => used.extend(found),
            Err(bad) => {
                return err(format!(
                    "{key}.fields.{name} uses {bad}; the placeholders are {{{}}}",
                    PLACEHOLDERS.join("} {")
                ));
            }
        }
    }
    if !used.contains(&"text") || !(used.contains(&"to") || used.contains(&"to_digits")) {
        return err(format!(
            "{key}.fields must carry {{text}} and {{to}} or {{to_digits}}"
        ));
    }
    if used.contains(&"token") && token.is_none() {
        return err(format!(
            "{key}.fields use {{token}}, which needs {key}.token_env or {key}.token_file"
        ));
    }
    let id_path = raw
        .id_path
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    // Without an id in the answer, our id is the reference its reports bring back.
    if id_path.is_none() && !used.contains(&"id") {
        return err(format!(
            "{key}.id_path is required, or a field carrying {{id}} for the gateway's reports"
        ));
    }
    let callback_secret = secret(
        &format!("{key}.callback_secret"),
        raw.callback_secret_env.as_deref(),
        raw.callback_secret_file.as_deref(),
    )?;
    // Whoever knows it may report deliveries and write as anyone: never a short one.
    if callback_secret
        .as_ref()
        .is_some_and(|s| s.expose().len() < 16)
    {
        return err(format!(
            "{key}.callback_secret must have at least 16 characters"
        ));
    }
    let callback_url = match (public_url, &callback_secret) {
        (Some(base), Some(secret)) => Some(format!(
            "{base}{WEBHOOK}?secret={}",
            form_urlencoded::byte_serialize(secret.expose().as_bytes()).collect::<String>()
        )),
        _ => None,
    };
    if used.contains(&"callback") && callback_url.is_none() {
        return err(format!(
            "{key}.fields use {{callback}}, which needs public_url and {key}.callback_secret_env or _file"
        ));
    }
    let path = |p: Option<String>| p.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let c = raw.callback.unwrap_or_default();
    let words = |given: Option<Vec<String>>, default: &[&str]| {
        given.unwrap_or_else(|| default.iter().map(|w| (*w).to_owned()).collect())
    };
    Ok(Provider::Http(Box::new(HttpGateway {
        url,
        format,
        auth,
        source_addr: source_addr(key, raw.source_addr)?,
        fields,
        id_path,
        token,
        error_path: path(raw.error_path),
        callback_secret,
        callback_url,
        callback: CallbackFields {
            id: c.id.unwrap_or_else(|| "MessageSid".into()),
            status: c.status.unwrap_or_else(|| "MessageStatus".into()),
            error: path(c.error).or_else(|| Some("ErrorCode".into())),
            delivered: words(c.delivered, &["delivered", "DELIVRD", "read"]),
            failed: words(
                c.failed,
                &[
                    "failed",
                    "undelivered",
                    "canceled",
                    "UNDELIV",
                    "REJECTD",
                    "rejected",
                ],
            ),
            expired: words(c.expired, &["expired", "EXPIRED"]),
            from: c.from.unwrap_or_else(|| "From".into()),
            text: c.text.unwrap_or_else(|| "Body".into()),
        },
        rate,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_named_and_unknown_ones_refused() {
        assert_eq!(placeholders("{to}:{text}"), Ok(vec!["to", "text"]));
        assert_eq!(placeholders("plain"), Ok(vec![]));
        assert_eq!(placeholders("{nombre}"), Err("{nombre}".into()));
        assert_eq!(placeholders("a {to"), Err("{to".into()));
    }
}
