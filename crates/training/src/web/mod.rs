//! The module's HTML pages: extract, call the use case, render.

pub mod attendance;
pub mod catalogue;
pub mod certificates;
pub mod cohorts;
pub mod credentials;
pub mod person;

use axum::http::StatusCode;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;

/// 422 when a form comes back with problems.
pub(crate) fn status_of(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Options built from (value, label) pairs, the current one selected.
pub(crate) fn options(
    items: impl IntoIterator<Item = (String, String)>,
    current: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

/// The server's address as its users reach it: `public_url`, else the request's host
/// (only host characters are kept).
pub fn base_url(state: &sipe_platform::web::AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host: String = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .take(255)
        .collect();
    let scheme = if state.config.secure_cookies() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}
