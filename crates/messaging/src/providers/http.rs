//! SMS through an aggregator's HTTP API, described in the configuration rather than
//! written per vendor: the request's fields are templates (`{to}`, `{text}` …), the
//! answer's message id and error words are read at configured paths, and the
//! gateway's callbacks (delivery reports, people's replies) are read by configured
//! field names. Enough for Twilio-compatible APIs and the usual Argentine aggregators.

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use sha2::Digest;
use sipe_platform::module::BoxFuture;

use super::{Outgoing, Provider, SendError};
use crate::config::{BodyFormat, CallbackFields, GatewayAuth, HttpGateway};
use crate::domain::{Channel, clip, status};
use crate::inbound::{Inbound, ProviderEvent, Receipt};

/// The HTTP gateway provider.
pub struct Gateway {
    cfg: HttpGateway,
    http: reqwest::Client,
}

impl Gateway {
    /// A client of the configured gateway.
    pub fn new(cfg: HttpGateway) -> anyhow::Result<Self> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            // A redirect would repeat a POST as a GET, and could carry our key to
            // another host: a gateway that moved is a configuration to fix.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Gateway { cfg, http })
    }

    /// The request's fields for `m`, each template filled in one pass (a text that
    /// itself says `{to}` stays as written).
    pub fn fields(&self, m: &Outgoing) -> Vec<(String, String)> {
        let id = m.id.to_string();
        let value = |name: &str| match name {
            "to" => m.address.as_str(),
            "to_digits" => m.address.trim_start_matches('+'),
            "from" => self.cfg.source_addr.as_str(),
            "text" => m.body.as_str(),
            "id" => id.as_str(),
            "callback" => self.cfg.callback_url.as_deref().unwrap_or_default(),
            "token" => self
                .cfg
                .token
                .as_ref()
                .map(|t| t.expose())
                .unwrap_or_default(),
            _ => "",
        };
        self.cfg
            .fields
            .iter()
            .map(|(name, template)| (name.clone(), fill(template, value)))
            .collect()
    }
}

/// `template` with every `{name}` replaced by `value(name)`.
fn fill<'a>(template: &str, value: impl Fn(&str) -> &'a str) -> String {
    let mut out = String::with_capacity(template.len() + 160);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(len) => {
                out.push_str(value(&rest[start + 1..start + len]));
                rest = &rest[start + len + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value at a dotted path (`data.0.id`) of a JSON answer, as text.
pub fn at_path(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for step in path.split('.') {
        cur = match cur {
            Value::Array(items) => items.get(step.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(step)?,
            _ => return None,
        };
    }
    match cur {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Does the answer say something went wrong at `path`? A text, `true` or a number
/// other than 0 does; `false`, `0`, `""` and `null` (`"error": false` on success)
/// do not.
fn error_at(v: &Value, path: &str) -> Option<String> {
    at_path(v, path).filter(|w| !matches!(w.as_str(), "false" | "0"))
}

/// The answer's body, read up to 64 KiB (a gateway's answer is a few hundred bytes).
async fn bounded_text(mut res: reqwest::Response) -> Result<String, reqwest::Error> {
    const MAX: usize = 64 * 1024;
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await? {
        body.extend_from_slice(&chunk[..chunk.len().min(MAX - body.len())]);
        if body.len() >= MAX {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

impl Provider for Gateway {
    fn name(&self) -> &'static str {
        "http"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>> {
        Box::pin(async move {
            let fields = self.fields(m);
            let req = match self.cfg.format {
                BodyFormat::Form => self.http.post(&self.cfg.url).form(&fields),
                BodyFormat::Json => {
                    let body: serde_json::Map<String, Value> = fields
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect();
                    self.http.post(&self.cfg.url).json(&body)
                }
                BodyFormat::Query => {
                    let mut url = reqwest::Url::parse(&self.cfg.url)
                        .map_err(|e| SendError::Permanent(e.to_string()))?;
                    url.query_pairs_mut().extend_pairs(&fields);
                    self.http.get(url)
                }
            };
            let req = match &self.cfg.auth {
                GatewayAuth::None => req,
                GatewayAuth::Basic { username, password } => {
                    req.basic_auth(username, Some(password.expose()))
                }
                GatewayAuth::Bearer(token) => req.bearer_auth(token.expose()),
                GatewayAuth::Header { name, value } => req.header(name.as_str(), value.expose()),
            };
            // Errors without the URL: a GET's query holds the number, the text and the
            // callback secret.
            let res = match req.send().await {
                Ok(r) => r,
                // Never connected, or never built: nothing went out.
                Err(e) if e.is_connect() || e.is_builder() => {
                    return Err(SendError::Temporary(e.without_url().to_string()));
                }
                // Sent, no answer: the gateway may have it.
                Err(e) => return Err(SendError::InDoubt(e.without_url().to_string())),
            };
            let code = res.status();
            let text = match bounded_text(res).await {
                Ok(t) => t,
                Err(e) if code.is_success() => {
                    return Err(SendError::InDoubt(e.without_url().to_string()));
                }
                Err(_) => String::new(),
            };
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let words = self
                .cfg
                .error_path
                .as_deref()
                .and_then(|p| error_at(&answer, p));
            if code.is_success() {
                let id = self
                    .cfg
                    .id_path
                    .as_deref()
                    .and_then(|p| at_path(&answer, p));
                // Some gateways answer 200 and say what went wrong inside.
                if let (None, Some(words)) = (&id, &words) {
                    return Err(SendError::Permanent(clip(
                        &format!("HTTP {}: {words}", code.as_u16()),
                        500,
                    )));
                }
                return Ok(match (&self.cfg.id_path, id) {
                    (None, _) => Some(m.id.to_string()),
                    (Some(_), Some(id)) => Some(clip(&id, 200)),
                    // Taken, but its reports cannot be matched without an id.
                    (Some(p), None) => {
                        tracing::warn!(path = %p, "SMS gateway answered without a message id");
                        None
                    }
                });
            }
            let detail = clip(
                &format!(
                    "HTTP {}: {}",
                    code.as_u16(),
                    words.unwrap_or_else(|| text.chars().take(200).collect())
                ),
                500,
            );
            use reqwest::StatusCode as S;
            match code {
                // A proxy that waited for the gateway in vain: the gateway may have it.
                S::GATEWAY_TIMEOUT => Err(SendError::InDoubt(detail)),
                // Our credentials or the address are wrong, or a proxy refuses: the
                // queue waits for the configuration to be fixed instead of failing
                // every message.
                S::UNAUTHORIZED | S::FORBIDDEN | S::PROXY_AUTHENTICATION_REQUIRED => {
                    tracing::error!(
                        status = code.as_u16(),
                        "SMS gateway refuses our credentials"
                    );
                    Err(SendError::Temporary(detail))
                }
                _ if code.is_redirection() => {
                    tracing::error!(
                        status = code.as_u16(),
                        "SMS gateway answers with a redirect: fix its url"
                    );
                    Err(SendError::Temporary(detail))
                }
                _ if code.is_server_error()
                    || code == S::TOO_MANY_REQUESTS
                    || code == S::REQUEST_TIMEOUT =>
                {
                    Err(SendError::Temporary(detail))
                }
                _ => Err(SendError::Permanent(detail)),
            }
        })
    }
}

/// The events in a gateway's callback: one object (a form, a JSON object) or a JSON
/// array of them. An object with an id and a known status word is a delivery report;
/// one with a sender and a text is a person's message; anything else (`sent`,
/// `queued`) says nothing new and is left out.
pub fn events_of(c: &CallbackFields, objects: &[Value]) -> Vec<ProviderEvent> {
    let is = |words: &[String], w: &str| words.iter().any(|x| x.eq_ignore_ascii_case(w));
    let mut out = Vec::new();
    for o in objects {
        let id = at_path(o, &c.id).map(|i| clip(&i, 200));
        let word = at_path(o, &c.status);
        let outcome = word.as_deref().and_then(|w| {
            if is(&c.delivered, w) {
                Some(status::DELIVERED)
            } else if is(&c.failed, w) {
                Some(status::FAILED)
            } else if is(&c.expired, w) {
                Some(status::EXPIRED)
            } else {
                None
            }
        });
        // A report word makes it a report; anything else with a sender and a text is
        // a person's message (Twilio's replies carry `SmsStatus=received`).
        if let (Some(id), Some(outcome), Some(word)) = (&id, outcome, &word) {
            let error = c.error.as_deref().and_then(|p| at_path(o, p));
            out.push(ProviderEvent::Receipt(Receipt {
                provider: "http",
                provider_id: id.clone(),
                status: outcome,
                detail: (outcome != status::DELIVERED).then(|| {
                    clip(
                        &match error {
                            Some(e) => format!("{word} {e}"),
                            None => word.clone(),
                        },
                        500,
                    )
                }),
                at: Utc::now(),
            }));
            continue;
        }
        if let (Some(from), Some(text)) = (at_path(o, &c.from), at_path(o, &c.text)) {
            // Without the gateway's id, the message and the ten minutes it came in name
            // it: the gateway's repeat of the callback is recognised, and the same words
            // sent again another day are a new message.
            let provider_id = id.unwrap_or_else(|| {
                let bucket = Utc::now().timestamp() / 600;
                let digest = sha2::Sha256::digest(format!("{from}\n{text}").as_bytes());
                format!("{}:{bucket}", hex::encode(&digest[..16]))
            });
            out.push(ProviderEvent::Inbound(Inbound {
                channel: Channel::Sms,
                provider: "http",
                provider_id,
                from,
                international: false,
                text,
                at: Utc::now(),
                mail: None,
            }));
        }
    }
    out
}

/// A callback's body as objects: JSON when it is JSON, else form fields.
pub fn objects_of(body: &[u8], json: bool) -> Result<Vec<Value>, String> {
    if json {
        return match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(items)) if items.len() <= 1_000 => Ok(items),
            Ok(Value::Array(_)) => Err("more than 1000 events".into()),
            Ok(o @ Value::Object(_)) => Ok(vec![o]),
            Ok(_) => Err("neither an object nor an array".into()),
            Err(e) => Err(e.to_string()),
        };
    }
    let map: serde_json::Map<String, Value> = form_urlencoded::parse(body)
        .take(200)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Ok(vec![Value::Object(map)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback() -> CallbackFields {
        CallbackFields {
            id: "MessageSid".into(),
            status: "MessageStatus".into(),
            error: Some("ErrorCode".into()),
            delivered: vec!["delivered".into(), "DELIVRD".into()],
            failed: vec!["failed".into(), "undelivered".into()],
            expired: vec!["expired".into()],
            from: "From".into(),
            text: "Body".into(),
        }
    }

    #[test]
    fn templates_are_filled_once() {
        let v = |n: &str| match n {
            "to" => "+5493815550010",
            "text" => "Decí {to} {id}",
            _ => "",
        };
        assert_eq!(fill("{to}|{text}|x", v), "+5493815550010|Decí {to} {id}|x");
        assert_eq!(fill("a{to", v), "a{to");
    }

    #[test]
    fn answers_are_read_at_dotted_paths() {
        let v: Value =
            serde_json::from_str(r#"{"sid":"SM1","data":[{"id":7}],"ok":true,"e":""}"#).unwrap();
        assert_eq!(at_path(&v, "sid").as_deref(), Some("SM1"));
        assert_eq!(at_path(&v, "data.0.id").as_deref(), Some("7"));
        assert_eq!(at_path(&v, "ok").as_deref(), Some("true"));
        assert_eq!(at_path(&v, "data.1.id"), None);
        assert_eq!(at_path(&v, "e"), None, "an empty string is no value");
        assert_eq!(at_path(&v, "sid.x"), None);
    }

    #[test]
    fn callbacks_bring_reports_and_replies() {
        let form = b"MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003";
        let events = events_of(&callback(), &objects_of(form, false).unwrap());
        assert!(matches!(&events[..], [ProviderEvent::Receipt(r)]
            if r.provider_id == "SM1" && r.status == status::FAILED
                && r.detail.as_deref() == Some("undelivered 30003")));
        let json = br#"[{"MessageSid":"SM2","MessageStatus":"DELIVERED"},
                         {"MessageSid":"SM3","MessageStatus":"sent"},
                         {"From":"+5493815550010","Body":"BAJA"}]"#;
        let events = events_of(&callback(), &objects_of(json, true).unwrap());
        assert_eq!(events.len(), 2, "sent says nothing new");
        assert!(
            matches!(&events[0], ProviderEvent::Receipt(r) if r.status == status::DELIVERED && r.detail.is_none())
        );
        let ProviderEvent::Inbound(m) = &events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(
            (m.from.as_str(), m.text.as_str()),
            ("+5493815550010", "BAJA")
        );
        assert!(m.provider_id.len() > 33, "named by its content and time");
        // A reply carrying a status word that is no report is still a reply.
        let reply = br#"{"MessageSid":"SM9","SmsStatus":"received","MessageStatus":"received","From":"+5493815550011","Body":"Hola"}"#;
        let events = events_of(&callback(), &objects_of(reply, true).unwrap());
        assert!(
            matches!(&events[..], [ProviderEvent::Inbound(m)] if m.provider_id == "SM9"),
            "{events:?}"
        );
        assert!(objects_of(b"[1", true).is_err());
        assert!(objects_of(b"3", true).is_err());
    }
}
