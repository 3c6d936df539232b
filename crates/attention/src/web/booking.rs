//! The public side of appointments, without login: booking one on the web
//! (`/offices/{code}/citas`: a service and a day, then a free slot, the document and a
//! mobile), its page (`/citas/{secret}`: when and where, the QR to check in at the
//! kiosk, cancelling), and the kiosk's check-in (`/offices/{code}/kiosk/cita`: its
//! scanner types what the QR holds, or the person types their document). Booking and
//! check-in count against the kiosk's limit per address.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::public::{KioskLimiter, qr_svg};
use crate::appointments::AppointmentStatus;
use crate::appointments::service::{
    self as appointments, Arrival, BookInput, Booker, Canceller, Slot,
};
use crate::display::public_office;
use crate::entity::{appointment, service};
use crate::error::AttentionError;
use crate::tickets::service::Queue;
use sea_orm::EntityTrait;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Client, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Whether the address may take one more public action this minute.
fn allowed(state: &AppState, client: &Client) -> bool {
    match (state.extensions.get::<KioskLimiter>(), client.ip) {
        (Some(l), Some(ip)) => l.0.allow(ip),
        _ => true,
    }
}

/// Adds `Retry-After` to a page refused by the limit.
fn retry_later(mut page: Response) -> Response {
    page.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    page
}

/// What the booking form sends (the GET step: service and day; the POST: the rest).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BookingForm {
    service_id: String,
    day: String,
    starts_at: String,
    document: String,
    phone: String,
    /// Set by the first step's button: its fields are checked even when empty.
    step: String,
}

#[derive(askama::Template)]
#[template(path = "attention/booking.html")]
struct BookingPage {
    ctx: PageCtx,
    office: office::Model,
    services: Vec<Choice>,
    /// The service and day chosen, valid: their free slots are offered.
    chosen: bool,
    slots: Vec<Choice>,
    form: BookingForm,
    errors: FieldErrors,
    /// The day input's bounds.
    day_attrs: String,
    limited: bool,
}

/// The free slots of a day as options ("10:30 · 2 lugares").
pub fn slot_choices(ctx: &PageCtx, slots: &[Slot], current: &str) -> Vec<Choice> {
    slots
        .iter()
        .filter(|s| s.free > 0)
        .map(|s| {
            let value = s.starts_at.to_rfc3339();
            Choice {
                label: ctx.lang.t_args(
                    "attention-slot-option",
                    &[
                        (
                            "time",
                            s.starts_at
                                .with_timezone(&ctx.tz)
                                .format("%H:%M")
                                .to_string(),
                        ),
                        ("free", s.free.to_string()),
                    ],
                ),
                selected: value == current,
                value,
            }
        })
        .collect()
}

/// The services of an office that take appointments, as options.
pub fn service_choices(services: &[service::Model], current: &str) -> Vec<Choice> {
    services
        .iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} · {}", s.prefix, s.name),
            selected: s.id.to_string() == current,
        })
        .collect()
}

async fn booking_page(
    state: &AppState,
    ctx: PageCtx,
    code: &str,
    form: BookingForm,
    mut errors: FieldErrors,
    limited: bool,
) -> Result<Response, WebError> {
    let office = public_office(&state.db, code).await?;
    let services = appointments::bookable_services(&state.db, office.id, true).await?;
    let today = crate::tickets::service::today(state);
    let mut slots = Vec::new();
    let mut chosen = false;
    if !form.step.is_empty() || !form.service_id.is_empty() || !form.day.is_empty() {
        let svc = Uuid::parse_str(form.service_id.trim())
            .ok()
            .and_then(|id| services.iter().find(|s| s.id == id));
        let day = if form.day.trim().is_empty() {
            Err(FieldErrors::one("day", "attention-day-required"))
        } else {
            crate::appointments::api::day(state, Some(&form.day)).and_then(|d| {
                if d < today {
                    Err(FieldErrors::one("day", "attention-day-past"))
                } else if d > today
                    + chrono::Duration::days(crate::appointments::domain::DAYS_AHEAD)
                {
                    Err(FieldErrors::one("day", "attention-day-too-far"))
                } else {
                    Ok(d)
                }
            })
        };
        if let Err(e) = &day {
            errors.0.extend(e.0.clone());
        }
        match (svc, day) {
            (Some(svc), Ok(day)) => {
                let found = appointments::slots(&state.db, state.tz, svc, day, Utc::now()).await?;
                slots = slot_choices(&ctx, &found, &form.starts_at);
                chosen = true;
                if slots.is_empty() && !errors.has("starts_at") {
                    errors.add("day", "attention-slots-none");
                    chosen = false;
                }
            }
            (None, _) => errors.add("service_id", "attention-service-no-appointments"),
            (_, Err(_)) => {}
        }
    }
    let status = if limited {
        StatusCode::TOO_MANY_REQUESTS
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        BookingPage {
            services: service_choices(&services, &form.service_id),
            ctx,
            office,
            chosen,
            slots,
            form,
            errors,
            day_attrs: format!(
                "min=\"{today}\" max=\"{}\" data-testid=\"booking-day\"",
                today + chrono::Duration::days(crate::appointments::domain::DAYS_AHEAD)
            ),
            limited,
        },
    )
}

/// `GET /offices/{code}/citas`: choose a service and a day, then a slot.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    Query(form): Query<BookingForm>,
) -> Result<Response, WebError> {
    booking_page(&state, ctx, &code, form, FieldErrors::new(), false).await
}

/// `POST /offices/{code}/citas`: books and shows the appointment's page.
pub async fn book(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<BookingForm>,
) -> Result<Response, WebError> {
    if !allowed(&state, &client) {
        let page = booking_page(&state, ctx, &code, form, FieldErrors::new(), true).await?;
        return Ok(retry_later(page));
    }
    let input = BookInput {
        service_id: Uuid::parse_str(form.service_id.trim()).ok(),
        starts_at: DateTime::parse_from_rfc3339(form.starts_at.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        document: Some(form.document.clone()),
        phone: Some(form.phone.clone()),
        person_id: None,
    };
    match appointments::book(
        &Queue::of(&state),
        &audit,
        Booker::Web,
        &code,
        &input,
        &state.base_url,
    )
    .await
    {
        Ok(b) => Ok(Redirect::to(&format!("/citas/{}", b.secret)).into_response()),
        Err(AttentionError::Invalid(errors)) => {
            booking_page(&state, ctx, &code, form, errors, false).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "attention/appointment_public.html")]
struct AppointmentPage {
    ctx: PageCtx,
    a: appointment::Model,
    status: AppointmentStatus,
    office: office::Model,
    service: String,
    when: String,
    document: String,
    secret: String,
    qr: String,
    /// Its time is still ahead: it may be cancelled.
    ahead: bool,
}

impl AppointmentPage {
    fn status_label(&self) -> String {
        self.ctx
            .t(format!(
                "attention-appointment-status-{}",
                self.status.as_str().replace('_', "-")
            ))
            .into_owned()
    }
}

/// `GET /citas/{secret}`: the appointment, its QR and a cancel button.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let a = appointments::by_secret(&state.db, &secret)
        .await?
        .ok_or(WebError::NotFound)?;
    let office = sipe_platform::territory::store::office_by_id(
        &state.db,
        sipe_platform::ids::OfficeId(a.office_id),
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let service = service::Entity::find_by_id(a.service_id)
        .one(&state.db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let link = format!("{}/citas/{}", state.base_url, secret);
    page_with(
        StatusCode::OK,
        AppointmentPage {
            status: AppointmentStatus::parse(&a.status).unwrap_or(AppointmentStatus::Booked),
            when: appointments::when(ctx.lang, state.tz, a.starts_at),
            // Enough to recognise it, not to read it off a shared screen.
            document: mask(&a.document),
            qr: qr_svg(&link),
            ahead: a.starts_at > Utc::now(),
            ctx,
            office,
            service,
            secret,
            a,
        },
    )
}

/// `12345678` → `•••••678`.
fn mask(document: &str) -> String {
    let n = document.chars().count();
    document
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 3 < n { '•' } else { c })
        .collect()
}

/// `POST /citas/{secret}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let back = format!("/citas/{secret}");
    match appointments::cancel(&Queue::of(&state), &audit, Canceller::Link(&secret)).await {
        Ok(_) => Ok(sipe_platform::web::page::redirect_with_flash(
            &back,
            "success",
            "attention-appointment-cancelled",
        )),
        Err(AttentionError::Conflict(key)) => Ok(sipe_platform::web::page::redirect_with_flash(
            &back, "error", key,
        )),
        Err(e) => Err(e.into()),
    }
}

/// What the kiosk's check-in sends: the scanner's text or the document typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CheckInForm {
    code: String,
}

#[derive(askama::Template)]
#[template(path = "attention/checkin.html")]
struct CheckInPage {
    ctx: PageCtx,
    office: office::Model,
    form: CheckInForm,
    errors: FieldErrors,
    limited: bool,
}

async fn check_in_page(
    state: &AppState,
    ctx: PageCtx,
    code: &str,
    form: CheckInForm,
    errors: FieldErrors,
    limited: bool,
) -> Result<Response, WebError> {
    let office = public_office(&state.db, code).await?;
    let status = if limited {
        StatusCode::TOO_MANY_REQUESTS
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        CheckInPage {
            ctx,
            office,
            form,
            errors,
            limited,
        },
    )
}

/// `GET /offices/{code}/kiosk/cita`: scan the appointment's QR or type the document.
pub async fn check_in_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    check_in_page(
        &state,
        ctx,
        &code,
        CheckInForm::default(),
        FieldErrors::new(),
        false,
    )
    .await
}

/// `POST /offices/{code}/kiosk/cita`: checks in and shows the ticket.
pub async fn check_in(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<CheckInForm>,
) -> Result<Response, WebError> {
    if !allowed(&state, &client) {
        let page = check_in_page(&state, ctx, &code, form, FieldErrors::new(), true).await?;
        return Ok(retry_later(page));
    }
    let arrival = Arrival::Kiosk {
        office_code: &code,
        code: &form.code,
    };
    match appointments::check_in(&Queue::of(&state), &audit, arrival).await {
        Ok(t) => Ok(Redirect::to(&format!("/turnos/{}?kiosco=1", t.id)).into_response()),
        Err(AttentionError::Invalid(errors)) => {
            // The code is a secret: never shown back.
            let form = CheckInForm::default();
            check_in_page(&state, ctx, &code, form, errors, false).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn documents_are_masked_but_their_last_digits() {
        assert_eq!(super::mask("12345678"), "•••••678");
        assert_eq!(super::mask("123"), "123");
    }
}
