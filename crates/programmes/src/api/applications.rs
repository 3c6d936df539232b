//! `/api/v1`: applications to programmes and their steps.

use axum::Json;
use axum::extract::{Path, State};

use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

use super::today;

/// Filters and paging of applications.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ApplicationParams {
    /// One programme.
    pub programme_id: Option<Uuid>,
    /// One person.
    pub person_id: Option<Uuid>,
    /// One state, or `waiting` (submitted and under review).
    pub state: Option<String>,
    /// Sort column: `submitted_at`, `created_at`, `updated_at`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Applications of people in the caller's view scope (the people listed are recorded as
/// read).
#[utoipa::path(get, path = "/api/v1/programme-applications", params(ApplicationParams),
    responses((status = 200, body = sipe_platform::api::Page<crate::applications::store::Row>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_applications(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    axum::extract::Query(p): axum::extract::Query<ApplicationParams>,
) -> Result<Json<sipe_platform::api::Page<crate::applications::store::Row>>, ApiError> {
    use crate::applications::{STATES, store};
    if let Some(s) = p.state.as_deref()
        && s != "waiting"
        && !STATES.contains(&s)
    {
        return Err(ApiError::Invalid(
            sipe_platform::validation::FieldErrors::one("state", "field-choice-invalid"),
        ));
    }
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programme-applications",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &store::SORTS,
        false,
    )?;
    let filter = store::Filter {
        programme: p.programme_id,
        person: p.person_id,
        state: p.state.clone(),
        office: None,
    };
    let (items, total) = store::list(&state.db, &access, &filter, &pager).await?;
    // The people listed are recorded as read, as every list of people is.
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "programmes.application.list",
        "",
        items
            .iter()
            .map(|a| sipe_platform::ids::PersonId(a.person_id)),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(sipe_platform::api::Page { items, total }))
}

/// An application with its steps.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationDto {
    /// The application.
    #[serde(flatten)]
    pub application: crate::applications::store::Row,
    /// Its steps, oldest first.
    pub steps: Vec<StepDto>,
}

/// One step of an application.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StepDto {
    /// What was done.
    pub action: String,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: String,
    /// Coded reason.
    pub reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Day it takes effect.
    pub effective_on: Option<chrono::NaiveDate>,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who.
    pub actor: String,
}

async fn application_dto(
    state: &AppState,
    a: crate::applications::store::Application,
) -> Result<ApplicationDto, ApiError> {
    use crate::applications::store;
    let steps = store::steps(&state.db, a.id)
        .await?
        .into_iter()
        .map(|s| StepDto {
            action: s.action,
            from_state: s.from_state,
            to_state: s.to_state,
            reason: s.reason,
            note: s.note,
            effective_on: s.effective_on,
            at: s.at,
            actor: s.actor_name,
        })
        .collect();
    let application = store::rows_of(&state.db, vec![a])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(ApplicationDto { application, steps })
}

/// Applies a person to a programme (a draft, or sent for review with `submit`).
#[utoipa::path(post, path = "/api/v1/programme-applications", request_body = crate::applications::service::ApplyInput,
    responses((status = 201, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<crate::applications::service::ApplyInput>,
) -> Result<(axum::http::StatusCode, Json<ApplicationDto>), ApiError> {
    use crate::applications::{service, store};
    let id = service::apply(&state.db, &ctx, &access, &input, today(&state)).await?;
    let a = store::find(
        &state.db,
        &access,
        sipe_platform::access::ScopeKind::View,
        id,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(application_dto(&state, a).await?),
    ))
}

/// An application of a person in the caller's view scope, with its steps (the person's
/// read is audited).
#[utoipa::path(get, path = "/api/v1/programme-applications/{id}", params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let a = crate::applications::store::find(
        &state.db,
        &access,
        sipe_platform::access::ScopeKind::View,
        id,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(
        &state.reads,
        &ctx,
        sipe_platform::ids::PersonId(a.person_id),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(application_dto(&state, a).await?))
}

/// Takes a step: `{"action": "approve", "version": 2}`; `reason` for reject, suspend and
/// finish; `date` for activate, suspend, extend and finish; `note` (required to extend).
/// Approving and rejecting need the programmes manager's permission.
#[utoipa::path(post, path = "/api/v1/programme-applications/{id}/transitions", request_body = crate::applications::service::StepInput,
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn transition_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::applications::service::StepInput>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let a = crate::applications::service::step(&state.db, &ctx, &access, id, &input, today(&state))
        .await?;
    Ok(Json(application_dto(&state, a).await?))
}
