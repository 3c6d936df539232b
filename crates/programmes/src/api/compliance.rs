//! `/api/v1`: the compliance review queue, deciding a proposal, and starting a check.

use axum::Json;
use axum::extract::{Path, State};

use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

use super::today;
use crate::compliance::service::DecisionInput;
use crate::compliance::store::{self, ReviewRow};

/// Filters and paging of the queue.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ComplianceParams {
    /// One state: `open` (the default), `confirmed`, `dismissed`, `lapsed`.
    pub state: Option<String>,
    /// One programme.
    pub programme_id: Option<Uuid>,
    /// One reason: `hired`, `aged_out`, `incompatible`, `not_eligible`.
    pub reason: Option<String>,
    /// Sort column: `found_at`, `since`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Proposals of the compliance check about people in the caller's view scope (the
/// people listed are recorded as read).
#[utoipa::path(get, path = "/api/v1/programme-compliance", params(ComplianceParams),
    responses((status = 200, body = sipe_platform::api::Page<ReviewRow>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_compliance(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    axum::extract::Query(p): axum::extract::Query<ComplianceParams>,
) -> Result<Json<sipe_platform::api::Page<ReviewRow>>, ApiError> {
    let invalid = |field| {
        ApiError::Invalid(sipe_platform::validation::FieldErrors::one(
            field,
            "field-choice-invalid",
        ))
    };
    let filter = store::Filter {
        state: match p.state.as_deref() {
            None => None,
            s => Some(store::state_of(s).ok_or_else(|| invalid("state"))?),
        },
        programme: p.programme_id,
        reason: match p.reason.as_deref() {
            None => None,
            Some(r) if crate::compliance::REASONS.contains(&r) => Some(r.to_owned()),
            Some(_) => return Err(invalid("reason")),
        },
    };
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programme-compliance",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &store::SORTS,
        true,
    )?;
    let (items, total) = store::list(&state.db, &access, &filter, &pager, today(&state)).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "programmes.compliance.list",
        "",
        items
            .iter()
            .map(|r| sipe_platform::ids::PersonId(r.person_id)),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(sipe_platform::api::Page { items, total }))
}

/// Confirms (the application takes the proposed step) or dismisses (with a note) an
/// open proposal about a person of the caller's capture scope.
#[utoipa::path(post, path = "/api/v1/programme-compliance/{id}/decision", request_body = DecisionInput,
    params(("id" = Uuid, Path, description = "Proposal id")),
    responses((status = 200, body = ReviewRow), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "Invalid decision, a proposal decided meanwhile, or a step the application no longer allows")))]
pub async fn decide_compliance(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<ReviewRow>, ApiError> {
    let saved =
        crate::compliance::service::decide(&state.db, &ctx, &access, id, &input, today(&state))
            .await?;
    let row = store::rows_of(&state.db, vec![saved], today(&state))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(Json(row))
}

/// Whether a check was queued.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ScanQueued {
    /// False when one is already queued or running.
    pub queued: bool,
}

/// Queues a compliance check of every beneficiary now (it also runs every night): 202,
/// or 409 while one is queued or running.
#[utoipa::path(post, path = "/api/v1/programme-compliance/scan",
    responses((status = 202, body = ScanQueued), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn scan_compliance(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
) -> Result<(axum::http::StatusCode, Json<ScanQueued>), ApiError> {
    if !crate::compliance::scan::queue(&state.db, &ctx, today(&state)).await? {
        return Err(ApiError::Conflict(
            "a compliance check is already queued or running".into(),
        ));
    }
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(ScanQueued { queued: true }),
    ))
}
