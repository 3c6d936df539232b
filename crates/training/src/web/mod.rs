//! The module's HTML pages: extract, call the use case, render.

pub mod assessment;
pub mod attendance;
pub mod bulk;
pub mod catalogue;
pub mod certificates;
pub mod cohorts;
pub mod credentials;
pub mod moodle;
pub mod paths;
pub mod person;
pub mod standards;

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

/// The server's address as its users reach it (`public_url`, else the bound address;
/// never the request's `Host`: it would end up in printed QR codes and signed
/// credentials).
pub fn base_url(state: &sipe_platform::web::AppState) -> String {
    state.base_url.clone()
}
