//! Saving, listing and deleting one's searches: from the persons list and the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{SavedSearch, filters_from_query};
use crate::filters::PersonFilters;
use crate::service::PersonError;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, WebError};

/// The list's filters and the name to save them under.
#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    name: String,
    #[serde(flatten)]
    filters: PersonFilters,
}

/// `POST /persons/searches`: back to the same list, saying what happened.
pub async fn save(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<SaveForm>,
) -> Result<Response, WebError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let back = format!("/persons?{}", form.filters.query_string());
    match super::save(
        &state.db,
        &audit,
        &user.access,
        &form.name,
        &form.filters,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "saved-search-saved")),
        Err(PersonError::Invalid(errors)) => Ok(redirect_with_flash(
            &back,
            "error",
            errors.0.first().map_or("form-has-errors", |e| e.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /persons/searches/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    super::delete(&state.db, &audit, user.access.actor.user_id, id).await?;
    Ok(redirect_with_flash(
        "/persons",
        "success",
        "saved-search-deleted",
    ))
}

/// A saved search.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedSearchDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The filters, as the persons list's query string (`employment=unemployed&age_max=24`).
    pub query: String,
    /// Saved.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<SavedSearch> for SavedSearchDto {
    fn from(s: SavedSearch) -> Self {
        SavedSearchDto {
            id: s.id,
            name: s.name,
            query: s.query,
            created_at: s.created_at,
        }
    }
}

/// A search to save.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SavedSearchInput {
    /// Name, unique among the caller's (up to 80 characters).
    pub name: String,
    /// The filters as the persons list's query string: `q`, `office`, `department`,
    /// `sex`, `age_min`, `age_max`, `education`, `employment`, `disability`, `occupation`.
    pub query: String,
}

/// The caller's saved searches.
#[utoipa::path(get, path = "/api/v1/saved-searches",
    responses((status = 200, body = Vec<SavedSearchDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
) -> Result<Json<Vec<SavedSearchDto>>, ApiError> {
    Ok(Json(
        super::mine(&state.db, access.actor.user_id)
            .await?
            .into_iter()
            .map(SavedSearchDto::from)
            .collect(),
    ))
}

/// Saves a search for the caller.
#[utoipa::path(post, path = "/api/v1/saved-searches", request_body = SavedSearchInput,
    responses((status = 201, body = SavedSearchDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_save(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<SavedSearchInput>,
) -> Result<(StatusCode, Json<SavedSearchDto>), ApiError> {
    if input.query.chars().count() > 2_000 {
        return Err(sipe_platform::validation::FieldErrors::one("query", "field-too-long").into());
    }
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let filters = filters_from_query(&input.query);
    let id = super::save(&state.db, &ctx, &access, &input.name, &filters, today).await?;
    let saved = super::find_own(&state.db, access.actor.user_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", params(("id" = Uuid, Path, description = "Saved search id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_delete(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    super::delete(&state.db, &ctx, access.actor.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
