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

/// Routes that accept file uploads (`*` stands for one path segment) and the most they
/// take: `None` is `upload_limit_bytes`; evidence files of a training assessment are at
/// most 20 MiB (the use case says so), plus the form around them; an application's
/// documents at most 10 MiB.
pub const UPLOADS: [(&str, Option<usize>); 10] = [
    ("/admin/imports", None),
    ("/programmes/national/imports", None),
    ("/api/v1/national-benefit-imports", None),
    (
        "/programme-applications/*/documents",
        Some(11 * 1024 * 1024),
    ),
    (
        "/api/v1/programme-applications/*/documents",
        Some(11 * 1024 * 1024),
    ),
    ("/training/enrolments/*/evidence", Some(21 * 1024 * 1024)),
    ("/api/v1/enrolments/*/evidence", Some(21 * 1024 * 1024)),
    ("/programmes/*/attendance/file", Some(21 * 1024 * 1024)),
    ("/payment-runs/*/bank-result", Some(21 * 1024 * 1024)),
    ("/api/v1/payment-runs/*/bank-result", Some(21 * 1024 * 1024)),
];

/// The body limit of an upload route, or `None` for any other path.
pub fn upload_limit(path: &str, configured: usize) -> Option<usize> {
    let matches = |pattern: &str| {
        let (mut p, mut a) = (pattern.split('/'), path.split('/'));
        loop {
            match (p.next(), a.next()) {
                (None, None) => return true,
                (Some("*"), Some(seg)) if !seg.is_empty() => {}
                (Some(x), Some(y)) if x == y => {}
                _ => return false,
            }
        }
    };
    UPLOADS
        .iter()
        .find(|(pattern, _)| matches(pattern))
        .map(|(_, limit)| limit.map_or(configured, |l| l.min(configured)))
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
    let limit = upload_limit(req.uri().path(), state.config.upload_limit_bytes)
        .unwrap_or(state.config.body_limit_bytes);
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

#[cfg(test)]
mod tests {
    use super::upload_limit;

    #[test]
    fn only_the_upload_routes_take_large_bodies() {
        let mib = 1024 * 1024;
        assert_eq!(upload_limit("/admin/imports", 200 * mib), Some(200 * mib));
        assert_eq!(
            upload_limit("/training/enrolments/0190/evidence", 200 * mib),
            Some(21 * mib)
        );
        assert_eq!(
            upload_limit("/training/enrolments/0190/evidence", mib),
            Some(mib)
        );
        for other in [
            "/training/enrolments//evidence",
            "/training/enrolments/a/b/evidence",
            "/x/evidence",
            "/admin/imports/1",
            "/api/v1/enrolments/1/assessment",
        ] {
            assert_eq!(upload_limit(other, 200 * mib), None, "{other}");
        }
    }
}
