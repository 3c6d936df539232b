//! `/api/v1/vacancies`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::entity::{vacancy, vacancy_event, vacancy_requirement};
use super::input::VacancyInput;
use super::service::{self};
use super::state::VacancyState;
use super::store::{self, SORTS, VacancyFilter};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// A vacancy as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyDto {
    /// Id.
    pub id: Uuid,
    /// Employer.
    pub employer_id: Uuid,
    /// Managing office.
    pub office_id: Uuid,
    /// Title.
    pub title: String,
    /// Occupation code.
    pub occupation_code: String,
    /// Occupation label.
    pub occupation_label: String,
    /// Positions.
    pub positions: i32,
    /// Tasks.
    pub tasks: Option<String>,
    /// Minimum education (ISCED 2011).
    pub education_min: Option<String>,
    /// Education is a hard filter.
    pub education_mandatory: bool,
    /// Experience months.
    pub experience_months: Option<i32>,
    /// Driving licence class.
    pub licence_class: Option<String>,
    /// Licence is a hard filter.
    pub licence_mandatory: bool,
    /// Department of the workplace.
    pub territory_code: Option<String>,
    /// Address of the workplace.
    pub address: Option<String>,
    /// Schedule.
    pub schedule: Option<String>,
    /// `full_time` or `part_time`.
    pub hours: Option<String>,
    /// Hours per week.
    pub weekly_hours: Option<i32>,
    /// Contract type.
    pub contract_type: Option<String>,
    /// Salary range, ARS per month.
    pub salary_min: Option<i64>,
    /// Salary range, ARS per month.
    pub salary_max: Option<i64>,
    /// Collective agreement.
    pub collective_agreement: Option<String>,
    /// Suitable for people with disabilities.
    pub accessible: bool,
    /// Publication start.
    pub published_from: Option<chrono::NaiveDate>,
    /// Publication end.
    pub published_until: Option<chrono::NaiveDate>,
    /// State.
    pub state: VacancyState,
    /// First opened.
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Ended.
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Skills and languages (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Vec<RequirementDto>>,
    /// State history (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<StateChangeDto>>,
}

impl From<vacancy::Model> for VacancyDto {
    fn from(v: vacancy::Model) -> Self {
        Self {
            state: VacancyState::parse(&v.state).unwrap_or(VacancyState::Draft),
            id: v.id,
            employer_id: v.employer_id,
            office_id: v.office_id,
            title: v.title,
            occupation_code: v.occupation_code,
            occupation_label: v.occupation_label,
            positions: v.positions,
            tasks: v.tasks,
            education_min: v.education_min,
            education_mandatory: v.education_mandatory,
            experience_months: v.experience_months,
            licence_class: v.licence_class,
            licence_mandatory: v.licence_mandatory,
            territory_code: v.territory_code,
            address: v.address,
            schedule: v.schedule,
            hours: v.hours,
            weekly_hours: v.weekly_hours,
            contract_type: v.contract_type,
            salary_min: v.salary_min,
            salary_max: v.salary_max,
            collective_agreement: v.collective_agreement,
            accessible: v.accessible,
            published_from: v.published_from,
            published_until: v.published_until,
            opened_at: v.opened_at,
            ended_at: v.ended_at,
            created_at: v.created_at,
            updated_at: v.updated_at,
            requirements: None,
            history: None,
        }
    }
}

/// A skill or language the vacancy asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementDto {
    /// `skill` or `language`.
    pub kind: String,
    /// Skill id or language code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Lowest language level.
    pub level: Option<String>,
    /// Required (true) or desired (false).
    pub required: bool,
}

impl From<vacancy_requirement::Model> for RequirementDto {
    fn from(r: vacancy_requirement::Model) -> Self {
        Self {
            kind: r.kind,
            code: r.code,
            label: r.label,
            level: r.level,
            required: r.required,
        }
    }
}

/// One change of state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateChangeDto {
    /// Before (empty for the creation).
    pub from_state: Option<String>,
    /// After.
    pub to_state: String,
    /// Why.
    pub note: Option<String>,
    /// Who.
    pub actor_name: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<vacancy_event::Model> for StateChangeDto {
    fn from(e: vacancy_event::Model) -> Self {
        Self {
            from_state: e.from_state,
            to_state: e.to_state,
            note: e.note,
            actor_name: e.actor_name,
            at: e.at,
        }
    }
}

/// Query of the vacancies list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct VacancyParams {
    /// Words of the title, occupation or employer.
    pub q: Option<String>,
    /// `draft`, `open`, `paused`, `filled`, `closed`, `cancelled`.
    pub state: Option<String>,
    /// Only this employer's vacancies.
    pub employer_id: Option<Uuid>,
    /// `created_at` (default, newest first), `title`, `state`, `positions`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// Body of a state change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StateChangeInput {
    /// The state to move to.
    pub state: String,
    /// Why (optional).
    #[serde(default)]
    pub note: String,
}

/// Vacancies managed by offices in the caller's view scope.
#[utoipa::path(get, path = "/api/v1/vacancies", params(VacancyParams),
    responses((status = 200, body = Page<VacancyDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_vacancies(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(p): Query<VacancyParams>,
) -> Result<Json<Page<VacancyDto>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/vacancies",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &SORTS,
        true,
    )?;
    let filter = VacancyFilter {
        q: sipe_platform::validation::search_text("q", p.q.as_deref().unwrap_or_default())?,
        state: p
            .state
            .as_deref()
            .and_then(VacancyState::parse)
            .map(|s| s.as_str().to_owned()),
        employer_id: p.employer_id,
        occupation_prefix: None,
    };
    let (rows, total) = store::list_vacancies(&state.db, &access, &filter, &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

async fn detail(state: &AppState, access: &Access, id: Uuid) -> Result<VacancyDto, ApiError> {
    let v = store::find_vacancy(&state.db, access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let requirements = store::requirements(&state.db, id).await?;
    let history = store::events(&state.db, id).await?;
    Ok(VacancyDto {
        requirements: Some(requirements.into_iter().map(Into::into).collect()),
        history: Some(history.into_iter().map(Into::into).collect()),
        ..v.into()
    })
}

/// One vacancy with its requirements and state history.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}", params(("id" = Uuid, Path, description = "Vacancy id")),
    responses((status = 200, body = VacancyDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_vacancy(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<VacancyDto>, ApiError> {
    Ok(Json(detail(&state, &access, id).await?))
}

/// Registers a vacancy (as a draft).
#[utoipa::path(post, path = "/api/v1/vacancies", request_body = VacancyInput,
    responses((status = 201, body = VacancyDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_vacancy(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<VacancyInput>,
) -> Result<(StatusCode, Json<VacancyDto>), ApiError> {
    let id = service::create_vacancy(&state.db, &ctx, &access, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&state, &access, id).await?),
    ))
}

/// Replaces a vacancy's fields and requirements (409 once it has ended).
#[utoipa::path(patch, path = "/api/v1/vacancies/{id}", request_body = VacancyInput,
    params(("id" = Uuid, Path, description = "Vacancy id")),
    responses((status = 200, body = VacancyDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_vacancy(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<VacancyInput>,
) -> Result<Json<VacancyDto>, ApiError> {
    service::update_vacancy(&state.db, &ctx, &access, id, &input).await?;
    Ok(Json(detail(&state, &access, id).await?))
}

/// Moves a vacancy to another state (`draft → open ⇄ paused → filled | closed |
/// cancelled`); 409 when the move is not allowed.
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/state", request_body = StateChangeInput,
    params(("id" = Uuid, Path, description = "Vacancy id")),
    responses((status = 200, body = VacancyDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn change_state(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<StateChangeInput>,
) -> Result<Json<VacancyDto>, ApiError> {
    service::change_state(&state.db, &ctx, &access, id, &input.state, &input.note).await?;
    Ok(Json(detail(&state, &access, id).await?))
}
