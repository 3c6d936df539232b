//! Who is calling: the session cookie resolved to an `Access`, the form-token check that
//! guards every state-changing browser request, and the caller's address for the audit.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::WebError;
use crate::access::{self, Access};
use crate::audit::AuditCtx;

/// A logged-in user with a complete (second factor done) session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Role and scopes (shared with the session cache).
    pub access: Arc<Access>,
    /// Hash of the session secret (the session row id).
    pub session_id: Arc<str>,
    /// The token forms must echo back.
    pub csrf_token: Arc<str>,
}

/// A session whose password step is done but whose TOTP code is still due.
#[derive(Debug, Clone)]
pub struct PendingSecondFactor {
    /// Hash of the session secret.
    pub session_id: String,
    /// The user.
    pub user_id: uuid::Uuid,
    /// The token the code form must echo back.
    pub csrf_token: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .ok_or(WebError::Unauthenticated)
    }
}

/// Resolves a session cookie and stores the result in the request's extensions.
pub async fn resolve_session(
    state: &AppState,
    cookie_value: &str,
    req: &mut Request,
) -> Result<(), Response> {
    match access::session::resolve(&state.db, &state.config, cookie_value).await {
        Ok(Some(access::session::Resolved::Complete {
            access,
            session_id,
            csrf_token,
        })) => {
            req.extensions_mut().insert(Authenticated {
                access,
                session_id,
                csrf_token,
            });
        }
        Ok(Some(access::session::Resolved::Pending {
            user_id,
            session_id,
            csrf_token,
        })) => {
            req.extensions_mut().insert(PendingSecondFactor {
                session_id,
                user_id,
                csrf_token,
            });
        }
        Ok(None) => {}
        Err(e) => return Err(WebError::Internal(e.into()).into_response()),
    }
    Ok(())
}

/// Refuses a state-changing browser request whose form token does not match the session.
///
/// The Origin / Sec-Fetch-Site check (tower-http's `CsrfLayer`) already stops cross-site
/// posts from modern browsers; this token is the second line for older ones. Requests
/// without a session and bearer-token API calls carry no cookie authority, so they need
/// no token; the login form is posted before a session exists (or to replace one), and
/// the Origin check guards it against login CSRF.
pub async fn check_form_token(req: Request) -> Result<Request, Response> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path() == "/login"
    {
        return Ok(req);
    }
    let expected = if let Some(user) = req.extensions().get::<Authenticated>() {
        user.csrf_token.clone()
    } else if let Some(pending) = req.extensions().get::<PendingSecondFactor>() {
        Arc::from(pending.csrf_token.as_str())
    } else {
        return Ok(req);
    };
    if let Some(sent) = req.headers().get("x-csrf-token") {
        if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Ok(req);
        }
        return Err(WebError::CsrfRejected.into_response());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // File uploads carry the token in the form's action URL: the multipart body is
    // streamed to disk, not buffered here.
    if content_type.starts_with("multipart/form-data") {
        let sent = req
            .uri()
            .query()
            .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "_csrf"))
            .map(|(_, v)| v.into_owned());
        return match sent {
            Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(req),
            _ => Err(WebError::CsrfRejected.into_response()),
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Err(WebError::CsrfRejected.into_response());
    }
    let (parts, body) = req.into_parts();
    // The body limit layer outside bounds this read.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Err(WebError::PayloadTooLarge.into_response());
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    match sent {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(WebError::CsrfRejected.into_response()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller's address and request id, for audit rows.
pub fn audit_ctx(parts: &Parts, access: Option<&Access>) -> AuditCtx {
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    AuditCtx {
        actor_id: access.map(|a| a.actor.user_id),
        actor_name: access
            .map(|a| a.actor.username.clone())
            .unwrap_or_else(|| "-".into()),
        ip,
        request_id,
    }
}

/// Extractor giving the audit context of the current request (actor, address, request id).
pub struct Ctx(pub AuditCtx);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let access: Option<&Access> = match parts.extensions.get::<Authenticated>() {
            Some(a) => Some(&a.access),
            None => parts
                .extensions
                .get::<crate::api::ApiAccess>()
                .map(|a| &a.0),
        };
        Ok(Ctx(audit_ctx(parts, access)))
    }
}
