//! `/api/v1/referrals`, the referral lists of vacancies and people, and the follow-ups.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::entity::{follow_up, placement, referral, referral_event};
use super::service::{self, FollowUpInput, RecordError, ReferralInput, TransitionInput};
use super::store::{self, FollowUpRow, ReferralFilter, ReferralRow, SORTS};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// A referral as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDto {
    /// Id.
    pub id: Uuid,
    /// Short human code (office, year, sequence), as printed on the letter.
    pub code: Option<String>,
    /// The vacancy.
    pub vacancy_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// The vacancy's office.
    pub office_id: Uuid,
    /// `proposed`, `sent`, `interview_scheduled`, `hired`, `rejected`, `withdrawn`,
    /// `no_show`, `obsolete`.
    pub state: String,
    /// `referred` (the office proposed the person) or `applied` (the person asked).
    pub origin: String,
    /// Coded reason of a rejection (or `hired_by_another` when obsolete).
    pub reason: Option<String>,
    /// Words of an `other` reason.
    pub reason_text: Option<String>,
    /// Interview date and time.
    pub interview_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Note the employer may read.
    pub employer_note: Option<String>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Transitions, oldest first (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<TransitionDto>>,
    /// The placement, once hired (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<PlacementDto>,
}

impl From<referral::Model> for ReferralDto {
    fn from(r: referral::Model) -> Self {
        Self {
            id: r.id,
            code: r.code,
            vacancy_id: r.vacancy_id,
            person_id: r.person_id,
            office_id: r.office_id,
            state: r.state,
            origin: r.origin,
            reason: r.reason,
            reason_text: r.reason_text,
            interview_at: r.interview_at,
            employer_note: r.employer_note,
            created_at: r.created_at,
            updated_at: r.updated_at,
            history: None,
            placement: None,
        }
    }
}

/// One transition.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionDto {
    /// Before (empty for the creation).
    pub from_state: Option<String>,
    /// After.
    pub to_state: String,
    /// Reason.
    pub reason: Option<String>,
    /// Internal note.
    pub internal_note: Option<String>,
    /// Note for the employer.
    pub employer_note: Option<String>,
    /// Who.
    pub actor_name: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<referral_event::Model> for TransitionDto {
    fn from(e: referral_event::Model) -> Self {
        Self {
            from_state: e.from_state,
            to_state: e.to_state,
            reason: e.reason,
            internal_note: e.internal_note,
            employer_note: e.employer_note,
            actor_name: e.actor_name,
            at: e.at,
        }
    }
}

/// A placement and its follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementDto {
    /// Id.
    pub id: Uuid,
    /// First day of work.
    pub start_date: chrono::NaiveDate,
    /// Contract type.
    pub contract_type: Option<String>,
    /// Hours per week.
    pub weekly_hours: Option<i32>,
    /// Monthly gross salary.
    pub salary: Option<i64>,
    /// Follow-ups at 3, 6 and 12 months: (months, due date, done?).
    pub follow_ups: Vec<FollowUpDto>,
}

/// A scheduled follow-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    /// 3, 6 or 12.
    pub months: i32,
    /// Due date.
    pub due_on: chrono::NaiveDate,
    /// Done.
    pub done: bool,
    /// Still employed, when done.
    pub still_employed: Option<bool>,
}

fn placement_dto((p, f): (placement::Model, Vec<follow_up::Model>)) -> PlacementDto {
    PlacementDto {
        id: p.id,
        start_date: p.start_date,
        contract_type: p.contract_type,
        weekly_hours: p.weekly_hours,
        salary: p.salary,
        follow_ups: f
            .into_iter()
            .map(|f| FollowUpDto {
                months: f.months,
                due_on: f.due_on,
                done: f.done_at.is_some(),
                still_employed: f.still_employed,
            })
            .collect(),
    }
}

/// Referral lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralsDto {
    /// Newest first.
    pub items: Vec<ReferralDto>,
}

async fn detail(state: &AppState, access: &Access, id: Uuid) -> Result<ReferralDto, ApiError> {
    let r = service::visible(&state.db, access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let history = super::store::events(&state.db, id).await?;
    let placement = super::store::placement_of(&state.db, id).await?;
    Ok(ReferralDto {
        history: Some(history.into_iter().map(Into::into).collect()),
        placement: placement.map(placement_dto),
        ..r.into()
    })
}

/// Refers a person (in the caller's search scope) to an open vacancy.
#[utoipa::path(post, path = "/api/v1/referrals", request_body = ReferralInput,
    responses((status = 201, body = ReferralDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_referral(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<ReferralInput>,
) -> Result<(StatusCode, Json<ReferralDto>), ApiError> {
    let id = service::refer(&state.db, &ctx, &access, &input).await?;
    if let Some(person) = input.person_id {
        sipe_persons::handlers::reindex_now(&state, PersonId(person)).await;
    }
    Ok((
        StatusCode::CREATED,
        Json(detail(&state, &access, id).await?),
    ))
}

/// One referral with its history and placement.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_referral(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ReferralDto>, ApiError> {
    let dto = detail(&state, &access, id).await?;
    super::record_shown(
        &state,
        &ctx,
        "referral.view",
        std::iter::once(PersonId(dto.person_id)),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(dto))
}

/// Moves a referral (`to` plus what the state needs: `reason` to reject, `interview_at`
/// to schedule, `start_date` to hire). A hire makes the person's other open referrals
/// obsolete. 409 when the move is not allowed.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/transitions", request_body = TransitionInput,
    params(("id" = Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> Result<Json<ReferralDto>, ApiError> {
    service::transition(&state.db, &ctx, &access, state.tz, id, &input).await?;
    let dto = detail(&state, &access, id).await?;
    sipe_persons::handlers::reindex_now(&state, PersonId(dto.person_id)).await;
    Ok(Json(dto))
}

/// Referrals of a vacancy the caller may see.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/referrals", params(("id" = Uuid, Path, description = "Vacancy id")),
    responses((status = 200, body = ReferralsDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn vacancy_referrals(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ReferralsDto>, ApiError> {
    crate::vacancies::store::find_vacancy(&state.db, &access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = super::store::of_vacancy(&state.db, id).await?;
    super::record_shown(
        &state,
        &ctx,
        "referral.list",
        items.iter().map(|r| PersonId(r.person_id)),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(ReferralsDto {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Referrals of a person the caller may see.
#[utoipa::path(get, path = "/api/v1/persons/{id}/referrals", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = ReferralsDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn person_referrals(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ReferralsDto>, ApiError> {
    sipe_persons::store::find_person(&state.db, &access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    super::record_shown(&state, &ctx, "referral.list", std::iter::once(PersonId(id)))
        .await
        .map_err(ApiError::Internal)?;
    let items = super::store::of_person(&state.db, id).await?;
    Ok(Json(ReferralsDto {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Query of the API list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ReferralParams {
    /// One state (`proposed`, `sent`, `interview_scheduled`, `hired`, …).
    pub state: Option<String>,
    /// `referred` or `applied`.
    pub origin: Option<String>,
    /// `updated_at` (default, newest first), `created_at`, `state`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// A page of referrals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralPage {
    /// This page.
    pub items: Vec<ReferralRow>,
    /// Matching in all pages.
    pub total: u64,
}

/// Referrals of the caller's offices' vacancies and people (view scope).
#[utoipa::path(get, path = "/api/v1/referrals", params(ReferralParams),
    responses((status = 200, body = ReferralPage)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Query(p): Query<ReferralParams>,
) -> Result<Json<ReferralPage>, ApiError> {
    let pager = Pager::new(
        "/api/v1/referrals",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort,
            dir: p.dir,
        },
        &SORTS,
        true,
    )?;
    let filter = ReferralFilter::parse(
        p.state.as_deref().unwrap_or_default(),
        p.origin.as_deref().unwrap_or_default(),
    );
    let (items, total) = store::list(&state.db, &access, &filter, &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "referral.list",
        items.iter().map(|r| PersonId(r.person_id)),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(ReferralPage { items, total }))
}

/// Query of the API list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FollowUpParams {
    /// `true` (default): pending only; `false`: all.
    pub pending: Option<bool>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// Follow-ups page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowUpsDto {
    /// Due first.
    pub items: Vec<FollowUpRow>,
    /// Matching in all pages.
    pub total: u64,
}

/// Follow-ups of placements in the caller's offices (view scope), due first.
#[utoipa::path(get, path = "/api/v1/follow-ups", params(FollowUpParams),
    responses((status = 200, body = FollowUpsDto)))]
pub async fn api_follow_ups(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Query(p): Query<FollowUpParams>,
) -> Result<Json<FollowUpsDto>, ApiError> {
    let pager = Pager::new(
        "/api/v1/follow-ups",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            ..Default::default()
        },
        &["due_on"],
        false,
    )?;
    let (items, total) =
        store::follow_ups(&state.db, &access, p.pending.unwrap_or(true), &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "follow_up.list",
        items.iter().map(|r| PersonId(r.person_id)),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(FollowUpsDto { items, total }))
}

/// Records a follow-up: `still_employed` (`"true"`/`"false"`), `employer_name`, `note`.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}", request_body = FollowUpInput,
    params(("id" = Uuid, Path, description = "Follow-up id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_record_follow_up(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<StatusCode, ApiError> {
    match service::record_follow_up(&state.db, &ctx, &access, id, &input).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(RecordError::Invalid(f)) => Err(ApiError::Invalid(f)),
        Err(RecordError::NotFound) => Err(ApiError::NotFound),
        Err(RecordError::Store(s)) => Err(s.into()),
    }
}
