//! `/api/v1`: a person's bank account.

use axum::Json;
use axum::extract::{Path, State};

use crate::bank::AccountInput;
use crate::bank::store::{self, BankAccount};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

/// The person's bank account (a person in the caller's view scope; the read is audited).
#[utoipa::path(get, path = "/api/v1/persons/{id}/bank-account", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = BankAccount), (status = 404, body = sipe_platform::api::Problem, description = "No such person in scope, or no account")))]
pub async fn show_account(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<BankAccount>, ApiError> {
    let account = store::read(&state.db, &access, id).await?;
    sipe_persons::service::record_read(&state.reads, &ctx, sipe_platform::ids::PersonId(id))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(account.ok_or(ApiError::NotFound)?))
}

/// Records the person's bank account: `{"cbu": "…"}` (22 digits, both check digits
/// valid) or `{"alias": "…"}`; a person in the caller's capture scope.
#[utoipa::path(put, path = "/api/v1/persons/{id}/bank-account", request_body = AccountInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = BankAccount), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error on `cbu` or `alias`")))]
pub async fn set_account(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<Json<BankAccount>, ApiError> {
    Ok(Json(
        store::set(&state.db, &ctx, &access, id, &input).await?,
    ))
}
