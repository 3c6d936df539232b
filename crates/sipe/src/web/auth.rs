//! Who is calling: the session cookie resolved to an `Access`, the form-token check that
//! guards every state-changing browser request, and the caller's address for the audit.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use super::error::WebError;
use super::{AppState, cookies};
use crate::access::{self, Access};
use crate::audit::AuditCtx;

/// A logged-in user with a complete (second factor done) session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Role and scopes.
    pub access: Access,
    /// Hash of the session secret (the session row id).
    pub session_id: String,
    /// The token forms must echo back.
    pub csrf_token: String,
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

/// Resolves the session cookie on every request and stores the result in the extensions.
pub async fn resolve_session(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(cookie) = jar.get(cookies::SESSION) {
        match access::session::resolve(&state.db, &state.config, cookie.value()).await {
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
            Err(e) => return WebError::Internal(e.into()).into_response(),
        }
    }
    next.run(req).await
}

/// Refuses a state-changing browser request whose form token does not match the session.
///
/// The Origin / Sec-Fetch-Site check (tower-http's `CsrfLayer`) already stops cross-site
/// posts from modern browsers; this token is the second line for older ones. Requests
/// without a session (the login form) and bearer-token API calls carry no cookie
/// authority, so they need no token.
pub async fn check_form_token(req: Request, next: Next) -> Response {
    // The login form is posted before a session exists (or to replace one); the Origin
    // check still guards it against login CSRF.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path() == "/login"
    {
        return next.run(req).await;
    }
    let expected = if let Some(user) = req.extensions().get::<Authenticated>() {
        user.csrf_token.clone()
    } else if let Some(pending) = req.extensions().get::<PendingSecondFactor>() {
        pending.csrf_token.clone()
    } else {
        return next.run(req).await;
    };
    if let Some(sent) = req.headers().get("x-csrf-token") {
        if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return next.run(req).await;
        }
        return WebError::CsrfRejected.into_response();
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return WebError::CsrfRejected.into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return WebError::PayloadTooLarge.into_response();
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    match sent {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => WebError::CsrfRejected.into_response(),
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
        let access = parts
            .extensions
            .get::<Authenticated>()
            .map(|a| a.access.clone())
            .or_else(|| {
                parts
                    .extensions
                    .get::<crate::api::ApiAccess>()
                    .map(|a| a.0.clone())
            });
        Ok(Ctx(audit_ctx(parts, access.as_ref())))
    }
}
