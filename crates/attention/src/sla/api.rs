//! `/api/v1`: the SLA targets, the holidays and an office's opening hours.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::service::{self, DayHours, HolidayInput, TargetInput};
use super::store;
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

/// A target as the API shows it ('' is any).
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    /// Id.
    pub id: Uuid,
    /// Channel code, or ''.
    pub channel: String,
    /// Topic code, or ''.
    pub topic: String,
    /// Business minutes to the first answer.
    pub first_response_minutes: i32,
    /// Business minutes to the resolution.
    pub resolution_minutes: i32,
}

/// The SLA targets, most specific first.
#[utoipa::path(get, path = "/api/v1/sla-targets", responses((status = 200, body = Page<TargetDto>)))]
pub async fn targets(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
) -> Result<Json<Page<TargetDto>>, ApiError> {
    let items: Vec<TargetDto> = store::targets(&state.db)
        .await?
        .into_iter()
        .map(|t| TargetDto {
            id: t.id,
            channel: t.channel,
            topic: t.topic_code,
            first_response_minutes: t.first_response_minutes,
            resolution_minutes: t.resolution_minutes,
        })
        .collect();
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// The id of what was saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    /// Id.
    pub id: Uuid,
}

/// Sets the target of a channel and topic (business minutes, whole numbers).
#[utoipa::path(put, path = "/api/v1/sla-targets", request_body = TargetInput,
    responses((status = 200, body = Saved), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn save_target(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<Json<Saved>, ApiError> {
    let id = service::save_target(&state.db, &ctx, &input).await?;
    Ok(Json(Saved { id }))
}

/// Removes a target (not the one for any channel and topic: 409).
#[utoipa::path(delete, path = "/api/v1/sla-targets/{id}",
    params(("id" = Uuid, Path, description = "Target id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn delete_target(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    service::delete_target(&state.db, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A holiday.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayDto {
    /// The day.
    pub day: chrono::NaiveDate,
    /// Its name.
    pub name: String,
}

/// The holidays from a year ago on.
#[utoipa::path(get, path = "/api/v1/holidays", responses((status = 200, body = Page<HolidayDto>)))]
pub async fn holidays(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
) -> Result<Json<Page<HolidayDto>>, ApiError> {
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(366);
    let items: Vec<HolidayDto> = store::holidays_from(&state.db, from)
        .await?
        .into_iter()
        .map(|h| HolidayDto {
            day: h.day,
            name: h.name,
        })
        .collect();
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// Adds a holiday (or renames the day's).
#[utoipa::path(post, path = "/api/v1/holidays", request_body = HolidayInput,
    responses((status = 201, body = HolidayDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn add_holiday(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<HolidayInput>,
) -> Result<(StatusCode, Json<HolidayDto>), ApiError> {
    let day = service::save_holiday(&state.db, &ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(HolidayDto {
            day,
            name: input.name.trim().to_owned(),
        }),
    ))
}

/// Removes a holiday.
#[utoipa::path(delete, path = "/api/v1/holidays/{day}",
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn delete_holiday(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
    Ctx(ctx): Ctx,
    Path(day): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::delete_holiday(&state.db, &ctx, &day).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An office's week: each weekday's hours, Monday first (`null`: closed).
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekDto {
    /// Seven entries, Monday first.
    pub days: Vec<Option<HoursDto>>,
    /// False when the office keeps the default week.
    pub set: bool,
}

/// One open day.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoursDto {
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`.
    pub closes: String,
}

/// An office's opening hours (view scope), which its consultations' SLAs count.
#[utoipa::path(get, path = "/api/v1/offices/{code}/hours",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = WeekDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn hours(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(code): Path<String>,
) -> Result<Json<WeekDto>, ApiError> {
    let office = crate::desk::store::office_in(&state.db, &access, ScopeKind::View, &code).await?;
    let (week, set) = store::week_of(&state.db, office.id).await?;
    Ok(Json(WeekDto {
        days: week
            .into_iter()
            .map(|d| d.map(|(opens, closes)| HoursDto { opens, closes }))
            .collect(),
        set,
    }))
}

/// A week's hours to set.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WeekInput {
    /// The open days (`weekday` 0 Monday ... 6 Sunday); days left out are closed.
    pub days: Vec<DayHours>,
}

/// Sets an office's opening hours (capture scope).
#[utoipa::path(put, path = "/api/v1/offices/{code}/hours", request_body = WeekInput,
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = WeekDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn set_hours(
    state: State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<WeekInput>,
) -> Result<Json<WeekDto>, ApiError> {
    service::set_hours(&state.db, &ctx, &access, &code, &input.days).await?;
    hours(state, ApiAccess(access), Path(code)).await
}
