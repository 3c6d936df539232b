//! Security headers on every response.

use axum::http::{HeaderMap, HeaderValue, header};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds CSP, frame, referrer, content-type and (over TLS) HSTS headers; responses are not
/// cached unless the handler said otherwise.
pub fn apply(h: &mut HeaderMap, tls: bool) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Paths that accept file uploads (bounded by `upload_limit_bytes`).
pub const UPLOAD_PATHS: [&str; 1] = ["/admin/imports"];
/// Endings of paths that accept file uploads (a record's evidence files); each use case
/// bounds its own files further.
pub const UPLOAD_SUFFIXES: [&str; 1] = ["/evidence"];

/// Does this path accept file uploads?
pub fn is_upload_path(path: &str) -> bool {
    UPLOAD_PATHS.contains(&path) || UPLOAD_SUFFIXES.iter().any(|s| path.ends_with(s))
}

/// Bounds every request body: `body_limit_bytes`, or `upload_limit_bytes` on upload
/// paths. A declared length over the limit is refused at once; a streamed body fails
/// when it crosses the limit (extractors answer 413).
pub async fn limit_body(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if is_upload_path(req.uri().path()) {
        state.config.upload_limit_bytes
    } else {
        state.config.body_limit_bytes
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return super::WebError::PayloadTooLarge.into_response();
    }
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}
