//! The phone line under `/api/v1`: the PBX's CTI webhook (`/api/v1/cti/{token}`, as
//! Zammad's generic CTI), the caller log and calling a missed call back.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::CtiEvent;
use super::hub::PhoneHub;
use super::store::{self, Which};
use super::{CtiToken, service};
use crate::entity::phone_call;
use sipe_platform::api::{ApiAccess, ApiError, Page};
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// The largest event taken (an event is a few hundred bytes).
const MAX_BODY: usize = 16 * 1024;

/// The PBX's call events, as for Zammad's generic CTI: `event` (`newCall`, `answer`,
/// `hangup`), `from`, `to`, `direction` (`in`, `out`), `callId`, `user` (`user[]` in
/// forms), `queue`, `cause`, `answeringNumber` (the sipe username, e-mail or user id
/// of who answered). JSON or form fields. The answer is `{}` (sipe neither rejects
/// callers nor sets caller ids).
#[utoipa::path(post, path = "/api/v1/cti/{token}",
    params(("token" = String, Path, description = "The configured cti_token")),
    request_body(content = String, description = "One event: JSON or form fields", content_type = "application/json"),
    responses((status = 200, body = Object, description = "Taken: {}"),
        (status = 400, body = sipe_platform::api::Problem, description = "Not an event, or a field wrong"),
        (status = 404, body = sipe_platform::api::Problem, description = "Wrong token, or no cti_token configured")))]
pub async fn webhook(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let known = state
        .extensions
        .get::<CtiToken>()
        .is_some_and(|t| token.len() <= 200 && t.0.matches(&token));
    if !known {
        // The same answer as for any unknown path: the URL is the secret.
        return Err(ApiError::NotFound);
    }
    if body.len() > MAX_BODY {
        return Err(ApiError::BadRequest("body: larger than 16 KiB".into()));
    }
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    let event = if json {
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| ApiError::BadRequest("body: not JSON".into()))?;
        CtiEvent::from_json(&value)
    } else {
        CtiEvent::from_fields(
            form_urlencoded::parse(&body).map(|(k, v)| (field_name(&k), v.into_owned())),
        )
    }
    .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let hub = state.extensions.get::<PhoneHub>();
    service::apply(&state.db, state.tz, hub, &event).await?;
    Ok(Json(serde_json::json!({})))
}

/// The webhook's known field names as `'static` (others are ignored).
fn field_name(k: &str) -> &'static str {
    const KNOWN: [&str; 10] = [
        "event",
        "from",
        "to",
        "direction",
        "callId",
        "user",
        "user[]",
        "queue",
        "cause",
        "answeringNumber",
    ];
    KNOWN.iter().find(|n| **n == k).copied().unwrap_or("")
}

/// A call of the line, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDto {
    /// Id.
    pub id: Uuid,
    /// The PBX's `callId`.
    pub call_id: String,
    /// `in` or `out`.
    pub direction: String,
    /// Calling number.
    pub from: String,
    /// Called number.
    pub to: String,
    /// `ringing`, `answered`, `ended`.
    pub state: String,
    /// Why it ended.
    pub cause: Option<String>,
    /// Nobody answered it.
    pub missed: bool,
    /// The person, when one record has the phone and the reader may see it.
    pub person_id: Option<Uuid>,
    /// Who answered.
    pub answered_by_name: Option<String>,
    /// The consultation opened for it.
    pub interaction_id: Option<Uuid>,
    /// First heard of.
    pub started_at: DateTime<Utc>,
    /// Answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Seconds from the answer to the end.
    pub talk_seconds: Option<i64>,
    /// Called back.
    pub callback_at: Option<DateTime<Utc>>,
    /// By whom.
    pub callback_by_name: Option<String>,
}

impl CallDto {
    /// The call, naming its person only when `visible`.
    pub fn of(c: phone_call::Model, visible: bool) -> Self {
        CallDto {
            talk_seconds: c
                .answered_at
                .zip(c.ended_at)
                .map(|(a, e)| (e - a).num_seconds().max(0)),
            id: c.id,
            call_id: c.call_id,
            direction: c.direction,
            from: c.from_number,
            to: c.to_number,
            state: c.state,
            cause: c.cause,
            missed: c.missed,
            person_id: c.person_id.filter(|_| visible),
            answered_by_name: c.answered_by_name,
            interaction_id: c.interaction_id,
            started_at: c.started_at,
            answered_at: c.answered_at,
            ended_at: c.ended_at,
            callback_at: c.callback_at,
            callback_by_name: c.callback_by_name,
        }
    }
}

/// The caller log's filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct CallParams {
    /// `true`: only missed calls nobody has called back.
    pub missed: Option<bool>,
    /// `started_at` (default) or `state`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (default 25, at most 100).
    pub per_page: Option<u64>,
}

/// Which of these calls' people the reader may see.
pub(crate) async fn visible_people(
    state: &AppState,
    access: &sipe_platform::access::Access,
    rows: &[phone_call::Model],
) -> Result<std::collections::HashSet<Uuid>, sea_orm::DbErr> {
    let ids: Vec<PersonId> = rows
        .iter()
        .filter_map(|c| c.person_id.map(PersonId))
        .collect();
    let offices =
        sipe_platform::territory::store::office_ids_in_scope(&state.db, &access.view).await?;
    Ok(sipe_persons::store::names_of(&state.db, ids)
        .await?
        .into_iter()
        .filter(|n| n.merged_into.is_none())
        .filter(|n| offices.as_ref().is_none_or(|v| v.contains(&n.office_id.0)))
        .map(|n| n.id.0)
        .collect())
}

/// The line's calls, newest first (`missed=true`: the missed ones to call back).
#[utoipa::path(get, path = "/api/v1/phone-calls", params(CallParams),
    responses((status = 200, body = Page<CallDto>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Query(p): Query<CallParams>,
) -> Result<Json<Page<CallDto>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/phone-calls",
        &ListQuery::from_api(p.page, p.per_page, p.sort.clone(), p.dir.clone()),
        &store::SORTS,
        true,
    )?;
    let which = if p.missed.unwrap_or(false) {
        Which::MissedPending
    } else {
        Which::All
    };
    let (rows, total) = store::list(&state.db, which, &pager).await?;
    let visible = visible_people(&state, &access, &rows).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "attention.phone.list",
        "/api/v1/phone-calls",
        visible.iter().copied().map(PersonId),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(Page {
        items: rows
            .into_iter()
            .map(|c| {
                let shown = c.person_id.is_some_and(|p| visible.contains(&p));
                CallDto::of(c, shown)
            })
            .collect(),
        total,
    }))
}

/// What calling back opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackDto {
    /// The outbound phone consultation, open and assigned to the caller.
    pub interaction_id: Uuid,
}

/// Calls a missed call back: an outbound phone consultation assigned to the caller;
/// the call leaves the missed list. 409 when someone already did.
#[utoipa::path(post, path = "/api/v1/phone-calls/{id}/callback",
    params(("id" = Uuid, Path, description = "Call id")),
    responses((status = 201, body = CallbackDto), (status = 404, body = sipe_platform::api::Problem),
        (status = 409, body = sipe_platform::api::Problem)))]
pub async fn callback(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<CallbackDto>), ApiError> {
    let interaction_id = service::call_back(&state.db, state.tz, &ctx, &access, id).await?;
    Ok((StatusCode::CREATED, Json(CallbackDto { interaction_id })))
}
