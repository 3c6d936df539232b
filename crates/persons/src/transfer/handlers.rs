//! Transfer requests in the web UI: ask, list, approve or reject.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::service::PersonError;
use crate::transfer::{self, RequestView, TransferInput};
use sipe_platform::ids::PersonId;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// `/persons/transfers`.
#[derive(Template)]
#[template(path = "persons/transfers.html")]
pub struct TransfersPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Requests.
    pub rows: Vec<RequestView>,
    /// Status filter.
    pub status: String,
}

/// Status filter.
#[derive(Debug, Deserialize, Default)]
pub struct StatusQuery {
    #[serde(default)]
    status: String,
}

/// `GET /persons/transfers`.
pub async fn list_transfers(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<StatusQuery>,
) -> Result<Response, WebError> {
    let status = ["pending", "approved", "rejected", "closed"]
        .into_iter()
        .find(|s| *s == q.status);
    let rows = transfer::list(&state.db, &user.access, status).await?;
    audit_shown(&state, &audit, &rows).await?;
    let page = TransfersPage {
        ctx,
        rows,
        status: status.unwrap_or_default().to_owned(),
    };
    sipe_platform::web::render::page(page)
}

/// The list names people: one audit row with those it showed.
async fn audit_shown(
    state: &AppState,
    audit: &sipe_platform::audit::AuditCtx,
    rows: &[RequestView],
) -> Result<(), PersonError> {
    let shown = rows
        .iter()
        .filter(|r| r.person_name.is_some())
        .filter_map(|r| r.request.person_id.map(PersonId));
    crate::service::record_shown(&state.reads, audit, "person.transfer_list", "", shown).await
}

/// `POST /persons/transfers`: ask for a person registered in another office.
pub async fn request_transfer(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<TransferInput>,
) -> Result<Response, WebError> {
    match transfer::request(&state.db, &audit, &user.access, &form).await {
        Ok(_) => Ok(redirect_with_flash(
            "/persons/transfers",
            "success",
            "transfer-requested",
        )),
        Err(PersonError::Invalid(_)) => Ok(redirect_with_flash(
            "/persons/transfers",
            "error",
            "transfer-invalid",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn decide(
    state: &AppState,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    approve: bool,
) -> Result<Response, WebError> {
    let person = transfer::decide(&state.db, audit, &user.access, id, approve).await?;
    crate::handlers::reindex_now(state, PersonId(person)).await;
    Ok(redirect_with_flash(
        "/persons/transfers",
        "success",
        if approve {
            "transfer-approved"
        } else {
            "transfer-rejected"
        },
    ))
}

/// `POST /persons/transfers/{request_id}/approve`.
pub async fn approve_transfer(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    decide(&state, &user, &audit, id, true).await
}

/// `POST /persons/transfers/{request_id}/reject`.
pub async fn reject_transfer(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    decide(&state, &user, &audit, id, false).await
}

/// A transfer request as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TransferDto {
    /// Id.
    pub id: Uuid,
    /// Person id, only when the caller may view the person.
    pub person_id: Option<Uuid>,
    /// Document type asked for.
    pub doc_type: String,
    /// Document number asked for.
    pub doc_number: String,
    /// Office owning the person when asked: only for the owning side, and for the
    /// requesting side once approved.
    pub from_office: Option<String>,
    /// Office asking.
    pub to_office: String,
    /// Why.
    pub reason: String,
    /// `pending`, `approved`, `rejected` (owning side) or `closed` (requesting side: not
    /// approved within 30 days).
    pub status: String,
    /// Who asked.
    pub requested_by: String,
    /// When asked (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<RequestView> for TransferDto {
    fn from(v: RequestView) -> Self {
        Self {
            id: v.request.id,
            person_id: v.person_name.and(v.request.person_id),
            doc_type: v.request.doc_type,
            doc_number: v.request.doc_number,
            from_office: v.from_office,
            to_office: v.to_office,
            reason: v.request.reason,
            status: v.status,
            requested_by: v.request.requested_by_name,
            created_at: v.request.created_at,
        }
    }
}

/// Transfer requests made by or addressed to the caller's offices, newest first.
#[utoipa::path(get, path = "/api/v1/transfer-requests",
    responses((status = 200, body = sipe_platform::api::Page<TransferDto>)))]
pub async fn api_list_transfers(
    State(state): State<AppState>,
    sipe_platform::api::ApiAccess(access): sipe_platform::api::ApiAccess,
    Ctx(audit): Ctx,
) -> Result<axum::Json<sipe_platform::api::Page<TransferDto>>, sipe_platform::api::ApiError> {
    let rows = transfer::list(&state.db, &access, None).await?;
    audit_shown(&state, &audit, &rows).await?;
    Ok(axum::Json(sipe_platform::api::Page {
        total: rows.len() as u64,
        items: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Asks for a person registered in another office, by document. Answers 202 whether
/// or not the document is registered, so nothing about the person is revealed.
#[utoipa::path(post, path = "/api/v1/transfer-requests", request_body = TransferInput,
    responses((status = 202), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_request_transfer(
    State(state): State<AppState>,
    sipe_platform::api::ApiAccess(access): sipe_platform::api::ApiAccess,
    Ctx(audit): Ctx,
    sipe_platform::api::ApiJson(input): sipe_platform::api::ApiJson<TransferInput>,
) -> Result<axum::http::StatusCode, sipe_platform::api::ApiError> {
    transfer::request(&state.db, &audit, &access, &input).await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}

/// Approves a pending request about a person the caller's offices own.
#[utoipa::path(post, path = "/api/v1/transfer-requests/{request_id}/approve",
    params(("request_id" = Uuid, Path, description = "Request id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_approve_transfer(
    State(state): State<AppState>,
    sipe_platform::api::ApiAccess(access): sipe_platform::api::ApiAccess,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<axum::http::StatusCode, sipe_platform::api::ApiError> {
    let person = transfer::decide(&state.db, &audit, &access, id, true).await?;
    crate::handlers::reindex_now(&state, PersonId(person)).await;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Rejects a pending request about a person the caller's offices own.
#[utoipa::path(post, path = "/api/v1/transfer-requests/{request_id}/reject",
    params(("request_id" = Uuid, Path, description = "Request id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_reject_transfer(
    State(state): State<AppState>,
    sipe_platform::api::ApiAccess(access): sipe_platform::api::ApiAccess,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<axum::http::StatusCode, sipe_platform::api::ApiError> {
    let _ = transfer::decide(&state.db, &audit, &access, id, false).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
