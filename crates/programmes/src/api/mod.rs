//! `/api/v1`: programmes and their rules, and a person's bank account; eligibility,
//! applications and payments in their own files (re-exported here, as the route table
//! and the API document name them).

mod applications;
mod compliance;
mod documents;
mod eligibility;
mod national;
mod payments;

pub use applications::*;
pub use compliance::*;
pub use documents::*;
pub use eligibility::*;
pub use national::*;
pub use payments::*;

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

/// A programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProgrammeDto {
    /// Id.
    pub id: Uuid,
    /// Prefix of its approval numbers.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Its date.
    pub legal_date: Option<chrono::NaiveDate>,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day.
    pub ends_on: Option<chrono::NaiveDate>,
    /// Funding source.
    pub funding_source: Option<String>,
    /// Longest stay, months.
    pub max_months: Option<i32>,
    /// Documents an application needs.
    pub required_documents: Vec<String>,
    /// Most people at once.
    pub quota_total: Option<i32>,
    /// Taking applications?
    pub active: bool,
    /// How a month is paid.
    pub payment_rule: String,
    /// Amounts per category from a date, in pesos.
    pub amounts: Vec<AmountDto>,
}

/// An amount in force from a date.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AmountDto {
    /// Category.
    pub category: String,
    /// In force from.
    pub effective_from: chrono::NaiveDate,
    /// Pesos a month.
    pub amount: f64,
}

async fn programme_dto(state: &AppState, id: Uuid) -> Result<ProgrammeDto, ApiError> {
    let p = crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let amounts = crate::programmes::amounts_of(&state.db, id).await?;
    Ok(ProgrammeDto {
        id: p.id,
        code: p.code,
        name: p.name,
        kind: p.kind,
        legal_basis: p.legal_basis,
        legal_date: p.legal_date,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        funding_source: p.funding_source,
        max_months: p.max_months,
        required_documents: p
            .required_documents
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        quota_total: p.quota_total,
        active: p.active,
        payment_rule: p.payment_rule,
        amounts: amounts
            .into_iter()
            .map(|a| AmountDto {
                category: a.category,
                effective_from: a.effective_from,
                amount: a.amount_cents as f64 / 100.0,
            })
            .collect(),
    })
}

/// Paging and text of the list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Words of the code or name.
    pub q: Option<String>,
    /// Sort column: `name`, `code`, `starts_on`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// The programmes.
#[utoipa::path(get, path = "/api/v1/programmes", params(ListParams),
    responses((status = 200, body = sipe_platform::api::Page<ProgrammeDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_programmes(
    State(state): State<AppState>,
    axum::extract::Query(p): axum::extract::Query<ListParams>,
) -> Result<Json<sipe_platform::api::Page<ProgrammeDto>>, ApiError> {
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programmes",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &crate::programmes::SORTS,
        false,
    )?;
    let q = sipe_platform::validation::search_text("q", p.q.as_deref().unwrap_or_default())?;
    let (rows, total) = crate::programmes::list(&state.db, &q, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(programme_dto(&state, r.id).await?);
    }
    Ok(Json(sipe_platform::api::Page { items, total }))
}

/// One programme.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_programme(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<ProgrammeDto>, ApiError> {
    Ok(Json(programme_dto(&state, id).await?))
}

/// Adds a programme.
#[utoipa::path(post, path = "/api/v1/programmes", request_body = crate::programmes::ProgrammeInput,
    responses((status = 201, body = ProgrammeDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_programme(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<crate::programmes::ProgrammeInput>,
) -> Result<(axum::http::StatusCode, Json<ProgrammeDto>), ApiError> {
    let id = crate::programmes::create(&state.db, &ctx, &input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(programme_dto(&state, id).await?),
    ))
}

/// Replaces a programme's fields and amounts.
#[utoipa::path(put, path = "/api/v1/programmes/{id}", request_body = crate::programmes::ProgrammeInput,
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_programme(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::programmes::ProgrammeInput>,
) -> Result<Json<ProgrammeDto>, ApiError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    crate::programmes::update(&state.db, &ctx, id, &input, today).await?;
    Ok(Json(programme_dto(&state, id).await?))
}

/// A programme's rules: eligibility criteria, quotas per office, incompatibilities.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/rules", params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = crate::rules::Rules), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_rules(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<crate::rules::Rules>, ApiError> {
    crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(crate::rules::read(&state.db, id).await?))
}

/// Replaces a programme's rules. Criteria are typed (`{"kind": "age", "min": 18,
/// "max": 24}`), at most one of each kind; errors name the rules form's fields.
#[utoipa::path(put, path = "/api/v1/programmes/{id}/rules", request_body = crate::rules::RulesInput,
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = crate::rules::Rules), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn set_rules(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::rules::RulesInput>,
) -> Result<Json<crate::rules::Rules>, ApiError> {
    crate::rules::set(&state.db, &ctx, id, &input).await?;
    Ok(Json(crate::rules::read(&state.db, id).await?))
}

/// Paging of a list (eligible people, a run's lines).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Today in the deployment's time zone.
fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}
