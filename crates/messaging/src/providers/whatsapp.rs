//! WhatsApp over the Cloud API: an approved template with its parameters, or free text
//! inside the 24 hours after the person last wrote (the customer-service window); and
//! the webhook's side: the verification handshake, the `X-Hub-Signature-256` check
//! with the app secret, and the message and status events it brings.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sipe_platform::module::BoxFuture;

use super::{Outgoing, Provider, SendError};
use crate::config;
use crate::domain::{Channel, status};
use crate::inbound::{Inbound, ProviderEvent, Receipt};

/// An approved template and the values of its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateCall {
    /// The provider's template name.
    pub name: String,
    /// Its language (`es_AR`).
    pub language: String,
    /// Parameter values.
    pub params: Vec<String>,
}

/// What a WhatsApp message may go as: free text (inside the window) and/or a template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Free text.
    pub text: Option<String>,
    /// Approved template.
    pub template: Option<TemplateCall>,
}

/// The Cloud API provider.
pub struct CloudApi {
    cfg: config::CloudApi,
    http: reqwest::Client,
}

impl CloudApi {
    /// A client of the configured API.
    pub fn new(cfg: config::CloudApi) -> anyhow::Result<Self> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(CloudApi { cfg, http })
    }

    /// The request body for `m`: free text when the window is open and there is some,
    /// else the template; `None` when neither may go.
    pub fn body(m: &Outgoing) -> Option<serde_json::Value> {
        let payload: Payload = m
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        let to = m.address.trim_start_matches('+');
        if let (true, Some(text)) = (m.window_open, payload.text) {
            return Some(serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"preview_url": false, "body": text},
            }));
        }
        let t = payload.template?;
        let parameters: Vec<serde_json::Value> = t
            .params
            .iter()
            .map(|p| serde_json::json!({"type": "text", "text": p}))
            .collect();
        let mut template = serde_json::json!({"name": t.name, "language": {"code": t.language}});
        if !parameters.is_empty() {
            template["components"] =
                serde_json::json!([{"type": "body", "parameters": parameters}]);
        }
        Some(serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": template,
        }))
    }
}

/// Error codes the Cloud API gives for a throttle or a passing fault (retried).
/// 131047 (the 24-hour window closed since the batch began) too: the next attempt
/// finds it closed and sends the template.
const TEMPORARY_CODES: [i64; 7] = [1, 2, 4, 80007, 130429, 131047, 131048];

impl Provider for CloudApi {
    fn name(&self) -> &'static str {
        "cloud_api"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>> {
        Box::pin(async move {
            let Some(body) = Self::body(m) else {
                return Err(SendError::Permanent(
                    "outside_window: the person has not written in 24 hours and the template has no approved WhatsApp template".into(),
                ));
            };
            let url = format!(
                "{}/{}/messages",
                self.cfg.base_url, self.cfg.phone_number_id
            );
            let res = self
                .http
                .post(url)
                .bearer_auth(self.cfg.token.expose())
                .json(&body)
                .send()
                .await;
            let res = match res {
                Ok(r) => r,
                // Never connected: nothing went out.
                Err(e) if e.is_connect() => return Err(SendError::Temporary(e.to_string())),
                // Sent, no answer: the API may have it.
                Err(e) => return Err(SendError::InDoubt(e.to_string())),
            };
            let code = res.status();
            let answer: serde_json::Value = res.json().await.unwrap_or_default();
            if code.is_success() {
                return Ok(answer["messages"][0]["id"].as_str().map(str::to_owned));
            }
            let error = &answer["error"];
            let api_code = error["code"].as_i64().unwrap_or(0);
            let detail = format!(
                "HTTP {} code {api_code}: {}",
                code.as_u16(),
                error["message"].as_str().unwrap_or_default()
            );
            if code.is_server_error()
                || code == reqwest::StatusCode::TOO_MANY_REQUESTS
                || TEMPORARY_CODES.contains(&api_code)
            {
                Err(SendError::Temporary(detail))
            } else {
                Err(SendError::Permanent(detail))
            }
        })
    }
}

/// Is `signature` (`sha256=<hex>`, the `X-Hub-Signature-256` header) the HMAC-SHA256
/// of `body` with the app secret? Compared in constant time.
pub fn signature_ok(app_secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex) = signature.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(given) = hex::decode(hex) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: Value,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: String,
}

#[derive(Debug, Default, Deserialize)]
struct Value {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    messages: Vec<WaMessage>,
    #[serde(default)]
    statuses: Vec<WaStatus>,
}

#[derive(Debug, Deserialize)]
struct WaMessage {
    from: String,
    id: String,
    #[serde(default)]
    timestamp: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    text: Option<WaText>,
    #[serde(default)]
    button: Option<WaText>,
}

#[derive(Debug, Deserialize)]
struct WaText {
    #[serde(alias = "body")]
    #[serde(default)]
    text: String,
}

#[derive(Debug, Deserialize)]
struct WaStatus {
    id: String,
    status: String,
    #[serde(default)]
    timestamp: String,
    #[serde(default)]
    errors: Vec<WaError>,
}

#[derive(Debug, Deserialize)]
struct WaError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    title: String,
}

fn at(timestamp: &str) -> DateTime<Utc> {
    timestamp
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .unwrap_or_else(Utc::now)
}

/// The events of a webhook notification about our business number: people's messages
/// and our messages' statuses (`sent` is known already and left out). Changes of other
/// fields, or of another number the app serves, are left out. An error when it is not
/// a notification.
pub fn events_of(
    body: &[u8],
    phone_number_id: &str,
) -> Result<Vec<ProviderEvent>, serde_json::Error> {
    let n: Notification = serde_json::from_slice(body)?;
    let mut out = Vec::new();
    let ours = n
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .filter(|c| c.field == "messages")
        .map(|c| c.value)
        .filter(|v| {
            v.metadata
                .as_ref()
                .is_some_and(|m| m.phone_number_id == phone_number_id)
        });
    for value in ours {
        for m in value.messages {
            let text = match (m.text, m.button) {
                (Some(t), _) | (None, Some(t)) => t.text,
                // A picture, a voice note, a location: kept as what it is.
                (None, None) => format!("[{}]", m.kind),
            };
            out.push(ProviderEvent::Inbound(Inbound {
                channel: Channel::Whatsapp,
                provider: "cloud_api",
                provider_id: crate::domain::clip(&m.id, 200),
                from: m.from,
                international: true,
                text,
                at: at(&m.timestamp),
                mail: None,
            }));
        }
        for s in value.statuses {
            let outcome = match s.status.as_str() {
                "delivered" | "read" => status::DELIVERED,
                "failed" => status::FAILED,
                _ => continue,
            };
            out.push(ProviderEvent::Receipt(Receipt {
                provider: "cloud_api",
                provider_id: crate::domain::clip(&s.id, 200),
                status: outcome,
                detail: s.errors.first().map(|e| format!("{} {}", e.code, e.title)),
                at: at(&s.timestamp),
            }));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn signatures_are_checked_with_the_app_secret() {
        let body = br#"{"entry":[]}"#;
        let good = sign("secreto", body);
        assert!(signature_ok("secreto", body, &good));
        assert!(!signature_ok("otro", body, &good));
        assert!(!signature_ok("secreto", b"{\"entry\":[1]}", &good));
        assert!(!signature_ok("secreto", body, "sha256=zz"));
        assert!(!signature_ok("secreto", body, &good.replace("sha256=", "")));
    }

    #[test]
    fn notifications_bring_messages_and_statuses() {
        let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"5493810000000","phone_number_id":"123"},
            "messages":[{"from":"5493815550010","id":"wamid.A","timestamp":"1764500000","type":"text","text":{"body":"BAJA"}},
                        {"from":"5493815550011","id":"wamid.B","timestamp":"1764500001","type":"image","image":{"id":"x"}}],
            "statuses":[{"id":"wamid.C","status":"delivered","timestamp":"1764500002","recipient_id":"5493815550012"},
                        {"id":"wamid.D","status":"sent","timestamp":"1764500002"},
                        {"id":"wamid.E","status":"failed","timestamp":"1764500003","errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}"#;
        let events = events_of(body, "123").unwrap();
        assert_eq!(events.len(), 4);
        assert!(
            events_of(body, "999").unwrap().is_empty(),
            "another number's"
        );
        match &events[0] {
            ProviderEvent::Inbound(m) => {
                assert_eq!(
                    (m.from.as_str(), m.text.as_str(), m.provider_id.as_str()),
                    ("5493815550010", "BAJA", "wamid.A")
                );
                assert_eq!(m.at.timestamp(), 1_764_500_000);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&events[1], ProviderEvent::Inbound(m) if m.text == "[image]"));
        assert!(
            matches!(&events[2], ProviderEvent::Receipt(r) if r.status == status::DELIVERED && r.provider_id == "wamid.C")
        );
        assert!(
            matches!(&events[3], ProviderEvent::Receipt(r) if r.status == status::FAILED && r.detail.as_deref() == Some("131026 Message undeliverable"))
        );
        assert!(events_of(b"not json", "123").is_err());
    }

    #[test]
    fn free_text_only_inside_the_window() {
        let payload = Payload {
            text: Some("Hola Ana".into()),
            template: Some(TemplateCall {
                name: "aviso".into(),
                language: "es_AR".into(),
                params: vec!["Ana".into()],
            }),
        };
        let mut m = Outgoing {
            id: uuid::Uuid::nil(),
            channel: Channel::Whatsapp,
            address: "+5493815550010".into(),
            subject: None,
            body: "Hola Ana".into(),
            unsubscribe: None,
            payload: serde_json::to_string(&payload).ok(),
            window_open: true,
        };
        let open = CloudApi::body(&m).unwrap();
        assert_eq!(
            (open["type"].as_str(), open["text"]["body"].as_str()),
            (Some("text"), Some("Hola Ana"))
        );
        assert_eq!(open["to"], "5493815550010");
        m.window_open = false;
        let closed = CloudApi::body(&m).unwrap();
        assert_eq!(closed["type"], "template");
        assert_eq!(
            closed["template"]["components"][0]["parameters"][0]["text"],
            "Ana"
        );
        m.payload = serde_json::to_string(&Payload {
            text: Some("x".into()),
            template: None,
        })
        .ok();
        assert!(CloudApi::body(&m).is_none());
    }
}
