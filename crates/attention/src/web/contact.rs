//! `/consultas`: the public consultation form (no login; five a minute per address).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use crate::error::AttentionError;
use crate::interactions::web_form::{self, ContactInput};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::Client;
use sipe_platform::web::form::Choice;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Consultations sent per minute and address.
pub struct ContactLimiter(sipe_platform::web::auth::LoginLimiter);

impl Default for ContactLimiter {
    fn default() -> Self {
        ContactLimiter(sipe_platform::web::auth::LoginLimiter::new(5))
    }
}

#[derive(askama::Template)]
#[template(path = "attention/contact.html")]
struct ContactPage {
    ctx: PageCtx,
    offices: Vec<Choice>,
    form: ContactInput,
    errors: FieldErrors,
    limited: bool,
    sent: bool,
}

async fn render(
    state: &AppState,
    ctx: PageCtx,
    form: ContactInput,
    errors: FieldErrors,
    limited: bool,
    sent: bool,
) -> Result<Response, WebError> {
    let offices = web_form::offices(&state.db)
        .await?
        .into_iter()
        .map(|o| Choice {
            selected: o.code == form.office,
            value: o.code,
            label: o.name,
        })
        .collect();
    let status = if limited {
        StatusCode::TOO_MANY_REQUESTS
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut page = page_with(
        status,
        ContactPage {
            ctx,
            offices,
            form,
            errors,
            limited,
            sent,
        },
    )?;
    if limited {
        page.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    }
    Ok(page)
}

/// `GET /consultas`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    render(
        &state,
        ctx,
        ContactInput::default(),
        FieldErrors::new(),
        false,
        false,
    )
    .await
}

/// `GET /consultas/enviada`: the thanks (no data: a reload sends nothing again).
pub async fn sent(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    render(
        &state,
        ctx,
        ContactInput::default(),
        FieldErrors::new(),
        false,
        true,
    )
    .await
}

/// `POST /consultas`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Form(form): Form<ContactInput>,
) -> Result<Response, WebError> {
    let allowed = match (state.extensions.get::<ContactLimiter>(), client.ip) {
        (Some(l), Some(ip)) => l.0.allow(ip),
        _ => true,
    };
    if !allowed {
        return render(&state, ctx, form, FieldErrors::new(), true, false).await;
    }
    match web_form::submit(&state.db, state.tz, &form).await {
        Ok(_) => Ok(Redirect::to("/consultas/enviada").into_response()),
        Err(AttentionError::Invalid(errors)) => {
            render(&state, ctx, form, errors, false, false).await
        }
        Err(e) => Err(e.into()),
    }
}
