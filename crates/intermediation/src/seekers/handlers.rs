//! The job search form of a person (`/persons/{id}/job-search`) and its API.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use uuid::Uuid;

use super::Summary;
use super::service::{self, JobSearchInput};
use crate::vacancies::input::CONTRACT_TYPES;
use sipe_persons::handlers::reindex_now;
use sipe_persons::service::{PersonError, display_name};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::ids::PersonId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// `/persons/{id}/job-search`.
#[derive(Template)]
#[template(path = "intermediation/job_search_form.html")]
pub struct JobSearchPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person's name.
    pub name: String,
    /// Actively looking (as entered).
    pub looking: bool,
    /// Contract types with the chosen ones marked.
    pub contracts: Vec<Choice>,
    /// Salary as entered.
    pub salary: String,
    /// Problems.
    pub errors: FieldErrors,
}

impl JobSearchPage {}

/// The job search of a person the caller may read.
pub async fn summary(
    state: &AppState,
    access: &sipe_platform::access::Access,
    id: Uuid,
    kind: ScopeKind,
) -> Result<Option<Summary>, WebError> {
    let Some(p) = sipe_persons::store::find_person(&state.db, access, kind, PersonId(id)).await?
    else {
        return Ok(None);
    };
    let rows = super::rows_of(&state.db, &[id]).await?;
    Ok(Some(Summary::of(
        rows.get(&id),
        p.employment_status.as_deref(),
    )))
}

fn page(
    ctx: PageCtx,
    id: Uuid,
    name: String,
    form: &JobSearchInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    sipe_platform::web::render::page_with(
        status,
        JobSearchPage {
            contracts: CONTRACT_TYPES
                .iter()
                .map(|c| Choice {
                    value: (*c).into(),
                    label: ctx.tp("contract-", c).into_owned(),
                    selected: form.preferred_contracts.iter().any(|x| x == c),
                })
                .collect(),
            looking: form.actively_looking.is_some(),
            salary: form.salary_expectation.clone(),
            ctx,
            id,
            name,
            errors,
        },
    )
}

/// `GET /persons/{id}/job-search`.
pub async fn edit_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let p =
        sipe_persons::store::find_person(&state.db, &user.access, ScopeKind::Capture, PersonId(id))
            .await?
            .ok_or(WebError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &audit, PersonId(id)).await?;
    let rows = super::rows_of(&state.db, &[id]).await?;
    let s = Summary::of(rows.get(&id), p.employment_status.as_deref());
    let form = JobSearchInput {
        actively_looking: s.actively_looking.then(|| "on".into()),
        preferred_contracts: s.preferred_contracts,
        salary_expectation: s
            .salary_expectation
            .map(|n| n.to_string())
            .unwrap_or_default(),
    };
    page(ctx, id, display_name(&p), &form, FieldErrors::new())
}

/// `POST /persons/{id}/job-search`.
pub async fn update_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<JobSearchInput>,
) -> Result<Response, WebError> {
    match service::update_job_search(&state.db, &audit, &user.access, state.tz, id, &form).await {
        Ok(_) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}"),
                "success",
                "job-search-saved",
            ))
        }
        Err(PersonError::Invalid(errors)) => {
            let p = sipe_persons::store::find_person(
                &state.db,
                &user.access,
                ScopeKind::Capture,
                PersonId(id),
            )
            .await?
            .ok_or(WebError::NotFound)?;
            page(ctx, id, display_name(&p), &form, errors)
        }
        Err(e) => Err(e.into()),
    }
}

/// A person's job search (view scope).
#[utoipa::path(get, path = "/api/v1/persons/{id}/job-search", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Summary), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_job_search(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Summary>, ApiError> {
    let s = summary(&state, &access, id, ScopeKind::View)
        .await
        .map_err(|e| match e {
            WebError::NotFound => ApiError::NotFound,
            other => ApiError::Internal(anyhow::anyhow!("{other}")),
        })?
        .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &ctx, PersonId(id))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(s))
}

/// Records a person's job search (capture scope): `actively_looking` (`"true"`),
/// `preferred_contracts`, `salary_expectation`.
#[utoipa::path(put, path = "/api/v1/persons/{id}/job-search", request_body = JobSearchInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Summary), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_update_job_search(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<JobSearchInput>,
) -> Result<Json<Summary>, ApiError> {
    let s = service::update_job_search(&state.db, &ctx, &access, state.tz, id, &input)
        .await
        .map_err(|e| match e {
            PersonError::Invalid(f) => ApiError::Invalid(f),
            PersonError::NotFound => ApiError::NotFound,
            PersonError::Store(s) => s.into(),
        })?;
    reindex_now(&state, PersonId(id)).await;
    Ok(Json(s))
}
