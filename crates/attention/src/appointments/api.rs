//! `/api/v1`: an office's appointment slots and appointments; booking, cancelling and
//! checking in.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::service::{self, Appointment, Arrival, BookInput, Booker, Canceller, Slot};
use crate::tickets::Ticket;
use crate::tickets::service::Queue;
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

fn audit_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!(e.to_string()))
}

/// A day, `YYYY-MM-DD` (default: today in the deployment's zone).
pub fn day(state: &AppState, raw: Option<&str>) -> Result<chrono::NaiveDate, FieldErrors> {
    match raw.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(crate::tickets::service::today(state)),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=2199).contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| FieldErrors::one("day", "attention-day-invalid")),
    }
}

/// The slots asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SlotsQuery {
    /// The service (default: every service of the office that takes appointments).
    pub service_id: Option<Uuid>,
    /// `YYYY-MM-DD` (default today).
    pub day: Option<String>,
}

/// A service's slots of a day still ahead, with the places left (view scope).
#[utoipa::path(get, path = "/api/v1/offices/{code}/appointment-slots",
    params(("code" = String, Path, description = "Office code"), SlotsQuery),
    responses((status = 200, body = Page<Slot>), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn slots(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(code): Path<String>,
    Query(q): Query<SlotsQuery>,
) -> Result<Json<Page<Slot>>, ApiError> {
    let day = day(&state, q.day.as_deref())?;
    let office = crate::desk::store::office_in(&state.db, &access, ScopeKind::View, &code).await?;
    let services = match q.service_id {
        Some(id) => vec![service::bookable_service(&state.db, office.id, id, false).await?],
        None => service::bookable_services(&state.db, office.id, false).await?,
    };
    let now = chrono::Utc::now();
    let mut items = Vec::new();
    for svc in &services {
        items.extend(service::slots(&state.db, state.tz, svc, day, now).await?);
    }
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// The day asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DayQuery {
    /// `YYYY-MM-DD` (default today).
    pub day: Option<String>,
}

/// An office's appointments of a day, by time (view scope; audited).
#[utoipa::path(get, path = "/api/v1/offices/{code}/appointments",
    params(("code" = String, Path, description = "Office code"), DayQuery),
    responses((status = 200, body = Page<Appointment>), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Json<Page<Appointment>>, ApiError> {
    let day = day(&state, q.day.as_deref())?;
    let service::Day {
        office,
        items,
        total,
    } = service::of_day(&state.db, &access, &code, day).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "attention.appointments.list",
        &format!("/api/v1/offices/{}/appointments?day={day}", office.code),
        items.iter().filter_map(|a| a.person_id.map(PersonId)),
    )
    .await
    .map_err(audit_failed)?;
    // More than a list holds: `total` says how many were left out.
    Ok(Json(Page { total, items }))
}

/// A booked appointment and its link (for the person: shown once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookedDto {
    /// The appointment.
    #[serde(flatten)]
    pub appointment: Appointment,
    /// The page where the person sees its QR and may cancel it.
    pub link: String,
}

/// Books an appointment in a free slot (capture scope); the person gets an SMS with
/// the link when a phone is given.
#[utoipa::path(post, path = "/api/v1/offices/{code}/appointments", request_body = BookInput,
    params(("code" = String, Path, description = "Office code")),
    responses((status = 201, body = BookedDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn book(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<BookInput>,
) -> Result<(StatusCode, Json<BookedDto>), ApiError> {
    let booked = service::book(
        &Queue::of(&state),
        &ctx,
        Booker::Staff(&access),
        &code,
        &input,
        &state.base_url,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(BookedDto {
            link: format!("{}/citas/{}", state.base_url, booked.secret),
            appointment: booked.appointment,
        }),
    ))
}

/// One appointment (view scope of its office; audited when it names a person).
#[utoipa::path(get, path = "/api/v1/appointments/{id}",
    params(("id" = Uuid, Path, description = "Appointment id")),
    responses((status = 200, body = Appointment), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Appointment>, ApiError> {
    let (a, office, svc) = service::find(&state.db, &access, ScopeKind::View, id).await?;
    if let Some(p) = a.person_id {
        sipe_persons::service::record_read(&state.reads, &ctx, PersonId(p))
            .await
            .map_err(audit_failed)?;
    }
    Ok(Json(Appointment::of(a, &office.code, &svc.name)))
}

/// Cancels a booked appointment (capture scope); its place is free again.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel",
    params(("id" = Uuid, Path, description = "Appointment id")),
    responses((status = 200, body = Appointment), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Appointment>, ApiError> {
    Ok(Json(
        service::cancel(&Queue::of(&state), &ctx, Canceller::Staff(&access, id)).await?,
    ))
}

/// Checks the person in at reception (capture scope, the appointment's day): their
/// ticket enters the queue with the appointment's priority.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/check-in",
    params(("id" = Uuid, Path, description = "Appointment id")),
    responses((status = 201, body = Ticket), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn check_in(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let t = service::check_in(&Queue::of(&state), &ctx, Arrival::Staff(&access, id)).await?;
    Ok((StatusCode::CREATED, Json(t)))
}
