//! Turning a template into a response: the one render helper of every module.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::WebError;

/// The page, with 200.
pub fn page(t: impl askama::Template) -> Result<Response, WebError> {
    page_with(StatusCode::OK, t)
}

/// The page with another status (422 for a form shown again with its errors).
pub fn page_with(status: StatusCode, t: impl askama::Template) -> Result<Response, WebError> {
    let html = t.render().map_err(anyhow::Error::from)?;
    Ok((status, Html(html)).into_response())
}
