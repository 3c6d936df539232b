//! `/api/v1/employers`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::entity::{employer, employer_agreement, employer_contact, employer_site};
use super::input::{AgreementInput, ContactInput, EmployerInput, ItemInput, ItemKind, SiteInput};
use super::service::{self};
use super::store::{self, EmployerFilter};
use crate::activity;
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// An employer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmployerDto {
    /// Id.
    pub id: Uuid,
    /// CUIT, 11 digits.
    pub cuit: String,
    /// Razón social.
    pub legal_name: String,
    /// Nombre de fantasía.
    pub trade_name: Option<String>,
    /// ISIC Rev.4 / CLAE code.
    pub activity_code: Option<String>,
    /// Title of the code's ISIC division.
    pub activity: Option<String>,
    /// Size band.
    pub size_band: Option<String>,
    /// Managing office.
    pub office_id: Uuid,
    /// Address of the main site.
    pub address: Option<String>,
    /// Department of the main site.
    pub territory_code: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Internal notes.
    pub notes: Option<String>,
    /// Active relationship?
    pub active: bool,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Contacts (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<ContactDto>>,
    /// Other sites besides the main address (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<SiteDto>>,
    /// Agreements with the office (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreements: Option<Vec<AgreementDto>>,
}

impl From<employer::Model> for EmployerDto {
    fn from(e: employer::Model) -> Self {
        Self {
            activity: e
                .activity_code
                .as_deref()
                .and_then(activity::division_of)
                .map(|d| d.title.clone()),
            id: e.id,
            cuit: e.cuit,
            legal_name: e.legal_name,
            trade_name: e.trade_name,
            activity_code: e.activity_code,
            size_band: e.size_band,
            office_id: e.office_id,
            address: e.address,
            territory_code: e.territory_code,
            phone: e.phone,
            email: e.email,
            website: e.website,
            notes: e.notes,
            active: e.active,
            created_at: e.created_at,
            updated_at: e.updated_at,
            contacts: None,
            sites: None,
            agreements: None,
        }
    }
}

/// Another site of the employer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: Option<String>,
    /// Department (INDEC code).
    pub territory_code: String,
}

impl From<employer_site::Model> for SiteDto {
    fn from(s: employer_site::Model) -> Self {
        Self {
            id: s.id,
            name: s.name,
            address: s.address,
            territory_code: s.territory_code,
        }
    }
}

/// A contact person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

impl From<employer_contact::Model> for ContactDto {
    fn from(c: employer_contact::Model) -> Self {
        Self {
            id: c.id,
            name: c.name,
            role: c.role,
            phone: c.phone,
            email: c.email,
        }
    }
}

/// An agreement with the office.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    /// Id.
    pub id: Uuid,
    /// `collaboration`, `internships`, `programme`, `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Signed on.
    pub signed_on: chrono::NaiveDate,
    /// Ends on.
    pub expires_on: Option<chrono::NaiveDate>,
    /// Notes.
    pub notes: Option<String>,
}

impl From<employer_agreement::Model> for AgreementDto {
    fn from(a: employer_agreement::Model) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            title: a.title,
            signed_on: a.signed_on,
            expires_on: a.expires_on,
            notes: a.notes,
        }
    }
}

/// Query of the employers list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct EmployerParams {
    /// Words of the legal or trade name, or digits of the CUIT.
    pub q: Option<String>,
    /// ISIC division (two digits).
    pub division: Option<String>,
    /// Size band.
    pub size_band: Option<String>,
    /// `true`: active relationships only; `false`: inactive only.
    pub active: Option<bool>,
    /// `legal_name` (default), `cuit`, `activity`, `updated_at`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// The sortable columns of employer lists (the first is the default).
pub const SORTS: [&str; 4] = ["legal_name", "cuit", "activity", "updated_at"];

/// Employers managed by offices in the caller's view scope.
#[utoipa::path(get, path = "/api/v1/employers", params(EmployerParams),
    responses((status = 200, body = Page<EmployerDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_employers(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(p): Query<EmployerParams>,
) -> Result<Json<Page<EmployerDto>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/employers",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &SORTS,
        false,
    )?;
    let filter = EmployerFilter {
        q: sipe_platform::validation::search_text("q", p.q.as_deref().unwrap_or_default())?,
        division: p.division.filter(|d| activity::division_of(d).is_some()),
        size_band: p.size_band.filter(|b| !b.is_empty()),
        office_id: None,
        active: p.active,
    };
    let (rows, total) = store::list_employers(&state.db, &access, &filter, &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

async fn detail(state: &AppState, e: employer::Model) -> Result<EmployerDto, ApiError> {
    let contacts = store::contacts(&state.db, e.id).await?;
    let agreements = store::agreements(&state.db, e.id).await?;
    let sites = store::sites(&state.db, e.id).await?;
    Ok(EmployerDto {
        contacts: Some(contacts.into_iter().map(Into::into).collect()),
        sites: Some(sites.into_iter().map(Into::into).collect()),
        agreements: Some(agreements.into_iter().map(Into::into).collect()),
        ..e.into()
    })
}

async fn visible(
    state: &AppState,
    access: &sipe_platform::access::Access,
    id: Uuid,
) -> Result<employer::Model, ApiError> {
    store::find_employer(&state.db, access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One employer with its contacts and agreements (404 outside the view scope).
#[utoipa::path(get, path = "/api/v1/employers/{id}", params(("id" = Uuid, Path, description = "Employer id")),
    responses((status = 200, body = EmployerDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_employer(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<EmployerDto>, ApiError> {
    let e = visible(&state, &access, id).await?;
    Ok(Json(detail(&state, e).await?))
}

/// Registers an employer. A CUIT already registered gives 409 with the existing
/// employer's address when the caller may see it.
#[utoipa::path(post, path = "/api/v1/employers", request_body = EmployerInput,
    responses((status = 201, body = EmployerDto), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_employer(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<EmployerInput>,
) -> Result<(StatusCode, Json<EmployerDto>), ApiError> {
    let id = service::create_employer(&state.db, &ctx, &access, &input).await?;
    let e = visible(&state, &access, id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
}

/// Replaces an employer's fields (capture scope; `contacts` is ignored here).
#[utoipa::path(patch, path = "/api/v1/employers/{id}", request_body = EmployerInput,
    params(("id" = Uuid, Path, description = "Employer id")),
    responses((status = 200, body = EmployerDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_employer(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<EmployerInput>,
) -> Result<Json<EmployerDto>, ApiError> {
    service::update_employer(&state.db, &ctx, &access, id, &input).await?;
    let e = visible(&state, &access, id).await?;
    Ok(Json(detail(&state, e).await?))
}

/// Adds a contact person.
#[utoipa::path(post, path = "/api/v1/employers/{id}/contacts", request_body = ContactInput,
    params(("id" = Uuid, Path, description = "Employer id")),
    responses((status = 201, body = EmployerDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<EmployerDto>), ApiError> {
    service::add_item(&state.db, &ctx, &access, id, input.item()).await?;
    let e = visible(&state, &access, id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
}

/// Adds another site (plant, branch, warehouse) in a department.
#[utoipa::path(post, path = "/api/v1/employers/{id}/sites", request_body = SiteInput,
    params(("id" = Uuid, Path, description = "Employer id")),
    responses((status = 201, body = EmployerDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn add_site(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<SiteInput>,
) -> Result<(StatusCode, Json<EmployerDto>), ApiError> {
    service::add_item(&state.db, &ctx, &access, id, input.item()).await?;
    let e = visible(&state, &access, id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
}

/// Removes one of the employer's other sites.
#[utoipa::path(delete, path = "/api/v1/employers/{id}/sites/{site_id}",
    params(("id" = Uuid, Path, description = "Employer id"), ("site_id" = Uuid, Path, description = "Site id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn remove_site(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path((id, site_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    service::remove_item(&state.db, &ctx, &access, id, ItemKind::Site, site_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a contact person.
#[utoipa::path(delete, path = "/api/v1/employers/{id}/contacts/{contact_id}",
    params(("id" = Uuid, Path, description = "Employer id"), ("contact_id" = Uuid, Path, description = "Contact id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn remove_contact(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path((id, contact_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    service::remove_item(&state.db, &ctx, &access, id, ItemKind::Contact, contact_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an agreement with the employer's office.
#[utoipa::path(post, path = "/api/v1/employers/{id}/agreements", request_body = AgreementInput,
    params(("id" = Uuid, Path, description = "Employer id")),
    responses((status = 201, body = EmployerDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn add_agreement(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AgreementInput>,
) -> Result<(StatusCode, Json<EmployerDto>), ApiError> {
    service::add_item(&state.db, &ctx, &access, id, input.item()).await?;
    let e = visible(&state, &access, id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
}

/// Removes an agreement recorded by mistake.
#[utoipa::path(delete, path = "/api/v1/employers/{id}/agreements/{agreement_id}",
    params(("id" = Uuid, Path, description = "Employer id"), ("agreement_id" = Uuid, Path, description = "Agreement id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn remove_agreement(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path((id, agreement_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    service::remove_item(
        &state.db,
        &ctx,
        &access,
        id,
        ItemKind::Agreement,
        agreement_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
