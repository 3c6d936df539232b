//! `/api/v1`: an office's services, counters and tickets; a counter's "call next"; a
//! ticket's steps.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::desk::{self, CounterInput, ServiceInput};
use crate::entity::{counter, service};
use crate::tickets::service::{self as tickets, Called, Holding, Issuer, Queue, TicketStep};
use crate::tickets::{IssueInput, Ticket, TicketStatus};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// A service of an office.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDto {
    /// Id.
    pub id: Uuid,
    /// Letters before its tickets' numbers.
    pub prefix: String,
    /// Name.
    pub name: String,
    /// Order at the kiosk.
    pub position: i32,
    /// Offered for new tickets.
    pub active: bool,
    /// Minutes of an appointment slot (0: no appointments).
    pub slot_minutes: i32,
    /// People an appointment slot takes.
    pub slot_capacity: i32,
}

impl From<service::Model> for ServiceDto {
    fn from(s: service::Model) -> Self {
        ServiceDto {
            id: s.id,
            prefix: s.prefix,
            name: s.name,
            position: s.position,
            active: s.active,
            slot_minutes: s.slot_minutes,
            slot_capacity: s.slot_capacity,
        }
    }
}

/// A counter of an office.
#[derive(Debug, Serialize, ToSchema)]
pub struct CounterDto {
    /// Id.
    pub id: Uuid,
    /// Name shown on the display.
    pub name: String,
    /// Ids of the services it calls.
    pub services: Vec<Uuid>,
    /// In use.
    pub active: bool,
    /// The operator signed in to it.
    pub operator_name: Option<String>,
}

impl From<counter::Model> for CounterDto {
    fn from(c: counter::Model) -> Self {
        CounterDto {
            services: desk::store::services_of(&c),
            id: c.id,
            name: c.name,
            active: c.active,
            operator_name: c.operator_name,
        }
    }
}

/// An office code in the path.
type Code = Path<String>;

/// An office's services (view scope).
#[utoipa::path(get, path = "/api/v1/offices/{code}/services",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Page<ServiceDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_services(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(code): Code,
) -> Result<Json<Page<ServiceDto>>, ApiError> {
    let office = desk::store::office_in(&state.db, &access, ScopeKind::View, &code).await?;
    let items: Vec<ServiceDto> = desk::store::services(&state.db, office.id, false)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// Adds a service to an office (capture scope).
#[utoipa::path(post, path = "/api/v1/offices/{code}/services", request_body = ServiceInput,
    params(("code" = String, Path, description = "Office code")),
    responses((status = 201, body = ServiceDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_service(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Code,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<(StatusCode, Json<ServiceDto>), ApiError> {
    let id = desk::service::create_service(&state.db, &ctx, &access, &code, &input).await?;
    let (s, _) = desk::store::service_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Changes a service (capture scope of its office).
#[utoipa::path(put, path = "/api/v1/queue-services/{id}", request_body = ServiceInput,
    params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, body = ServiceDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_service(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<Json<ServiceDto>, ApiError> {
    desk::service::update_service(&state.db, &ctx, &access, id, &input).await?;
    let (s, _) = desk::store::service_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok(Json(s.into()))
}

/// An office's counters (view scope).
#[utoipa::path(get, path = "/api/v1/offices/{code}/counters",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Page<CounterDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_counters(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(code): Code,
) -> Result<Json<Page<CounterDto>>, ApiError> {
    let office = desk::store::office_in(&state.db, &access, ScopeKind::View, &code).await?;
    let items: Vec<CounterDto> = desk::store::counters(&state.db, office.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(Page {
        total: items.len() as u64,
        items,
    }))
}

/// Adds a counter to an office (capture scope).
#[utoipa::path(post, path = "/api/v1/offices/{code}/counters", request_body = CounterInput,
    params(("code" = String, Path, description = "Office code")),
    responses((status = 201, body = CounterDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_counter(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Code,
    ApiJson(input): ApiJson<CounterInput>,
) -> Result<(StatusCode, Json<CounterDto>), ApiError> {
    let id = desk::service::create_counter(&state.db, &ctx, &access, &code, &input).await?;
    let (c, _) = desk::store::counter_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Changes a counter (capture scope of its office).
#[utoipa::path(put, path = "/api/v1/counters/{id}", request_body = CounterInput,
    params(("id" = Uuid, Path, description = "Counter id")),
    responses((status = 200, body = CounterDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_counter(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CounterInput>,
) -> Result<Json<CounterDto>, ApiError> {
    desk::service::update_counter(&state.db, &ctx, &access, id, &input).await?;
    let (c, _) = desk::store::counter_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok(Json(c.into()))
}

/// Signs the caller in to a counter (capture scope), out of any other.
#[utoipa::path(post, path = "/api/v1/counters/{id}/sign-in",
    params(("id" = Uuid, Path, description = "Counter id")),
    responses((status = 200, body = CounterDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<CounterDto>, ApiError> {
    desk::service::sign_in(&state.db, &ctx, &access, id).await?;
    let (c, _) = desk::store::counter_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok(Json(c.into()))
}

/// Signs the caller out of their counter.
#[utoipa::path(post, path = "/api/v1/counters/sign-out",
    responses((status = 204)))]
pub async fn sign_out(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
) -> Result<StatusCode, ApiError> {
    desk::service::sign_out(&state.db, &ctx, &access).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Issues a ticket at reception (capture scope of the office).
#[utoipa::path(post, path = "/api/v1/offices/{code}/tickets", request_body = IssueInput,
    params(("code" = String, Path, description = "Office code")),
    responses((status = 201, body = Ticket), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn issue(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(code): Code,
    ApiJson(input): ApiJson<IssueInput>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let t = tickets::issue(
        &Queue::of(&state),
        &ctx,
        Issuer::Staff(&access),
        &code,
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Filters of an office's tickets.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TicketsQuery {
    /// Only tickets in this status.
    pub status: Option<String>,
    /// 1-based page (default 1).
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (default 25, at most 100).
    pub per_page: Option<u64>,
}

/// An office's tickets of today, in queue order (view scope).
#[utoipa::path(get, path = "/api/v1/offices/{code}/tickets",
    params(("code" = String, Path, description = "Office code"), TicketsQuery),
    responses((status = 200, body = Page<Ticket>), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_tickets(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(code): Code,
    Query(q): Query<TicketsQuery>,
) -> Result<Json<Page<Ticket>>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(TicketStatus::parse(s).ok_or_else(|| {
            sipe_platform::validation::FieldErrors::one("status", "attention-status-invalid")
        })?),
    };
    let office = desk::store::office_in(&state.db, &access, ScopeKind::View, &code).await?;
    let pager = Pager::new(
        "/api/v1/tickets",
        &ListQuery::from_api(q.page, q.per_page, None, None),
        &["queued_at"],
        false,
    )?;
    let day = tickets::today(&state);
    let (rows, total) =
        crate::tickets::store::list_day(&state.db, office.id, day, status, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for t in rows {
        items.push(tickets::describe(&state.db, t, &office.code).await?);
    }
    Ok(Json(Page { items, total }))
}

/// One ticket (view scope of its office).
#[utoipa::path(get, path = "/api/v1/tickets/{id}",
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, body = Ticket), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_ticket(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<Ticket>, ApiError> {
    let (t, office) =
        crate::tickets::store::ticket_in(&state.db, &access, ScopeKind::View, id).await?;
    Ok(Json(tickets::describe(&state.db, t, &office.code).await?))
}

/// The counter's "call next" (capture scope): finishes the ticket it holds and calls
/// the next one; answers the ticket called, or 409 when nobody waits for its services.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", request_body(content = Option<CallNextInput>),
    params(("id" = Uuid, Path, description = "Counter id")),
    responses((status = 200, body = Called), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn call_next(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Json<Called>, ApiError> {
    // The body is optional: `{"current": "<ticket id>" | "none"}` says what the client
    // believes the counter holds (a mismatch is a 409: a second click changes nothing).
    let holding = if body.iter().all(u8::is_ascii_whitespace) {
        Holding::Unknown
    } else {
        let input: CallNextInput = serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("body: {e}")))?;
        match input.current.as_deref().map(str::trim) {
            None => Holding::Unknown,
            Some("none") => Holding::Nothing,
            Some(id) => Holding::Ticket(Uuid::parse_str(id).map_err(|_| {
                ApiError::BadRequest(format!("current: not a ticket id or \"none\": {id:?}"))
            })?),
        }
    };
    match tickets::call_next(&Queue::of(&state), &ctx, &access, id, holding).await? {
        Some(called) => Ok(Json(called)),
        None => Err(ApiError::Conflict(
            sipe_platform::i18n::Lang::En
                .t("attention-nobody-waiting")
                .into_owned(),
        )),
    }
}

/// What a client believes a counter holds when it asks for the next ticket.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CallNextInput {
    /// The ticket the client shows as held, or `none`; left out, the server does not
    /// check.
    pub current: Option<String>,
}

/// Moves a ticket one step (capture scope of its office): `recall`, `start`, `no_show`,
/// `redirect` (with `service_id`), `finish` (with `topics`) or `cancel`.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/steps", request_body = TicketStep,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, body = Ticket), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn step(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(step): ApiJson<TicketStep>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        tickets::step(&Queue::of(&state), &ctx, &access, id, &step).await?,
    ))
}
