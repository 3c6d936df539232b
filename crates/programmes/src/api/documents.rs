//! An application's documents under `/api/v1`: listed, attached (the body is the file)
//! and downloaded, within the caller's scope; reads audited.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use crate::documents::{self, Document, MAX_BYTES};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;

/// What an attachment says about its file.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct DocumentParams {
    /// Which of the programme's required documents it is (empty: another).
    pub document: Option<String>,
    /// The file's name.
    pub file_name: Option<String>,
}

/// The attachment made.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DocumentCreated {
    /// Its id.
    pub id: Uuid,
}

/// An application's documents and the required ones still missing.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Documents {
    /// Attached files, oldest first.
    pub documents: Vec<Document>,
    /// Required documents no file is yet (approval waits for them).
    pub missing: Vec<String>,
}

/// An application's documents (a person in the caller's view scope; audited).
#[utoipa::path(get, path = "/api/v1/programme-applications/{id}/documents", params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = Documents), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_documents(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Documents>, ApiError> {
    let a = crate::applications::store::find(&state.db, &access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let programme = crate::programmes::find(&state.db, a.programme_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(
        &state.reads,
        &ctx,
        sipe_platform::ids::PersonId(a.person_id),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    let attached = documents::of(&state.db, a.id).await?;
    Ok(Json(Documents {
        missing: documents::missing(&documents::required(&programme), &attached),
        documents: attached,
    }))
}

/// Attaches a file (the body: PDF, JPEG, PNG or WebP, up to 10 MiB) to an application
/// of a person in the caller's capture scope.
#[utoipa::path(post, path = "/api/v1/programme-applications/{id}/documents", params(("id" = Uuid, Path, description = "Application id"), DocumentParams),
    request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, body = DocumentCreated), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "Empty, too large, of a kind not accepted, not one of the programme's documents, or the application is closed")))]
pub async fn attach_document(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<DocumentParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<DocumentCreated>), ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_BYTES)
        .await
        .map_err(|_| sipe_platform::validation::FieldErrors::one("file", "document-too-large"))?;
    let upload = documents::Upload {
        document: p.document.as_deref().unwrap_or(""),
        file_name: p.file_name.as_deref().unwrap_or(""),
        bytes: &bytes,
    };
    let id =
        documents::attach(&state.db, &ctx, &access, &state.config.data_dir, id, upload).await?;
    Ok((StatusCode::CREATED, Json(DocumentCreated { id })))
}

/// Downloads a document (the read is audited).
#[utoipa::path(get, path = "/api/v1/programme-documents/{id}", params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn download_document(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (d, bytes) = documents::open(
        &state.db,
        &state.reads,
        &ctx,
        &access,
        &state.config.data_dir,
        id,
    )
    .await?;
    Ok(sipe_platform::web::upload::attachment(
        &d.file_name,
        &d.media_type,
        bytes,
    ))
}

/// An application's work-training placement (a person in the caller's view scope;
/// audited).
#[utoipa::path(get, path = "/api/v1/programme-applications/{id}/placement", params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = crate::placements::Placement), (status = 404, body = sipe_platform::api::Problem, description = "No such application in scope, or no placement")))]
pub async fn show_placement(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<crate::placements::Placement>, ApiError> {
    let a = crate::applications::store::find(&state.db, &access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(
        &state.reads,
        &ctx,
        sipe_platform::ids::PersonId(a.person_id),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(
        crate::placements::of(&state.db, a.id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Records an application's work-training placement (an application to a
/// work-placement programme, of a person in the caller's capture scope; the host
/// employer by CUIT, one the caller sees). `version`: 0 for a new one, else the
/// current one's.
#[utoipa::path(put, path = "/api/v1/programme-applications/{id}/placement", request_body = crate::placements::PlacementInput,
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = crate::placements::Placement), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error, another programme kind, a closed application, or a stale version")))]
pub async fn set_placement(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    sipe_platform::api::ApiJson(input): sipe_platform::api::ApiJson<
        crate::placements::PlacementInput,
    >,
) -> Result<Json<crate::placements::Placement>, ApiError> {
    Ok(Json(
        crate::placements::set(&state.db, &ctx, &access, id, &input).await?,
    ))
}

/// The hire made.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HireMade {
    /// The intermediation referral recording it (its placement and follow-ups hang
    /// from it).
    pub referral_id: Uuid,
}

/// The host employer hires the beneficiary of a work-training placement: intermediation
/// records the job (vacancy, referral hired, placement with follow-ups) and the
/// application finishes as hired, in one transaction.
#[utoipa::path(post, path = "/api/v1/programme-applications/{id}/placement/hire", request_body = crate::placements::HireInput,
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 201, body = HireMade), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error, no placement, a start before the training or after today, or a stale version")))]
pub async fn hire_from_placement(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    sipe_platform::api::ApiJson(input): sipe_platform::api::ApiJson<crate::placements::HireInput>,
) -> Result<(StatusCode, Json<HireMade>), ApiError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let referral_id =
        crate::placements::hire(&state.db, &ctx, &access, state.tz, id, &input, today).await?;
    Ok((StatusCode::CREATED, Json(HireMade { referral_id })))
}
