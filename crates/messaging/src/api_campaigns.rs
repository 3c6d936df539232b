//! Audiences and campaigns under `/api/v1`: counting an audience, saved audiences,
//! campaigns (create, launch or schedule, approve, reject, cancel) and their reports.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::audiences::{self, AudienceFilters, SavedAudience};
use crate::campaigns::{
    self, Campaign, CampaignChange, CampaignInput, CampaignReport, CampaignStep,
};
use crate::providers::Messaging;
use crate::web_campaigns::sources;
use sipe_persons::audience::ReachCounts;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page, PageParams};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// What an audience count asks: the filters, and the purpose messages would have
/// (`service` by default: only channel consents count).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct AudienceCount {
    /// The audience.
    #[serde(default)]
    pub filters: AudienceFilters,
    /// `service` or a consent purpose.
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Who an audience selects within the caller's view scope, and how many of them each
/// channel reaches (an address and that channel's consent, and the purpose's).
#[utoipa::path(post, path = "/api/v1/message-audiences/count", request_body = AudienceCount,
    responses((status = 200, body = ReachCounts), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn count(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    ApiJson(input): ApiJson<AudienceCount>,
) -> Result<Json<ReachCounts>, ApiError> {
    let purpose = input
        .purpose
        .unwrap_or_else(|| crate::domain::SERVICE.into());
    if !crate::domain::purposes().contains(&purpose.as_str()) {
        return Err(ApiError::Invalid(
            sipe_platform::validation::FieldErrors::one("purpose", "field-choice-invalid"),
        ));
    }
    let srcs = sources(&st);
    audiences::check(&st.db, &access, &srcs, &input.filters).await?;
    let today = chrono::Utc::now().with_timezone(&st.tz).date_naive();
    Ok(Json(
        audiences::count(&st.db, &access, &srcs, &input.filters, &purpose, today).await?,
    ))
}

/// Saved audiences of offices in the caller's view scope.
#[utoipa::path(get, path = "/api/v1/message-audiences", responses((status = 200, body = Vec<SavedAudience>)))]
pub async fn list_audiences(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
) -> Result<Json<Vec<SavedAudience>>, ApiError> {
    Ok(Json(audiences::list(&st.db, &access).await?))
}

/// A saved audience's name and filters.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct AudienceToSave {
    /// Name.
    pub name: String,
    /// AudienceFilters.
    #[serde(default)]
    pub filters: AudienceFilters,
}

/// Saves an audience (filters, never people).
#[utoipa::path(post, path = "/api/v1/message-audiences", request_body = AudienceToSave,
    responses((status = 201, body = SavedAudience), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn save_audience(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<AudienceToSave>,
) -> Result<(StatusCode, Json<SavedAudience>), ApiError> {
    let id = audiences::save(
        &st.db,
        &ctx,
        &access,
        &sources(&st),
        ("name", &input.name),
        &input.filters,
    )
    .await?;
    let saved = audiences::find(&st.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Query of the campaigns list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct CampaignParams {
    /// One state.
    pub state: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Campaigns of offices in the caller's view scope, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", params(CampaignParams),
    responses((status = 200, body = Page<Campaign>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(p): Query<CampaignParams>,
) -> Result<Json<Page<Campaign>>, ApiError> {
    let chosen = match p.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            campaigns::state::ALL
                .into_iter()
                .find(|x| *x == s)
                .ok_or_else(|| {
                    ApiError::Invalid(sipe_platform::validation::FieldErrors::one(
                        "state",
                        "field-choice-invalid",
                    ))
                })?,
        ),
    };
    let pager = Pager::new(
        "/api/v1/campaigns",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: None,
            dir: None,
        },
        &campaigns::SORTS,
        true,
    )?;
    let (items, total) = campaigns::list(&st.db, &access, chosen, &pager).await?;
    Ok(Json(Page { items, total }))
}

/// Prepares a campaign (a draft): a template with a variant for the channel, and an
/// audience of an office in the caller's view scope.
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    let settings = settings(&st)?;
    let id = campaigns::create(&st.db, &ctx, &access, &sources(&st), settings, &input).await?;
    let c = campaigns::find(&st.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// The messaging settings (the module runs with the server).
fn settings(st: &AppState) -> Result<&crate::config::Settings, ApiError> {
    st.extensions
        .get::<Messaging>()
        .map(|m| &m.settings)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("messaging is not running")))
}

/// Changes a draft (its author only); `version` is the one read.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}", params(("id" = Uuid, Path, description = "Campaign id")),
    request_body = CampaignChange,
    responses((status = 200, body = Campaign), (status = 404, body = sipe_platform::api::Problem),
        (status = 403, body = sipe_platform::api::Problem, description = "Not its author"),
        (status = 409, body = sipe_platform::api::Problem, description = "Changed meanwhile, or no longer a draft"),
        (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(change): ApiJson<CampaignChange>,
) -> Result<Json<Campaign>, ApiError> {
    let settings = settings(&st)?;
    campaigns::update(&st.db, &ctx, &access, &sources(&st), settings, id, &change).await?;
    Ok(Json(
        campaigns::find(&st.db, &access, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// One campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = Uuid, Path, description = "Campaign id")),
    responses((status = 200, body = Campaign), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(
        campaigns::find(&st.db, &access, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// A step: `launch` (its author; `scheduled_at` `YYYY-MM-DDTHH:MM` local, empty for
/// now; above the approval threshold it waits for a second user), `approve` or
/// `reject` (another user who may approve), `cancel`. `version` is the one read.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/steps", params(("id" = Uuid, Path, description = "Campaign id")),
    request_body = CampaignStep,
    responses((status = 200, body = Campaign), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "A step the state or the user does not allow")))]
pub async fn step(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CampaignStep>,
) -> Result<Json<Campaign>, ApiError> {
    let settings = settings(&st)?;
    Ok(Json(
        campaigns::step(
            &st.db,
            &ctx,
            &access,
            &sources(&st),
            settings,
            st.tz,
            id,
            &input,
        )
        .await?,
    ))
}

/// A campaign's report: messages by status, failures by reason, opt-outs, cost.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report", params(("id" = Uuid, Path, description = "Campaign id")),
    responses((status = 200, body = CampaignReport), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn report(
    State(st): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
    Query(_p): Query<PageParams>,
) -> Result<Json<CampaignReport>, ApiError> {
    campaigns::find(&st.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(campaigns::report(&st.db, id).await?))
}
