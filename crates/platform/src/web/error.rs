//! The one error type of the HTML handlers and the middleware that renders error pages
//! in the visitor's language.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::db::StoreError;
use crate::i18n::Lang;

/// What can go wrong in a web handler.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session: go and log in.
    #[error("not logged in")]
    Unauthenticated,
    /// The role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// No such record, or outside the caller's scope (never distinguished).
    #[error("not found")]
    NotFound,
    /// The form token or origin check failed.
    #[error("cross-site request refused")]
    CsrfRejected,
    /// The body is over the limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// A list's query is invalid (search text too long); the catalogue key says why.
    #[error("invalid query: {0}")]
    InvalidQuery(&'static str),
    /// A text field held control characters; the field's name.
    #[error("control characters in {0}")]
    InvalidText(String),
    /// The record's state or another record forbids the change (its text is logged; the
    /// page says so in the visitor's language).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A list page beyond the deepest one served.
    #[error(transparent)]
    PageTooDeep(#[from] super::table::PageTooDeep),
    /// Anything unexpected: logged once with the request id.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::validation::FieldErrors> for WebError {
    /// A list query's field problem (search text too long): the first one's message.
    fn from(f: crate::validation::FieldErrors) -> Self {
        WebError::InvalidQuery(f.0.first().map_or("field-required", |e| e.key))
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            other => WebError::Internal(other.into()),
        }
    }
}

impl From<sea_orm::DbErr> for WebError {
    fn from(e: sea_orm::DbErr) -> Self {
        WebError::Internal(e.into())
    }
}

/// Marks a response whose body the error middleware must render.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker(pub ErrorKind);

/// Which error page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 403.
    Forbidden,
    /// 403 from the CSRF checks.
    Csrf,
    /// 404.
    NotFound,
    /// 413.
    TooLarge,
    /// 422 for a page beyond the deepest one served.
    PageTooDeep,
    /// 422 for an invalid list query; the key of the message.
    InvalidQuery(&'static str),
    /// 422 for text with control characters (the field travels as [`RefusedField`]).
    InvalidText,
    /// 409.
    Conflict,
    /// 500.
    Internal,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self {
            WebError::Unauthenticated => return Redirect::to("/login").into_response(),
            WebError::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            WebError::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            WebError::CsrfRejected => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            WebError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge),
            WebError::PageTooDeep(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::PageTooDeep),
            WebError::Conflict(text) => {
                tracing::info!(reason = %text, "change refused by the record's state");
                (StatusCode::CONFLICT, ErrorKind::Conflict)
            }
            WebError::InvalidQuery(key) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorKind::InvalidQuery(key),
            ),
            WebError::InvalidText(field) => {
                let mut response = StatusCode::UNPROCESSABLE_ENTITY.into_response();
                response
                    .extensions_mut()
                    .insert(ErrorMarker(ErrorKind::InvalidText));
                response
                    .extensions_mut()
                    .insert(RefusedField(field.clone()));
                return response;
            }
            WebError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorMarker(kind));
        response
    }
}

/// The field a text refusal names (printable, short: see `web::input`).
#[derive(Debug, Clone)]
pub struct RefusedField(pub String);

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    lang: Lang,
    status: u16,
    title: String,
    message: String,
    request_id: String,
}

impl ErrorPage {
    fn t(&self, key: &str) -> std::borrow::Cow<'static, str> {
        self.lang.t(key)
    }
}

/// Renders a marked error response (or the CSRF layer's bare 403) as a page in the
/// visitor's language; API errors keep their problem documents.
pub fn render_error_page(
    response: Response,
    lang: Lang,
    request_id: &str,
    is_api: bool,
) -> Response {
    let kind = match response.extensions().get::<ErrorMarker>() {
        Some(ErrorMarker(kind)) => *kind,
        None if response
            .extensions()
            .get::<tower_http::csrf::ProtectionError>()
            .is_some() =>
        {
            ErrorKind::Csrf
        }
        None => return response,
    };
    if is_api && kind != ErrorKind::Csrf {
        return response;
    }
    let (title, message) = match kind {
        ErrorKind::Forbidden => ("error-403-title", "error-403-body"),
        ErrorKind::Csrf => ("error-csrf-title", "error-csrf-body"),
        ErrorKind::NotFound => ("error-404-title", "error-404-body"),
        ErrorKind::TooLarge => ("error-413-title", "error-413-body"),
        ErrorKind::PageTooDeep => ("error-422-page-title", "error-422-page-body"),
        ErrorKind::InvalidQuery(key) => ("error-422-query-title", key),
        ErrorKind::InvalidText => ("error-422-text-title", "error-422-text-body"),
        ErrorKind::Conflict => ("error-409-title", "error-409-body"),
        ErrorKind::Internal => ("error-500-title", "error-500-body"),
    };
    let message = match response.extensions().get::<RefusedField>() {
        Some(RefusedField(field)) => lang.t_args(message, &[("field", field_label(lang, field))]),
        None => lang.t(message).into_owned(),
    };
    let status = response.status();
    let page = ErrorPage {
        lang,
        status: status.as_u16(),
        title: lang.t(title).into_owned(),
        message,
        request_id: request_id.to_owned(),
    };
    match page.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(_) => response,
    }
}

/// The label a user knows a form field by (`surnames` → "Apellidos"), found among the
/// catalogue's labels of the modules' forms; the field's own name when none matches.
fn field_label(lang: Lang, field: &str) -> String {
    let key = field.replace('_', "-");
    [
        "person",
        "vacancy",
        "employer",
        "office",
        "transfer",
        "user",
        "field-name",
    ]
    .iter()
    .map(|module| format!("{module}-{key}"))
    .find(|k| lang.has(k))
    .map(|k| lang.t(&k).into_owned())
    .unwrap_or_else(|| field.to_owned())
}

/// Fallback for unknown paths.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

impl WebError {
    /// The response as the panic handler needs it (a boxed-body response).
    pub fn into_response_boxed(self) -> Response {
        self.into_response()
    }
}
