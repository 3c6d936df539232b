//! The providers' webhooks under `/api/v1/messaging/webhooks`: no user signs in, so
//! each is authenticated by what only the provider knows (WhatsApp: the verify token
//! for the handshake, the app secret's signature on every notification; the HTTP SMS
//! gateway: the callback secret). What they
//! bring is stored before the answer: a provider repeats what it saw refused.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::config::Provider as ProviderSettings;
use crate::domain::Channel;
use crate::providers::{Messaging, http, whatsapp};
use sipe_platform::api::ApiError;
use sipe_platform::web::AppState;

/// The handshake's query (`hub.mode`, `hub.verify_token`, `hub.challenge`).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct Handshake {
    /// `subscribe`.
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    pub mode: Option<String>,
    /// The verify token configured on both sides.
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    /// Echoed back when the token matches.
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    pub challenge: Option<String>,
}

fn cloud_api(state: &AppState) -> Option<crate::config::CloudApi> {
    let messaging = state.extensions.get_arc::<Messaging>()?;
    match messaging.settings.provider(Channel::Whatsapp) {
        ProviderSettings::CloudApi(c) => Some(c.clone()),
        _ => None,
    }
}

/// WhatsApp's verification handshake: the challenge back when the verify token is the
/// configured one.
#[utoipa::path(get, path = "/api/v1/messaging/webhooks/whatsapp", params(Handshake),
    responses((status = 200, body = String, description = "The challenge"),
        (status = 403, body = sipe_platform::api::Problem, description = "Wrong verify token"),
        (status = 404, body = sipe_platform::api::Problem, description = "WhatsApp is not configured with the Cloud API")))]
pub async fn whatsapp_handshake(
    State(state): State<AppState>,
    Query(q): Query<Handshake>,
) -> Result<Response, ApiError> {
    let cfg = cloud_api(&state).ok_or(ApiError::NotFound)?;
    let token = q.verify_token.unwrap_or_default();
    let matches = cfg.verify_token.matches(&token);
    match (q.mode.as_deref(), matches, q.challenge) {
        (Some("subscribe"), true, Some(challenge)) if challenge.len() <= 200 => {
            Ok((StatusCode::OK, challenge).into_response())
        }
        _ => Err(ApiError::Forbidden),
    }
}

/// The largest notification taken (Meta batches up to a thousand events).
const MAX_BODY: usize = 1 << 20;

/// WhatsApp's notifications (people's messages, our messages' statuses), signed with the
/// app secret in `X-Hub-Signature-256`; anything unsigned or wrongly signed is refused.
#[utoipa::path(post, path = "/api/v1/messaging/webhooks/whatsapp",
    request_body(content = String, description = "A Cloud API webhook notification (JSON)", content_type = "application/json"),
    params(("X-Hub-Signature-256" = String, Header, description = "sha256=<HMAC-SHA256 of the body with the app secret, hex>")),
    responses((status = 200, body = String, description = "Stored"),
        (status = 400, body = sipe_platform::api::Problem, description = "Not a notification"),
        (status = 401, body = sipe_platform::api::Problem, description = "Missing or wrong signature"),
        (status = 404, body = sipe_platform::api::Problem, description = "WhatsApp is not configured with the Cloud API")))]
pub async fn whatsapp_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let cfg = cloud_api(&state).ok_or(ApiError::NotFound)?;
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if body.len() > MAX_BODY || !whatsapp::signature_ok(cfg.app_secret.expose(), &body, signature) {
        tracing::warn!("WhatsApp webhook with a missing or wrong signature refused");
        return Err(ApiError::Unauthorized);
    }
    let events = whatsapp::events_of(&body, &cfg.phone_number_id)
        .map_err(|e| ApiError::BadRequest(format!("not a notification: {e}")))?;
    crate::inbound::apply_all(&state.db, events)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((StatusCode::OK, "ok").into_response())
}

fn gateway(state: &AppState) -> Option<crate::config::HttpGateway> {
    let messaging = state.extensions.get_arc::<Messaging>()?;
    match messaging.settings.provider(Channel::Sms) {
        ProviderSettings::Http(h) if h.callback_secret.is_some() => Some((**h).clone()),
        _ => None,
    }
}

/// The HTTP SMS gateway's callbacks: delivery reports of our messages and the messages
/// people send, as form fields (a POST body or a GET query) or JSON (an object or an
/// array of them), read by the field names `[messaging.sms.callback]` configures. The
/// gateway proves itself with the callback secret, in `?secret=` or `X-Webhook-Secret`.
#[utoipa::path(post, path = "/api/v1/messaging/webhooks/sms",
    request_body(content = String, description = "The gateway's callback: form fields or JSON", content_type = "application/x-www-form-urlencoded"),
    params(("secret" = Option<String>, Query, description = "The callback secret (or the X-Webhook-Secret header)"),
        ("X-Webhook-Secret" = Option<String>, Header, description = "The callback secret")),
    responses((status = 200, body = String, description = "Stored"),
        (status = 400, body = sipe_platform::api::Problem, description = "Not a callback"),
        (status = 401, body = sipe_platform::api::Problem, description = "Missing or wrong secret"),
        (status = 404, body = sipe_platform::api::Problem, description = "SMS does not go through an HTTP gateway with callbacks")))]
pub async fn sms_events(
    State(state): State<AppState>,
    method: axum::http::Method,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let cfg = gateway(&state).ok_or(ApiError::NotFound)?;
    let query = query.unwrap_or_default();
    let given = headers
        .get("x-webhook-secret")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "secret")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    let known = cfg
        .callback_secret
        .as_ref()
        .is_some_and(|s| s.matches(&given));
    if body.len() > MAX_BODY || given.is_empty() || !known {
        tracing::warn!("SMS gateway callback with a missing or wrong secret refused");
        return Err(ApiError::Unauthorized);
    }
    let objects = if method == axum::http::Method::GET {
        http::objects_of(query.as_bytes(), false)
    } else {
        let json = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        http::objects_of(&body, json)
    }
    .map_err(|e| ApiError::BadRequest(format!("not a callback: {e}")))?;
    let events = http::events_of(&cfg.callback, &objects);
    crate::inbound::apply_all(&state.db, events)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    // An empty TwiML answer: Twilio sends no reply of its own; other gateways only
    // look at the status.
    Ok((
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
    )
        .into_response())
}

/// The same callbacks, for gateways that call a URL with the fields in its query.
#[utoipa::path(get, path = "/api/v1/messaging/webhooks/sms",
    params(("secret" = Option<String>, Query, description = "The callback secret (or the X-Webhook-Secret header)")),
    responses((status = 200, body = String, description = "Stored"),
        (status = 401, body = sipe_platform::api::Problem, description = "Missing or wrong secret"),
        (status = 404, body = sipe_platform::api::Problem, description = "SMS does not go through an HTTP gateway with callbacks")))]
pub async fn sms_events_get(
    state: State<AppState>,
    method: axum::http::Method,
    query: axum::extract::RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    sms_events(state, method, query, headers, Bytes::new()).await
}
