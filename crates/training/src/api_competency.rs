//! `/api/v1`: competency standards and their evaluators, training paths and a person's
//! progress along them, and the competency assessment of an enrolment with its
//! evidence.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::ListParams;
use crate::assessment::{self, MAX_EVIDENCE_BYTES, ResultInput, Upload};
use crate::paths::{self, PathInput, Progress};
use crate::standards::{self, AccreditationInput, Evaluator, Standard, StandardInput};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

/// A unit of competency.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Code (`UC1`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Performance criteria.
    pub criteria: Vec<String>,
}

/// A competency standard.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardDto {
    /// Id.
    pub id: Uuid,
    /// Registry code.
    pub code: String,
    /// Title.
    pub title: String,
    /// The occupation it certifies.
    pub occupation_code: Option<String>,
    /// Still assessed?
    pub active: bool,
    /// Units of competency, in order.
    pub units: Vec<UnitDto>,
}

async fn standard_dto(state: &AppState, s: Standard) -> Result<StandardDto, ApiError> {
    let units = standards::units_of(&state.db, s.id)
        .await?
        .iter()
        .map(|u| UnitDto {
            code: u.code.clone(),
            title: u.title.clone(),
            criteria: standards::criteria_of(u)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })
        .collect();
    Ok(StandardDto {
        id: s.id,
        code: s.code,
        title: s.title,
        occupation_code: s.occupation_code,
        active: s.active,
        units,
    })
}

async fn standard_detail(state: &AppState, id: Uuid) -> Result<StandardDto, ApiError> {
    let s = standards::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    standard_dto(state, s).await
}

/// Competency standards.
#[utoipa::path(get, path = "/api/v1/standards", params(ListParams),
    responses((status = 200, body = Page<StandardDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_standards(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<StandardDto>>, ApiError> {
    let pager = p.pager("/api/v1/standards", &standards::SORTS, false)?;
    let (rows, total) = standards::list(&state.db, &p.q()?, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for s in rows {
        items.push(standard_dto(&state, s).await?);
    }
    Ok(Json(Page { items, total }))
}

/// One standard with its units.
#[utoipa::path(get, path = "/api/v1/standards/{id}", params(("id" = Uuid, Path, description = "Standard id")),
    responses((status = 200, body = StandardDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_standard(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<StandardDto>, ApiError> {
    Ok(Json(standard_detail(&state, id).await?))
}

/// Adds a standard with its units.
#[utoipa::path(post, path = "/api/v1/standards", request_body = StandardInput,
    responses((status = 201, body = StandardDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_standard(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<StandardInput>,
) -> Result<(StatusCode, Json<StandardDto>), ApiError> {
    let id = standards::create(&state.db, &ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(standard_detail(&state, id).await?),
    ))
}

/// Replaces a standard's fields and units (a unit keeps its results while its code
/// stays; one with results cannot be removed).
#[utoipa::path(put, path = "/api/v1/standards/{id}", request_body = StandardInput,
    params(("id" = Uuid, Path, description = "Standard id")),
    responses((status = 200, body = StandardDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_standard(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<StandardInput>,
) -> Result<Json<StandardDto>, ApiError> {
    standards::update(&state.db, &ctx, id, &input).await?;
    Ok(Json(standard_detail(&state, id).await?))
}

/// The users accredited to assess a standard.
#[utoipa::path(get, path = "/api/v1/standards/{id}/evaluators", params(("id" = Uuid, Path, description = "Standard id")),
    responses((status = 200, body = Vec<Evaluator>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_evaluators(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Evaluator>>, ApiError> {
    standards::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(standards::evaluators_of(&state.db, id).await?))
}

/// Accredits a user to assess a standard.
#[utoipa::path(post, path = "/api/v1/standards/{id}/evaluators", request_body = AccreditationInput,
    params(("id" = Uuid, Path, description = "Standard id")),
    responses((status = 201, body = Vec<Evaluator>), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn accredit(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AccreditationInput>,
) -> Result<(StatusCode, Json<Vec<Evaluator>>), ApiError> {
    standards::accredit(&state.db, &ctx, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(standards::evaluators_of(&state.db, id).await?),
    ))
}

/// Ends an accreditation; the results the evaluator recorded stay.
#[utoipa::path(delete, path = "/api/v1/standards/{id}/evaluators/{accreditation}",
    params(("id" = Uuid, Path, description = "Standard id"), ("accreditation" = Uuid, Path, description = "Accreditation id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path((id, accreditation)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    standards::withdraw(&state.db, &ctx, id, accreditation).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A training path.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// The standard it leads to.
    pub standard_id: Option<Uuid>,
    /// Still offered?
    pub active: bool,
    /// Its course ids, in order.
    pub courses: Vec<Uuid>,
}

async fn path_detail(state: &AppState, id: Uuid) -> Result<PathDto, ApiError> {
    let p = paths::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(PathDto {
        courses: paths::course_ids(&state.db, id).await?,
        id: p.id,
        name: p.name,
        description: p.description,
        standard_id: p.standard_id,
        active: p.active,
    })
}

/// Training paths.
#[utoipa::path(get, path = "/api/v1/training-paths", params(ListParams),
    responses((status = 200, body = Page<PathDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_paths(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<PathDto>>, ApiError> {
    let pager = p.pager("/api/v1/training-paths", &paths::SORTS, false)?;
    let (rows, total) = paths::list(&state.db, &p.q()?, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(path_detail(&state, row.id).await?);
    }
    Ok(Json(Page { items, total }))
}

/// One path.
#[utoipa::path(get, path = "/api/v1/training-paths/{id}", params(("id" = Uuid, Path, description = "Path id")),
    responses((status = 200, body = PathDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_path(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<PathDto>, ApiError> {
    Ok(Json(path_detail(&state, id).await?))
}

/// Adds a path.
#[utoipa::path(post, path = "/api/v1/training-paths", request_body = PathInput,
    responses((status = 201, body = PathDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_path(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<PathInput>,
) -> Result<(StatusCode, Json<PathDto>), ApiError> {
    let id = paths::create(&state.db, &ctx, &input).await?;
    Ok((StatusCode::CREATED, Json(path_detail(&state, id).await?)))
}

/// Replaces a path's fields and courses.
#[utoipa::path(put, path = "/api/v1/training-paths/{id}", request_body = PathInput,
    params(("id" = Uuid, Path, description = "Path id")),
    responses((status = 200, body = PathDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_path(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<PathInput>,
) -> Result<Json<PathDto>, ApiError> {
    paths::update(&state.db, &ctx, id, &input).await?;
    Ok(Json(path_detail(&state, id).await?))
}

/// A person's progress along every path with a course they took (a person in the
/// caller's view scope; the read is audited).
#[utoipa::path(get, path = "/api/v1/persons/{id}/training-paths", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<Progress>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn person_paths(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Progress>>, ApiError> {
    sipe_persons::service::read_person(&state.db, &state.reads, &ctx, &access, id)
        .await
        .map_err(|e| match e {
            sipe_persons::service::PersonError::Store(s) => s.into(),
            _ => ApiError::NotFound,
        })?;
    Ok(Json(paths::progress_of(&state.db, id).await?))
}

/// One unit's result in an assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResultDto {
    /// Unit code.
    pub unit: String,
    /// Unit title.
    pub title: String,
    /// `competent`, `not_yet_competent`, or absent (not assessed).
    pub result: Option<String>,
    /// Observations.
    pub observations: Option<String>,
    /// Who recorded it.
    pub evaluator: Option<String>,
    /// When.
    pub recorded_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An evidence file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// Id (download at `/api/v1/evidence/{id}`).
    pub id: Uuid,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type as detected.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// The unit it supports (code), if one.
    pub unit: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

/// An enrolment's competency assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// The standard's code.
    pub standard: String,
    /// Every unit competent (`true`), any not yet (`false`), else absent.
    pub passed: Option<bool>,
    /// Each unit, in order.
    pub units: Vec<UnitResultDto>,
    /// Evidence, newest first.
    pub evidence: Vec<EvidenceDto>,
}

/// The assessment, when the caller sees the person on the cohort's roster; the read of
/// the person's data is audited.
async fn visible_assessment(
    state: &AppState,
    ctx: &sipe_platform::audit::AuditCtx,
    access: &sipe_platform::access::Access,
    id: Uuid,
) -> Result<AssessmentDto, ApiError> {
    let a = assessment::find(&state.db, access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_shown(
        &state.reads,
        ctx,
        "training.assessment.view",
        &a.cohort.code,
        std::iter::once(sipe_platform::ids::PersonId(a.person.id)),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    let code_of = |unit: Option<Uuid>| {
        unit.and_then(|u| a.units.iter().find(|(x, _)| x.id == u))
            .map(|(x, _)| x.code.clone())
    };
    Ok(AssessmentDto {
        enrolment_id: a.enrolment.id,
        standard: a.standard.code.clone(),
        passed: a.enrolment.passed,
        evidence: a
            .evidence
            .iter()
            .map(|e| EvidenceDto {
                id: e.id,
                file_name: e.file_name.clone(),
                media_type: e.media_type.clone(),
                size: e.size,
                sha256: e.sha256.clone(),
                unit: code_of(e.unit_id),
                uploaded_by: e.uploaded_by_name.clone(),
                uploaded_at: e.uploaded_at,
            })
            .collect(),
        units: a
            .units
            .iter()
            .map(|(u, r)| UnitResultDto {
                unit: u.code.clone(),
                title: u.title.clone(),
                result: r.as_ref().map(|r| r.result.clone()),
                observations: r.as_ref().and_then(|r| r.observations.clone()),
                evaluator: r.as_ref().map(|r| r.evaluator_name.clone()),
                recorded_at: r.as_ref().map(|r| r.recorded_at),
            })
            .collect(),
    })
}

/// An enrolment's competency assessment (cohorts whose course certifies competency
/// against a standard).
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/assessment", params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = AssessmentDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_assessment(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<AssessmentDto>, ApiError> {
    Ok(Json(visible_assessment(&state, &ctx, &access, id).await?))
}

/// Results to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResultsInput {
    /// One per unit to change; units not listed keep their result.
    pub results: Vec<ResultInput>,
}

/// Records an accredited evaluator's results (the cohort running, the person in a
/// place).
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/assessment", request_body = ResultsInput,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = AssessmentDto), (status = 404, body = sipe_platform::api::Problem),
        (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn save_assessment(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ResultsInput>,
) -> Result<Json<AssessmentDto>, ApiError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    assessment::record(&state.db, &ctx, &access, id, &input.results, today).await?;
    Ok(Json(visible_assessment(&state, &ctx, &access, id).await?))
}

/// Where an uploaded evidence file goes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EvidenceParams {
    /// Its name.
    pub file_name: Option<String>,
    /// The unit it supports (code).
    pub unit: Option<String>,
}

/// The evidence's new id.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceCreated {
    /// Id.
    pub id: Uuid,
}

/// Uploads an evidence file (the body is the file: PDF, JPEG, PNG, WebP or UTF-8 text,
/// up to 20 MiB).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/evidence", params(("id" = Uuid, Path, description = "Enrolment id"), EvidenceParams),
    request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, body = EvidenceCreated), (status = 404, body = sipe_platform::api::Problem),
        (status = 409, body = sipe_platform::api::Problem),
        (status = 413, description = "Over 21 MiB: refused before it is read"),
        (status = 422, body = sipe_platform::api::Problem, description = "Invalid, of a kind not accepted, or over 20 MiB")))]
pub async fn upload_evidence(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<EvidenceParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<EvidenceCreated>), ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_EVIDENCE_BYTES)
        .await
        .map_err(|_| sipe_platform::validation::FieldErrors::one("file", "evidence-too-large"))?;
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let upload = Upload {
        file_name: p.file_name.as_deref().unwrap_or(""),
        unit: p.unit.as_deref().unwrap_or(""),
        bytes: &bytes,
    };
    let id = assessment::add_evidence(
        &state.db,
        &ctx,
        &access,
        &state.config.data_dir,
        id,
        upload,
        today,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(EvidenceCreated { id })))
}

/// Downloads an evidence file (the read is audited).
#[utoipa::path(get, path = "/api/v1/evidence/{id}", params(("id" = Uuid, Path, description = "Evidence id")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn download_evidence(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (row, bytes) =
        assessment::open_evidence(&state.db, &ctx, &access, &state.config.data_dir, id).await?;
    Ok(crate::web::assessment::evidence_response(&row, bytes))
}
