//! `/api/v1/offices` and `/api/v1/territories`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::OfficeInput;
use super::entity::{office, territory};
use super::service::{self};
use super::store;
use crate::api::{ApiAccess, ApiError, ApiJson, Page, PageParams};
use crate::web::AppState;
use crate::web::auth::Ctx;
use crate::web::table::{ListQuery, Pager};

/// An office as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeDto {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `employment_office`, `central_area` or `training_centre`.
    pub kind: String,
    /// Parent office id.
    pub parent_id: Option<Uuid>,
    /// Address.
    pub address: String,
    /// Territory where it stands.
    pub territory_code: Option<String>,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Opening hours.
    pub opening_hours: String,
    /// Active?
    pub active: bool,
    /// Covered territories (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Vec<String>>,
}

impl From<office::Model> for OfficeDto {
    fn from(o: office::Model) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            address: o.address,
            territory_code: o.territory_code,
            phone: o.phone,
            email: o.email,
            opening_hours: o.opening_hours,
            active: o.active,
            coverage: None,
        }
    }
}

/// A territory as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryDto {
    /// Code (`AR-90084`).
    pub code: String,
    /// `country`, `province`, `department`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Parent code.
    pub parent_code: Option<String>,
    /// INDEC code.
    pub indec_code: Option<String>,
    /// Census population, when known.
    pub population: Option<i64>,
}

impl From<territory::Model> for TerritoryDto {
    fn from(t: territory::Model) -> Self {
        Self {
            code: t.code,
            kind: t.kind,
            name: t.name,
            parent_code: t.parent_code,
            indec_code: t.indec_code,
            population: t.population,
        }
    }
}

fn pager(
    p: &PageParams,
    base: &str,
    columns: &[&str],
) -> Result<Pager, crate::web::table::PageTooDeep> {
    Pager::new(
        base,
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: None,
            dir: None,
        },
        columns,
        false,
    )
}

/// Offices in the caller's view scope.
#[utoipa::path(get, path = "/api/v1/offices", params(PageParams),
    responses((status = 200, body = Page<OfficeDto>), (status = 401, body = crate::api::Problem)))]
pub async fn list_offices(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<OfficeDto>>, ApiError> {
    let pager = pager(&p, "/api/v1/offices", &["code"])?;
    let (rows, total) =
        store::list_offices(&state.db, &access, &Default::default(), &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// One office in the caller's view scope (404 outside it).
#[utoipa::path(get, path = "/api/v1/offices/{id}", params(("id" = Uuid, Path, description = "Office id")),
    responses((status = 200, body = OfficeDto), (status = 404, body = crate::api::Problem)))]
pub async fn show_office(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<OfficeDto>, ApiError> {
    let o = store::find_office(&state.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let coverage = store::coverage(&state.db, o.id)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    Ok(Json(OfficeDto {
        coverage: Some(coverage),
        ..o.into()
    }))
}

/// Creates an office (admin).
#[utoipa::path(post, path = "/api/v1/offices", request_body = OfficeInput,
    responses((status = 201, body = OfficeDto), (status = 422, body = crate::api::Problem)))]
pub async fn create_office(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<OfficeInput>,
) -> Result<(StatusCode, Json<OfficeDto>), ApiError> {
    let id = service::create_office(&state.db, &ctx, &access, &input).await?;
    let o = store::find_office(&state.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

/// Replaces an office's fields (admin).
#[utoipa::path(patch, path = "/api/v1/offices/{id}", request_body = OfficeInput,
    params(("id" = Uuid, Path, description = "Office id")),
    responses((status = 200, body = OfficeDto), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn update_office(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<OfficeInput>,
) -> Result<Json<OfficeDto>, ApiError> {
    service::update_office(&state.db, &ctx, &access, id, &input).await?;
    let o = store::find_office(&state.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(o.into()))
}

/// Query of the territories list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TerritoryParams {
    /// Children of this code; provinces when absent.
    pub parent: Option<String>,
    /// 1-based page.
    #[serde(default, deserialize_with = "crate::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// Provinces, or the units below `parent`.
#[utoipa::path(get, path = "/api/v1/territories", params(TerritoryParams),
    responses((status = 200, body = Page<TerritoryDto>)))]
pub async fn list_territories(
    State(state): State<AppState>,
    Query(p): Query<TerritoryParams>,
) -> Result<Json<Page<TerritoryDto>>, ApiError> {
    let pager = pager(
        &PageParams {
            page: p.page,
            per_page: p.per_page,
        },
        "/api/v1/territories",
        &["code"],
    )?;
    let (rows, total) = store::list_territories(&state.db, p.parent.as_deref(), "", &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// One territory by code.
#[utoipa::path(get, path = "/api/v1/territories/{code}", params(("code" = String, Path, description = "Territory code, e.g. AR-90084")),
    responses((status = 200, body = TerritoryDto), (status = 404, body = crate::api::Problem)))]
pub async fn show_territory(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<TerritoryDto>, ApiError> {
    let t = store::find_territory(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(t.into()))
}
