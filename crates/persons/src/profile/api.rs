//! `/api/v1/persons/{id}/profile`, `/items`, `/situation` and `/interviews`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{interview, profile_item};
use crate::interview::InterviewInput;
use crate::profile::{self, ItemInput, SituationInput};
use crate::service;
use crate::store;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

/// A profile item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    /// Id.
    pub id: Uuid,
    /// `work`, `skill`, `language`, `licence`, `benefit`, `consent`, `desired`.
    pub kind: String,
    /// Occupation code, skill id, language, licence class, benefit or purpose.
    pub code: String,
    /// Label of the code.
    pub label: String,
    /// Level, legal basis or rank.
    pub level: Option<String>,
    /// Employer (work).
    pub employer: Option<String>,
    /// From.
    pub from_date: Option<chrono::NaiveDate>,
    /// To or expiry.
    pub to_date: Option<chrono::NaiveDate>,
    /// Tasks or detail.
    pub note: Option<String>,
}

impl From<profile_item::Model> for ItemDto {
    fn from(i: profile_item::Model) -> Self {
        Self {
            id: i.id,
            kind: i.kind,
            code: i.code,
            label: i.label,
            level: i.level,
            employer: i.employer,
            from_date: i.from_date,
            to_date: i.to_date,
            note: i.note,
        }
    }
}

/// The profile beyond identity: situation and items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    /// Disability, household, employment and availability.
    pub situation: SituationInput,
    /// Work history, skills, languages, licences, benefits, consents, desired occupations.
    pub items: Vec<ItemDto>,
}

async fn profile_of(state: &AppState, access: &Access, id: Uuid) -> Result<ProfileDto, ApiError> {
    let p = store::find_person(&state.db, access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = profile::items(&state.db, id).await?;
    Ok(ProfileDto {
        situation: profile::situation_of(&p),
        items: items.into_iter().map(Into::into).collect(),
    })
}

/// The person's profile (view scope; audited read).
#[utoipa::path(get, path = "/api/v1/persons/{id}/profile", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = ProfileDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_profile(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ProfileDto>, ApiError> {
    let profile = profile_of(&state, &access, id).await?;
    service::record_read(&state.reads, &ctx, PersonId(id)).await?;
    Ok(Json(profile))
}

/// Adds a profile item (capture scope).
#[utoipa::path(post, path = "/api/v1/persons/{id}/items", request_body = ItemInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = ItemDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_item(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ItemInput>,
) -> Result<(StatusCode, Json<ItemDto>), ApiError> {
    let item_id = profile::add_item(&state.db, &ctx, &access, state.tz, id, &input).await?;
    crate::handlers::reindex_now(&state, PersonId(id)).await;
    let item = profile::items(&state.db, id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// Removes a profile item (capture scope).
#[utoipa::path(delete, path = "/api/v1/persons/{id}/items/{item_id}",
    params(("id" = Uuid, Path, description = "Person id"), ("item_id" = Uuid, Path, description = "Item id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn delete_item(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path((id, item_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    profile::remove_item(&state.db, &ctx, &access, id, item_id).await?;
    crate::handlers::reindex_now(&state, PersonId(id)).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the situation fields (capture scope).
#[utoipa::path(put, path = "/api/v1/persons/{id}/situation", request_body = SituationInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = ProfileDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_situation(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<SituationInput>,
) -> Result<Json<ProfileDto>, ApiError> {
    profile::update_situation(&state.db, &ctx, &access, state.tz, id, &input).await?;
    crate::handlers::reindex_now(&state, PersonId(id)).await;
    Ok(Json(profile_of(&state, &access, id).await?))
}

/// An interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewDto {
    /// Id.
    pub id: Uuid,
    /// When (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// Interviewer.
    pub interviewer: String,
    /// Office id.
    pub office_id: Uuid,
    /// Situation code.
    pub situation: String,
    /// `full_time`, `part_time`, `any`.
    pub hours: String,
    /// Days (`mon`…`sun`).
    pub days: Vec<String>,
    /// Travel radius in km.
    pub travel_radius_km: Option<i32>,
    /// Barrier codes.
    pub barriers: Vec<String>,
    /// Counselor notes.
    pub notes: String,
}

impl From<interview::Model> for InterviewDto {
    fn from(i: interview::Model) -> Self {
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Self {
            id: i.id,
            at: i.at,
            interviewer: i.interviewer_name,
            office_id: i.office_id,
            days: split(&i.days),
            barriers: split(&i.barriers),
            situation: i.situation,
            hours: i.hours,
            travel_radius_km: i.travel_radius_km,
            notes: i.notes,
        }
    }
}

/// The person's interviews, newest first (view scope; audited read).
#[utoipa::path(get, path = "/api/v1/persons/{id}/interviews", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Page<InterviewDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_interviews(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Page<InterviewDto>>, ApiError> {
    service::read_person(&state.db, &state.reads, &ctx, &access, id).await?;
    let rows = crate::interview::list(&state.db, id).await?;
    Ok(Json(Page {
        total: rows.len() as u64,
        items: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Records an interview (capture scope): updates desired occupations and availability
/// and adds it to the timeline.
#[utoipa::path(post, path = "/api/v1/persons/{id}/interviews", request_body = InterviewInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = InterviewDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_interview(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<InterviewInput>,
) -> Result<(StatusCode, Json<InterviewDto>), ApiError> {
    let iid = crate::interview::record(&state.db, &ctx, &access, id, &input).await?;
    crate::handlers::reindex_now(&state, PersonId(id)).await;
    let row = crate::interview::find(&state.db, id, iid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
