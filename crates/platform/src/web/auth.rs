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
        .get::<ClientIp>()
        .map(|ClientIp(ip)| ip.to_string())
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
        });
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

/// Login and second-factor attempts per client address, on this node.
///
/// In memory (the `governor` crate) rather than in the database: a shared table would put
/// a write on every attempt, and the account lockout, which is in the database, already
/// bounds guesses per account across nodes. With N nodes an address gets N times the
/// quota. IPv6 addresses count by their /64 (one household or office network), and the
/// table of addresses is capped so a flood of new addresses cannot grow it without bound.
pub struct LoginLimiter {
    limiter: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
}

/// Most client addresses the limiter remembers at once.
const LIMITER_MAX_KEYS: usize = 100_000;

impl LoginLimiter {
    /// A burst of `per_minute` attempts, then one every 60/`per_minute` seconds.
    pub fn new(per_minute: u32) -> Self {
        let per_minute = std::num::NonZeroU32::new(per_minute).unwrap_or(std::num::NonZeroU32::MIN);
        Self {
            limiter: governor::RateLimiter::keyed(governor::Quota::per_minute(per_minute)),
        }
    }

    /// May this address try now? Counts the attempt.
    pub fn allow(&self, ip: std::net::IpAddr) -> bool {
        let key = match ip {
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => std::net::IpAddr::V4(v4),
                None => {
                    let mut bytes = v6.octets();
                    bytes[8..].fill(0);
                    std::net::IpAddr::V6(bytes.into())
                }
            },
            v4 => v4,
        };
        if self.limiter.len() >= LIMITER_MAX_KEYS {
            self.limiter.retain_recent();
            if self.limiter.len() >= LIMITER_MAX_KEYS {
                tracing::warn!("login limiter full: refusing attempts from new addresses");
                return false;
            }
        }
        self.limiter.check_key(&key).is_ok()
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy. Set by the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);

/// Who is on the other end: their address and browser (login steps use both).
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The client's address (see [`ClientIp`]).
    pub ip: Option<std::net::IpAddr>,
    /// The `User-Agent` header, at most 200 characters.
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client {
            ip: parts.extensions.get::<ClientIp>().map(|ClientIp(ip)| *ip),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(200).collect()),
        })
    }
}

/// Stores the request's [`ClientIp`] in its extensions.
pub fn insert_client_ip(state: &AppState, req: &mut Request) {
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return;
    };
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let ip = resolve_client_ip(peer.ip(), forwarded, &state.trusted_proxies);
    req.extensions_mut().insert(ClientIp(ip));
}

/// Resolves the client's address of a request (see [`ClientIp`]).
pub fn resolve_client_ip(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    // Entries past these are not read: a client may send any number of them.
    const MAX_HOPS: usize = 8;
    if !trusted.iter().any(|n| n.contains(&peer)) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',').take(MAX_HOPS) {
        let Ok(ip) = hop.trim().parse::<std::net::IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted.iter().any(|n| n.contains(&ip)) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_read_only_behind_a_trusted_proxy() {
        let proxy: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let trusted: Vec<ipnet::IpNet> = vec!["127.0.0.1/32".parse().unwrap()];
        let xff = Some("203.0.113.9, 198.51.100.7");
        assert_eq!(
            resolve_client_ip(proxy, xff, &[]),
            proxy,
            "no proxy trusted"
        );
        assert_eq!(
            resolve_client_ip(proxy, xff, &trusted).to_string(),
            "198.51.100.7",
            "the hop the proxy saw, not what the client wrote before it"
        );
        let other: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(
            resolve_client_ip(other, xff, &trusted),
            other,
            "untrusted peer"
        );
        assert_eq!(resolve_client_ip(proxy, Some("garbage"), &trusted), proxy);
    }

    #[test]
    fn the_limiter_refuses_beyond_its_quota_per_address_and_ipv6_network() {
        let l = LoginLimiter::new(3);
        let a: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        assert!((0..3).all(|_| l.allow(a)));
        assert!(!l.allow(a), "the fourth attempt in a minute is refused");
        assert!(
            l.allow("192.0.2.2".parse().unwrap()),
            "another address is not"
        );
        let v6 = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!((0..3).all(|i| l.allow(v6(&format!("2001:db8::{i}")))));
        assert!(!l.allow(v6("2001:db8::ffff")), "one /64 is one client");
    }
}
