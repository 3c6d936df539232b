//! National programmes under `/api/v1`: the catalogue, a person's lines in the national
//! lists, and list imports (queued, then followed in the runs).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::national::store::{self, Benefit, NationalProgramme, NationalProgrammeInput};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

/// The national programmes, with their newest list's month and counts.
#[utoipa::path(get, path = "/api/v1/national-programmes",
    responses((status = 200, body = Vec<NationalProgramme>)))]
pub async fn list_national(
    State(state): State<AppState>,
) -> Result<Json<Vec<NationalProgramme>>, ApiError> {
    Ok(Json(store::all(&state.db).await?))
}

/// Adds a national programme (`code` 2–20 of A–Z, 0–9, `_`; `name`; `agency`).
#[utoipa::path(post, path = "/api/v1/national-programmes", request_body = NationalProgrammeInput,
    responses((status = 201, body = NationalProgramme),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error, or the code is taken")))]
pub async fn add_national(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<NationalProgrammeInput>,
) -> Result<(StatusCode, Json<NationalProgramme>), ApiError> {
    let id = store::add(&state.db, &ctx, &input).await?;
    let added = store::all(&state.db)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// A person's lines in the national lists, newest month first (a person in the
/// caller's view scope; the read is audited). `newest` marks each programme's newest
/// list: active there means the person receives it now.
#[utoipa::path(get, path = "/api/v1/persons/{id}/national-benefits", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<Benefit>), (status = 404, body = sipe_platform::api::Problem, description = "No such person in scope")))]
pub async fn person_national(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Benefit>>, ApiError> {
    let person = sipe_persons::store::find_person(
        &state.db,
        &access,
        ScopeKind::View,
        sipe_platform::ids::PersonId(id),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &ctx, sipe_platform::ids::PersonId(id))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(match person.cuil {
        Some(c) => store::of_cuil(&state.db, &c).await?,
        None => Vec::new(),
    }))
}

/// An import run of a national list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NationalImportRun {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// `running` or `done`.
    pub status: String,
    /// Records processed.
    pub next_record: i64,
    /// Records in the file.
    pub total_records: Option<i64>,
    /// Rows stored.
    pub accepted: i64,
    /// Rows refused (see the report on the page).
    pub rejected: i64,
    /// People of the list registered here.
    pub registered: u64,
    /// Start.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// End.
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The newest import runs of national lists (at most 30).
#[utoipa::path(get, path = "/api/v1/national-benefit-imports",
    responses((status = 200, body = Vec<NationalImportRun>)))]
pub async fn list_national_imports(
    State(state): State<AppState>,
) -> Result<Json<Vec<NationalImportRun>>, ApiError> {
    let rows = crate::web::national::run_rows(&state)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(format!("{e:?}"))))?;
    Ok(Json(
        rows.into_iter()
            .map(|r| NationalImportRun {
                id: r.run.id,
                file_name: r.run.file_name,
                status: r.run.status,
                next_record: r.run.next_record,
                total_records: r.run.total_records,
                accepted: r.run.accepted,
                rejected: r.run.rejected,
                registered: r.registered,
                started_at: r.run.started_at,
                finished_at: r.run.finished_at,
            })
            .collect(),
    ))
}

/// Queues the import of a national list sent as the body (CSV with the header
/// `cuil,programa,estado,periodo,monto`, UTF-8 or Latin-1; or XLSX). 202 when queued;
/// follow it in `GET /api/v1/national-benefit-imports`.
#[utoipa::path(post, path = "/api/v1/national-benefit-imports", request_body(content = String, content_type = "text/csv"),
    responses((status = 202, description = "Queued"),
        (status = 422, body = sipe_platform::api::Problem, description = "Empty, or not a list's header")))]
pub async fn import_national(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    if body.is_empty() {
        let mut e = sipe_platform::validation::FieldErrors::new();
        e.add("body", "import-empty");
        return Err(crate::error::ProgrammeError::Invalid(e).into());
    }
    let dir = crate::web::national::uploads_dir(&state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let id = Uuid::now_v7();
    let stored = dir.join(format!("{id}.upload"));
    tokio::fs::write(&stored, &body)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let saved = sipe_platform::web::upload::Saved {
        original_name: "api".into(),
        size: body.len(),
        head: body[..std::cmp::min(4096, body.len())].to_vec(),
        fields: Vec::new(),
    };
    match crate::web::national::queue_file(&state, &ctx, id, &stored, &saved)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(format!("{e:?}"))))?
    {
        Ok(()) => Ok(StatusCode::ACCEPTED),
        Err(key) => {
            let mut e = sipe_platform::validation::FieldErrors::new();
            e.add("body", key);
            Err(crate::error::ProgrammeError::Invalid(e).into())
        }
    }
}
