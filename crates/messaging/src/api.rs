//! Messaging under `/api/v1`: the SMS counter, templates, and a person's messages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::messages::{self, MessageRow};
use crate::sms::{self, SmsCount};
use crate::templates::{self, Template, TemplateInput};
use crate::web::PreviewInput;
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page, PageParams};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// What an SMS takes on the air: `encoding` (`GSM-7` when every character is in the GSM
/// 03.38 alphabet, else `UCS-2`), `units` (septets, an extension character such as `€`
/// counting two; or UTF-16 code units), `segments` (160/153 septets, 70/67 units, never
/// splitting an escape or a surrogate pair) and `text` as it would be sent
/// (transliterated into GSM-7 when asked; `replaced` lists the characters that became
/// `?`). The text is counted as given: fill its variables first.
#[utoipa::path(post, path = "/api/v1/messaging/sms-preview", request_body = PreviewInput,
    responses((status = 200, body = SmsCount),
        (status = 422, body = sipe_platform::api::Problem, description = "Text over 1,600 characters")))]
pub async fn sms_preview(
    ApiJson(input): ApiJson<PreviewInput>,
) -> Result<Json<SmsCount>, ApiError> {
    if input.text.chars().count() > sms::MAX_CHARS {
        return Err(ApiError::Invalid(FieldErrors::one(
            "text",
            "field-too-long",
        )));
    }
    Ok(Json(sms::count(&input.text, input.transliterate)))
}

/// Query of the templates list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct TemplateParams {
    /// Words of the name or code.
    pub q: Option<String>,
    /// `name`, `code` or `updated_at`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Templates, by name.
#[utoipa::path(get, path = "/api/v1/message-templates", params(TemplateParams),
    responses((status = 200, body = Page<Template>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_templates(
    State(state): State<AppState>,
    Query(p): Query<TemplateParams>,
) -> Result<Json<Page<Template>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/message-templates",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &templates::SORTS,
        false,
    )?;
    let q = sipe_platform::validation::search_text("q", p.q.as_deref().unwrap_or_default())
        .map_err(ApiError::Invalid)?;
    let (items, total) = templates::list(&state.db, &q, &pager).await?;
    Ok(Json(Page { items, total }))
}

/// Creates a template (`code` 3–40 of a–z, 0–9, `_`; at least one channel's variant;
/// variables among `{nombre}`, `{apellido}`, `{oficina}`, `{fecha}`, ...).
#[utoipa::path(post, path = "/api/v1/message-templates", request_body = TemplateInput,
    responses((status = 201, body = Template),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error, or the code is taken")))]
pub async fn create_template(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let id = templates::create(&state.db, &ctx, &input).await?;
    let t = templates::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// One template.
#[utoipa::path(get, path = "/api/v1/message-templates/{id}", params(("id" = Uuid, Path, description = "Template id")),
    responses((status = 200, body = Template), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_template(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Template>, ApiError> {
    Ok(Json(
        templates::find(&state.db, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Replaces a template (`active: false` retires it).
#[utoipa::path(put, path = "/api/v1/message-templates/{id}", params(("id" = Uuid, Path, description = "Template id")),
    request_body = TemplateInput,
    responses((status = 200, body = Template), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_template(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<Json<Template>, ApiError> {
    templates::update(&state.db, &ctx, id, &input).await?;
    Ok(Json(
        templates::find(&state.db, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// A person's messages, newest first (a person in the caller's view scope; the read is
/// audited).
#[utoipa::path(get, path = "/api/v1/persons/{id}/messages", params(("id" = Uuid, Path, description = "Person id"), PageParams),
    responses((status = 200, body = Page<MessageRow>), (status = 404, body = sipe_platform::api::Problem, description = "No such person in scope")))]
pub async fn person_messages(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<MessageRow>>, ApiError> {
    sipe_persons::store::find_person(&state.db, &access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &ctx, PersonId(id))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    let pager = newest_first("/api/v1/persons/messages", p.page, p.per_page)?;
    let filter = messages::Filter {
        person: Some(id),
        ..Default::default()
    };
    let (items, total) = messages::list(&state.db, &access, &filter, &pager).await?;
    Ok(Json(Page { items, total }))
}

/// Query of the messages list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct MessageParams {
    /// One status (`queued`, `sent`, `delivered`, `failed`, `received`, ...).
    pub status: Option<String>,
    /// `email`, `sms` or `whatsapp`.
    pub channel: Option<String>,
    /// `in` (what people sent) or `out`.
    pub direction: Option<String>,
    /// One campaign.
    pub campaign: Option<Uuid>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Messages in the caller's view scope, newest first: those of people of their
/// offices, and, for national users, those of unknown senders. The people shown are
/// recorded as read.
#[utoipa::path(get, path = "/api/v1/messages", params(MessageParams),
    responses((status = 200, body = Page<MessageRow>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_messages(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Query(p): Query<MessageParams>,
) -> Result<Json<Page<MessageRow>>, ApiError> {
    let mut errors = FieldErrors::default();
    let status = p.status.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
        let found = crate::domain::status::ALL.into_iter().find(|k| *k == s);
        if found.is_none() {
            errors.add("status", "field-choice-invalid");
        }
        found.map(str::to_owned)
    });
    let channel = p
        .channel
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|c| {
            let found = crate::domain::Channel::parse(c);
            if found.is_none() {
                errors.add("channel", "field-choice-invalid");
            }
            found
        });
    let direction = match p.direction.as_deref() {
        None | Some("") => None,
        Some("in") => Some("in"),
        Some("out") => Some("out"),
        Some(_) => {
            errors.add("direction", "field-choice-invalid");
            None
        }
    };
    errors.into_result()?;
    let pager = newest_first("/api/v1/messages", p.page, p.per_page)?;
    let filter = messages::Filter {
        status,
        channel,
        person: None,
        campaign: p.campaign,
        direction,
    };
    let (items, total) = messages::list(&state.db, &access, &filter, &pager).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "messaging.messages.list",
        "/api/v1/messages",
        items.iter().filter_map(|m| m.person_id.map(PersonId)),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(Page { items, total }))
}

/// A page of messages, newest first (the page size bounded by the pager).
fn newest_first(
    path: &'static str,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Pager, ApiError> {
    Ok(Pager::new(
        path,
        &ListQuery {
            page: page.map(|n| n.to_string()),
            per_page: per_page.map(|n| n.to_string()),
            sort: None,
            dir: None,
        },
        &messages::SORTS,
        true,
    )?)
}

/// One message (of a person in the caller's view scope).
#[utoipa::path(get, path = "/api/v1/messages/{id}", params(("id" = Uuid, Path, description = "Message id")),
    responses((status = 200, body = MessageRow), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_message(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<MessageRow>, ApiError> {
    let m = messages::find(&state.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(p) = m.person_id {
        sipe_persons::service::record_read(&state.reads, &ctx, PersonId(p))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    }
    Ok(Json(m))
}
