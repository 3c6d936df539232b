//! The one middleware every request passes through, in this order: who is calling
//! (session cookie or bearer token), the cleaning of every text input (`input`), the
//! form-token check, the handler, then the error page, the one-shot message, the
//! security headers and the metrics.
//!
//! One function instead of a stack of `from_fn` layers: each layer costs allocations on
//! every request, and the order of these steps is easier to read in one place.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::metrics;
use super::routes::RouteSlot;
use super::{AppState, auth, cookies, error, input, page, security};
use crate::i18n::Lang;

/// Cookies sipe reads, parsed once.
#[derive(Default)]
struct Cookies<'a> {
    session: Option<&'a str>,
    lang: Option<&'a str>,
    flash: bool,
}

fn parse_cookies(header: &str) -> Cookies<'_> {
    let mut out = Cookies::default();
    for pair in header.split(';') {
        let Some((name, value)) = pair.trim().split_once('=') else {
            continue;
        };
        match name {
            cookies::SESSION => out.session = Some(value),
            cookies::LANG => out.lang = Some(value),
            cookies::FLASH => out.flash = true,
            _ => {}
        }
    }
    out
}

/// See the module documentation.
pub async fn pipeline(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let Some(method) = metrics::method_label(req.method()) else {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        security::apply(response.headers_mut(), state.secure_cookies());
        metrics::record(
            "unmatched",
            metrics::OTHER_METHOD,
            response.status(),
            start.elapsed(),
        );
        return response;
    };
    auth::insert_client_ip(&state, &mut req);
    let is_api = req.uri().path().starts_with("/api/");
    // Header values are reference-counted: these clones copy no bytes.
    let request_id = req.headers().get("x-request-id").cloned();
    let cookie_header = req.headers().get(header::COOKIE).cloned();
    let jar = cookie_header
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .map(parse_cookies)
        .unwrap_or_default();
    let lang = jar.lang.and_then(Lang::parse).unwrap_or_default();

    let resolved = if is_api {
        crate::api::resolve_bearer(&state, &mut req).await
    } else if let Some(session) = jar.session {
        auth::resolve_session(&state, session, &mut req).await
    } else {
        Ok(())
    };
    let slot = RouteSlot::default();
    req.extensions_mut().insert(slot.clone());
    let response = match resolved {
        Err(response) => response,
        Ok(()) => match input::clean_request(req, is_api).await {
            Err(response) => response,
            Ok(req) => match auth::check_form_token(req).await {
                Ok(req) => next.run(req).await,
                Err(response) => response,
            },
        },
    };

    let request_id = request_id
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let mut response = error::render_error_page(response, lang, request_id, is_api);
    if is_api {
        response = crate::api::problem_for_bare_errors(response).await;
    }
    if jar.flash {
        response = page::clear_flash(response);
    }
    security::apply(response.headers_mut(), state.secure_cookies());
    let route = slot.0.get().copied().unwrap_or("unmatched");
    metrics::record(route, method, response.status(), start.elapsed());
    response
}

/// The outermost error step: answers produced outside [`pipeline`] (a panic, a timeout,
/// a body over the limit, the cross-site check, an unknown method) become the same
/// error page or problem document as every other error, with the security headers.
pub async fn finish_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    // Reference-counted header values: nothing is parsed unless the answer is an error.
    let request_id = req.headers().get("x-request-id").cloned();
    let cookie = req.headers().get(header::COOKIE).cloned();
    let response = next.run(req).await;
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let lang = cookie
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .and_then(|h| parse_cookies(h).lang.and_then(Lang::parse))
        .unwrap_or_default();
    let request_id = request_id
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let mut response = if is_api {
        crate::api::problem_for_bare_errors(response).await
    } else {
        error::render_error_page(response, lang, request_id, false)
    };
    security::apply(response.headers_mut(), state.secure_cookies());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let c = parse_cookies("a=1; sipe_session=abc; sipe_lang=en; sipe_flash=success:x");
        assert_eq!(c.session, Some("abc"));
        assert_eq!(c.lang, Some("en"));
        assert!(c.flash);
        let c = parse_cookies("");
        assert!(c.session.is_none() && !c.flash);
    }
}
