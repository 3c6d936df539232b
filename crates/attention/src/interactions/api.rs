//! `/api/v1/interactions`: consultations from every channel, and their topics.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{Channel, InteractionStatus};
use super::service::{self, Interaction, InteractionInput, StatusChange};
use super::store::{self, Filter};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

fn audit_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!(e.to_string()))
}

/// Records a consultation; it appears on the person's timeline.
#[utoipa::path(post, path = "/api/v1/interactions", request_body = InteractionInput,
    responses((status = 201, body = Interaction), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<InteractionInput>,
) -> Result<(StatusCode, Json<Interaction>), ApiError> {
    let i = service::record(&state.db, state.tz, &ctx, &access, &input).await?;
    Ok((StatusCode::CREATED, Json(i)))
}

/// Filters of the list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// open, waiting_person, waiting_area, resolved.
    pub status: Option<String>,
    /// phone, email, whatsapp, social, web, counter, sms.
    pub channel: Option<String>,
    /// One person's.
    pub person_id: Option<Uuid>,
    /// A topic code.
    pub topic: Option<String>,
    /// Only those assigned to the caller.
    pub mine: Option<bool>,
    /// Only those past their first-answer or resolution time, not resolved.
    pub breached: Option<bool>,
    /// `created_at` (default), `updated_at`, `status`, `resolution_due`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (default 25, at most 100).
    pub per_page: Option<u64>,
}

impl ListParams {
    /// The filter, or what is wrong in it.
    pub fn filter(&self, me: Uuid) -> Result<Filter, FieldErrors> {
        fn code(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        Ok(Filter {
            status: match code(&self.status) {
                Some(s) => Some(
                    InteractionStatus::parse(s)
                        .ok_or_else(|| FieldErrors::one("status", "attention-istatus-invalid"))?,
                ),
                None => None,
            },
            channel: match code(&self.channel) {
                Some(c) => Some(
                    Channel::parse(c)
                        .ok_or_else(|| FieldErrors::one("channel", "attention-channel-invalid"))?,
                ),
                None => None,
            },
            person_id: self.person_id,
            assigned_to: self.mine.unwrap_or(false).then_some(me),
            topic: code(&self.topic)
                .filter(|t| t.len() <= 40)
                .map(str::to_owned),
            office_id: None,
            breached_at: self.breached.unwrap_or(false).then(chrono::Utc::now),
        })
    }
}

/// Consultations of the caller's view scope, newest first.
#[utoipa::path(get, path = "/api/v1/interactions", params(ListParams),
    responses((status = 200, body = Page<Interaction>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<Interaction>>, ApiError> {
    let filter = p.filter(access.actor.user_id)?;
    let pager = Pager::new(
        "/api/v1/interactions",
        &ListQuery::from_api(p.page, p.per_page, p.sort.clone(), p.dir.clone()),
        &store::SORTS,
        true,
    )?;
    let (rows, total) = store::list(&state.db, &access, &filter, &pager).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "attention.interactions.list",
        "/api/v1/interactions",
        rows.iter().filter_map(|i| i.person_id.map(PersonId)),
    )
    .await
    .map_err(audit_failed)?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// One consultation (view scope of its office).
#[utoipa::path(get, path = "/api/v1/interactions/{id}",
    params(("id" = Uuid, Path, description = "Interaction id")),
    responses((status = 200, body = Interaction), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Interaction>, ApiError> {
    let i = store::find(&state.db, &access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(p) = i.person_id {
        sipe_persons::service::record_read(&state.reads, &ctx, PersonId(p))
            .await
            .map_err(audit_failed)?;
    }
    Ok(Json(i.into()))
}

/// Changes a consultation's status (capture scope), at the version read.
#[utoipa::path(post, path = "/api/v1/interactions/{id}/status", request_body = StatusChange,
    params(("id" = Uuid, Path, description = "Interaction id")),
    responses((status = 200, body = Interaction), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<Interaction>, ApiError> {
    Ok(Json(
        service::change_status(&state.db, &ctx, &access, id, &change).await?,
    ))
}

/// A consultation's SMS or WhatsApp messages, oldest first (view scope).
#[utoipa::path(get, path = "/api/v1/interactions/{id}/messages",
    params(("id" = Uuid, Path, description = "Interaction id")),
    responses((status = 200, body = Page<sipe_messaging::conversation::ThreadMessage>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn messages(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Page<sipe_messaging::conversation::ThreadMessage>>, ApiError> {
    let i = store::find(&state.db, &access, ScopeKind::View, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(p) = i.person_id {
        sipe_persons::service::record_read(&state.reads, &ctx, PersonId(p))
            .await
            .map_err(audit_failed)?;
    }
    let items = super::conversation::messages(&state.db, id).await?;
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// What a reply queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyDto {
    /// The message queued; `null` when this key was sent before.
    pub message_id: Option<Uuid>,
}

/// Answers an SMS or WhatsApp conversation (capture scope); 409 on WhatsApp more than
/// 24 hours after the person last wrote (only an approved template goes then).
#[utoipa::path(post, path = "/api/v1/interactions/{id}/replies", request_body = super::conversation::ReplyInput,
    params(("id" = Uuid, Path, description = "Interaction id")),
    responses((status = 201, body = ReplyDto), (status = 404, body = sipe_platform::api::Problem),
        (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<super::conversation::ReplyInput>,
) -> Result<(StatusCode, Json<ReplyDto>), ApiError> {
    let message_id = super::conversation::reply(&state.db, &ctx, &access, id, &input).await?;
    Ok((StatusCode::CREATED, Json(ReplyDto { message_id })))
}

/// Assigns (to the caller, or to `assignee_id`) or resolves up to 100 consultations at
/// once; those out of reach are skipped and counted.
#[utoipa::path(post, path = "/api/v1/interactions/bulk", request_body = service::InteractionBulkInput,
    responses((status = 200, body = service::InteractionBulkOutcome), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn bulk(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<service::InteractionBulkInput>,
) -> Result<Json<service::InteractionBulkOutcome>, ApiError> {
    Ok(Json(service::bulk(&state.db, &ctx, &access, &input).await?))
}

/// A topic of consultations.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicDto {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Offered for new consultations.
    pub active: bool,
}

/// The topics of consultations.
#[utoipa::path(get, path = "/api/v1/interaction-topics",
    responses((status = 200, body = Page<TopicDto>)))]
pub async fn topics(
    State(state): State<AppState>,
    ApiAccess(_): ApiAccess,
) -> Result<Json<Page<TopicDto>>, ApiError> {
    let items: Vec<TopicDto> = store::topics(&state.db, false)
        .await?
        .into_iter()
        .map(|t| TopicDto {
            code: t.code,
            name: t.name,
            active: t.active,
        })
        .collect();
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}
