//! `/api/v1`: who is eligible for a programme, and a person's eligibility explained.

use axum::Json;
use axum::extract::{Path, State};

use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

use super::{PageParams, today};

/// Who is eligible for a programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligibleDto {
    /// Eligible people over the whole registry: per office of the caller's view scope,
    /// the other offices together, and the total.
    pub counts: crate::eligibility::who::Counts,
    /// A page of the eligible people within the caller's view scope.
    pub items: Vec<EligiblePerson>,
    /// How many eligible people are within the caller's view scope.
    pub total: u64,
}

/// An eligible person.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligiblePerson {
    /// Person id.
    pub id: Uuid,
    /// Document number.
    pub doc_number: String,
    /// Surnames, names.
    pub name: String,
    /// Office id.
    pub office_id: Uuid,
}

/// Who is eligible for a programme today: counts per office, and the people in scope
/// (each one's read audited).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/eligible", params(("id" = Uuid, Path, description = "Programme id"), PageParams),
    responses((status = 200, body = EligibleDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn eligible(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    axum::extract::Query(p): axum::extract::Query<PageParams>,
) -> Result<Json<EligibleDto>, ApiError> {
    use crate::eligibility::who;
    crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programmes/eligible",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            ..Default::default()
        },
        &["name"],
        false,
    )?;
    let criteria = crate::eligibility::store::of(&state.db, id).await?;
    let day = today(&state);
    let counts = who::counts(&state.db, &access, id, &criteria, day).await?;
    let (rows, total) = who::page(&state.db, &access, id, &criteria, day, &pager).await?;
    for r in &rows {
        sipe_persons::service::record_read(&state.reads, &ctx, sipe_platform::ids::PersonId(r.id))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    }
    Ok(Json(EligibleDto {
        counts,
        items: rows
            .into_iter()
            .map(|r| EligiblePerson {
                id: r.id,
                doc_number: r.doc_number,
                name: format!("{}, {}", r.surnames, r.names),
                office_id: r.office_id,
            })
            .collect(),
        total,
    }))
}

/// A person's eligibility for one programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligibilityDto {
    /// Programme id.
    pub programme_id: Uuid,
    /// Programme code.
    pub programme_code: String,
    /// Programme name.
    pub programme_name: String,
    /// Every criterion met?
    pub eligible: bool,
    /// Each criterion with its outcome, the person's value and the rule (Spanish).
    pub criteria: Vec<crate::eligibility::explain::Outcome>,
}

/// A person's eligibility for every programme in force, explained per criterion.
#[utoipa::path(get, path = "/api/v1/persons/{id}/eligibility", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<EligibilityDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn person_eligibility(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<EligibilityDto>>, ApiError> {
    let person = sipe_platform::ids::PersonId(id);
    let verdicts = crate::eligibility::who::in_force_for(
        &state.db,
        &access,
        person,
        today(&state),
        sipe_platform::i18n::Lang::EsAr,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &ctx, person)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(
        verdicts
            .into_iter()
            .map(|(p, v)| EligibilityDto {
                programme_id: p.id,
                programme_code: p.code,
                programme_name: p.name,
                eligible: v.eligible,
                criteria: v.criteria,
            })
            .collect(),
    ))
}
