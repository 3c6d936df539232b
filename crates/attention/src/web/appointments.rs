//! Staff's side of appointments: an office's day of appointments (by time, with their
//! status and ticket), booking one for a person (the link to give them is shown once),
//! checking one in at reception and cancelling one.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::booking::{service_choices, slot_choices};
use crate::appointments::service::{self as appointments, Arrival, BookInput, Booker, Canceller};
use crate::appointments::{Appointment, AppointmentStatus};
use crate::error::AttentionError;
use crate::tickets::service::Queue;
use sipe_platform::access::Permission;
use sipe_platform::ids::PersonId;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The day shown and the booking form's first step.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DayForm {
    day: String,
    service_id: String,
    person_id: String,
}

/// What the booking form sends.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BookForm {
    day: String,
    service_id: String,
    starts_at: String,
    document: String,
    phone: String,
    person_id: String,
}

#[derive(askama::Template)]
#[template(path = "attention/appointments.html")]
struct AppointmentsPage {
    ctx: PageCtx,
    office: office::Model,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
    items: Vec<Appointment>,
    /// Appointments of the day past the list's limit.
    left_out: u64,
    can_book: bool,
    services: Vec<Choice>,
    slots: Vec<Choice>,
    form: BookForm,
    errors: FieldErrors,
    /// The link of the appointment just booked, to give the person.
    link: Option<String>,
}

impl AppointmentsPage {
    fn status_label(&self, s: &AppointmentStatus) -> String {
        self.ctx
            .t(format!(
                "attention-appointment-staff-status-{}",
                s.as_str().replace('_', "-")
            ))
            .into_owned()
    }

    fn left_out_text(&self) -> String {
        self.ctx.lang.t_args(
            "attention-appointments-left-out",
            &[("n", self.left_out.to_string())],
        )
    }

    /// What became of a checked-in appointment's ticket: "A-005 · Ausente".
    fn ticket_label(&self, a: &Appointment) -> String {
        let status = a
            .ticket_status
            .as_deref()
            .and_then(crate::tickets::TicketStatus::parse)
            .map(|s| self.ctx.t(s.label_key()).into_owned());
        match (&a.ticket_number, status) {
            (Some(n), Some(s)) => format!("{n} · {s}"),
            (Some(n), None) => n.clone(),
            _ => String::new(),
        }
    }

    fn hour(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&self.ctx.tz).format("%H:%M").to_string()
    }

    fn day_href(&self, days: i64) -> String {
        format!(
            "/attention/offices/{}/appointments?day={}",
            self.office.code,
            self.day + chrono::Duration::days(days)
        )
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    code: &str,
    form: BookForm,
    errors: FieldErrors,
    link: Option<String>,
    audit: &sipe_platform::audit::AuditCtx,
) -> Result<Response, WebError> {
    let access = &user.access;
    let day = match crate::appointments::api::day(state, Some(&form.day)) {
        Ok(d) => d,
        Err(e) => return Err(AttentionError::Invalid(e).into()),
    };
    let appointments::Day {
        office,
        items,
        total,
    } = appointments::of_day(&state.db, access, code, day).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        audit,
        "attention.appointments.list",
        &format!("/attention/offices/{}/appointments?day={day}", office.code),
        items.iter().filter_map(|a| a.person_id.map(PersonId)),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let can_book = access.can(Permission::Attend) && access.capture.includes_path(&office.path);
    let bookable = appointments::bookable_services(&state.db, office.id, false).await?;
    let mut slots = Vec::new();
    if let Some(svc) = Uuid::parse_str(form.service_id.trim())
        .ok()
        .and_then(|id| bookable.iter().find(|s| s.id == id))
    {
        let found = appointments::slots(&state.db, state.tz, svc, day, Utc::now()).await?;
        slots = slot_choices(&ctx, &found, &form.starts_at);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        AppointmentsPage {
            services: service_choices(&bookable, &form.service_id),
            today: crate::tickets::service::today(state),
            ctx,
            office,
            day,
            left_out: total.saturating_sub(items.len() as u64),
            items,
            can_book,
            slots,
            form,
            errors,
            link,
        },
    )
}

/// `GET /attention/offices/{code}/appointments?day=`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Query(q): Query<DayForm>,
) -> Result<Response, WebError> {
    let form = BookForm {
        day: q.day,
        service_id: q.service_id,
        person_id: q.person_id,
        ..Default::default()
    };
    render(
        &state,
        ctx,
        &user,
        &code,
        form,
        FieldErrors::new(),
        None,
        &audit,
    )
    .await
}

/// `POST /attention/offices/{code}/appointments`: books, and shows the link once.
pub async fn book(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<BookForm>,
) -> Result<Response, WebError> {
    let input = BookInput {
        service_id: Uuid::parse_str(form.service_id.trim()).ok(),
        starts_at: DateTime::parse_from_rfc3339(form.starts_at.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        document: Some(form.document.clone()),
        phone: Some(form.phone.clone()),
        person_id: Uuid::parse_str(form.person_id.trim()).ok(),
    };
    match appointments::book(
        &Queue::of(&state),
        &audit,
        Booker::Staff(&user.access),
        &code,
        &input,
        &state.base_url,
    )
    .await
    {
        Ok(b) => {
            let link = format!("{}/citas/{}", state.base_url, b.secret);
            let form = BookForm {
                day: b.appointment.day.to_string(),
                ..Default::default()
            };
            render(
                &state,
                ctx,
                &user,
                &code,
                form,
                FieldErrors::new(),
                Some(link),
                &audit,
            )
            .await
        }
        Err(AttentionError::Invalid(errors)) => {
            render(&state, ctx, &user, &code, form, errors, None, &audit).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Where an action on an appointment returns.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Back {
    back: String,
}

impl Back {
    /// Only a page of this module's appointments (no open redirect).
    fn to(&self) -> String {
        if self.back.starts_with("/attention/offices/")
            && !self.back.contains("//")
            && self.back.len() < 200
            && !self.back.chars().any(char::is_control)
        {
            self.back.clone()
        } else {
            "/attention".to_owned()
        }
    }
}

/// `POST /attention/appointments/{id}/check-in`: reception checks the person in.
pub async fn check_in(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(back): Form<Back>,
) -> Result<Response, WebError> {
    let to = back.to();
    match appointments::check_in(&Queue::of(&state), &audit, Arrival::Staff(&user.access, id)).await
    {
        Ok(_) => Ok(redirect_with_flash(
            &to,
            "success",
            "attention-appointment-checked-in",
        )),
        Err(AttentionError::Invalid(e)) => {
            let key = e.0.first().map_or("form-has-errors", |f| f.key);
            Ok(redirect_with_flash(&to, "error", key))
        }
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&to, "error", key)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/appointments/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(back): Form<Back>,
) -> Result<Response, WebError> {
    let to = back.to();
    match appointments::cancel(
        &Queue::of(&state),
        &audit,
        Canceller::Staff(&user.access, id),
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &to,
            "success",
            "attention-appointment-cancelled",
        )),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&to, "error", key)),
        Err(e) => Err(e.into()),
    }
}
