//! `/api/v1/persons`: search, read, register, update and the timeline; scoped and audited.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{person, timeline_event};
use crate::filters::PersonFilters;
use crate::input::PersonInput;
use crate::service::{self, RegisterOutcome};
use crate::store::{self, PersonSort};
use sipe_platform::access::ScopeKind;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// A person as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    /// Id.
    pub id: Uuid,
    /// Document type.
    pub doc_type: String,
    /// Document number.
    pub doc_number: String,
    /// CUIL.
    pub cuil: Option<String>,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
    /// Self-perceived name.
    pub chosen_name: Option<String>,
    /// Birth date.
    pub birth_date: chrono::NaiveDate,
    /// Sex (`null` when `restricted`).
    pub sex: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Accepts SMS (`null` when `restricted`).
    pub sms_consent: Option<bool>,
    /// Accepts WhatsApp (`null` when `restricted`).
    pub whatsapp_consent: Option<bool>,
    /// Accepts e-mail (`null` when `restricted`).
    pub email_consent: Option<bool>,
    /// Department code.
    pub department_code: Option<String>,
    /// Locality (`null` when `restricted`).
    pub locality: Option<String>,
    /// Education level (ISCED 2011).
    pub education_level: Option<String>,
    /// Employment status.
    pub employment_status: Option<String>,
    /// Owning office code.
    pub office_code: String,
    /// The person is in the caller's search scope but not their view scope: only what
    /// confirms identity is given (names, document, birth date, owning office); every
    /// other field is `null`.
    pub restricted: bool,
}

/// One person with its office code (one query).
async fn dto(state: &AppState, p: person::Model) -> Result<PersonDto, ApiError> {
    let office_code =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(p.office_id))
            .await?
            .map(|o| o.code)
            .unwrap_or_default();
    Ok(to_dto(p, office_code))
}

fn to_dto(p: person::Model, office_code: String) -> PersonDto {
    PersonDto {
        id: p.id,
        doc_type: p.doc_type,
        doc_number: p.doc_number,
        cuil: p.cuil,
        surnames: p.surnames,
        names: p.names,
        chosen_name: p.chosen_name,
        birth_date: p.birth_date,
        sex: Some(p.sex),
        phone: p.phone,
        email: p.email,
        sms_consent: Some(p.sms_consent),
        whatsapp_consent: Some(p.whatsapp_consent),
        email_consent: Some(p.email_consent),
        department_code: p.department_code,
        locality: Some(p.locality),
        education_level: p.education_level,
        employment_status: p.employment_status,
        office_code,
        restricted: false,
    }
}

/// What the search scope alone reveals of a person: identity, nothing else.
fn to_identity_dto(p: person::Model, office_code: String) -> PersonDto {
    PersonDto {
        id: p.id,
        doc_type: p.doc_type,
        doc_number: p.doc_number,
        cuil: None,
        surnames: p.surnames,
        names: p.names,
        chosen_name: p.chosen_name,
        birth_date: p.birth_date,
        sex: None,
        phone: None,
        email: None,
        sms_consent: None,
        whatsapp_consent: None,
        email_consent: None,
        department_code: None,
        locality: None,
        education_level: None,
        employment_status: None,
        office_code,
        restricted: true,
    }
}

/// Query of the persons list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PersonParams {
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// People in the caller's search scope, filtered.
#[utoipa::path(get, path = "/api/v1/persons", params(PersonParams, PersonFilters),
    responses((status = 200, body = Page<PersonDto>), (status = 401, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_persons(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Query(p): Query<PersonParams>,
    Query(filters): Query<PersonFilters>,
) -> Result<Json<Page<PersonDto>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/persons",
        &ListQuery::from_api(p.page, p.per_page, None, None),
        &["name"],
        false,
    )?;
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let query = filters.to_query(&state.db, &access, today).await?;
    let (rows, total) = store::search(
        &state.db,
        Some(crate::index(&state).map_err(anyhow::Error::from)?),
        &access,
        &query,
        PersonSort::Name,
        false,
        pager.offset(),
        pager.per_page,
    )
    .await
    .map_err(sipe_platform::db::StoreError::from)?;
    // Office codes for the whole page in one query, not one per row.
    let offices = sipe_platform::territory::store::office_codes(
        &state.db,
        rows.iter().map(|r| OfficeId(r.office_id)),
    )
    .await?;
    let viewable =
        sipe_platform::territory::store::office_ids_in_scope(&state.db, &access.view).await?;
    let items: Vec<PersonDto> = rows
        .into_iter()
        .map(|r| {
            let code = offices
                .get(&OfficeId(r.office_id))
                .cloned()
                .unwrap_or_default();
            if viewable
                .as_ref()
                .is_none_or(|ids| ids.contains(&r.office_id))
            {
                to_dto(r, code)
            } else {
                to_identity_dto(r, code)
            }
        })
        .collect();
    service::record_shown(
        &state.reads,
        &ctx,
        "person.list",
        &filters.query_string(),
        items.iter().map(|i| PersonId(i.id)),
    )
    .await?;
    Ok(Json(Page { items, total }))
}

/// One person in the caller's view scope (404 outside it); the read is audited.
#[utoipa::path(get, path = "/api/v1/persons/{id}", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PersonDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_person(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<PersonDto>, ApiError> {
    let mut p = store::find_person(&state.db, &access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    // A merged id stays resolvable: it answers with the record it was merged into.
    if let Some(kept) = p.merged_into {
        p = store::find_person(&state.db, &access, ScopeKind::View, PersonId(kept))
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    service::record_read(&state.reads, &ctx, PersonId(p.id)).await?;
    Ok(Json(dto(&state, p).await?))
}

/// Registers a person. 409 when the document or CUIL exists (with the id only when the
/// caller may see it); 422 with `possible_duplicates` unless `confirm_duplicates` is set.
#[utoipa::path(post, path = "/api/v1/persons", request_body = PersonInput,
    responses((status = 201, body = PersonDto), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_person(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<PersonDto>), ApiError> {
    match service::register(&state.db, &ctx, &access, state.tz, &input).await? {
        RegisterOutcome::Created(id) => {
            crate::handlers::reindex_now(&state, PersonId(id)).await;
            let p = store::find_person(&state.db, &access, ScopeKind::View, PersonId(id))
                .await?
                .ok_or(ApiError::NotFound)?;
            Ok((StatusCode::CREATED, Json(dto(&state, p).await?)))
        }
        RegisterOutcome::Exists { id, visible } => Err(ApiError::Conflict(if visible {
            format!("A person with this document is already registered: /api/v1/persons/{id}")
        } else {
            "A person with this document is already registered in another office.".into()
        })),
        RegisterOutcome::PossibleDuplicates(list) => Err(ApiError::PossibleDuplicates(
            list.iter().map(|p| p.id).collect(),
        )),
    }
}

/// Replaces a person's fields (capture scope).
#[utoipa::path(patch, path = "/api/v1/persons/{id}", request_body = PersonInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PersonDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_person(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Json<PersonDto>, ApiError> {
    service::update(&state.db, &ctx, &access, state.tz, id, &input).await?;
    crate::handlers::reindex_now(&state, PersonId(id)).await;
    let p = store::find_person(&state.db, &access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(dto(&state, p).await?))
}

/// A timeline entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// Kind.
    pub kind: String,
    /// Summary.
    pub summary: String,
    /// Link.
    pub link: Option<String>,
    /// Author.
    pub author: String,
    /// When (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<timeline_event::Model> for EventDto {
    fn from(e: timeline_event::Model) -> Self {
        Self {
            kind: e.kind,
            summary: e.summary,
            link: e.link,
            author: e.author_name,
            at: e.at,
        }
    }
}

/// The person's timeline, newest first (view scope).
#[utoipa::path(get, path = "/api/v1/persons/{id}/timeline", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Page<EventDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn person_timeline(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Page<EventDto>>, ApiError> {
    service::read_person(&state.db, &state.reads, &ctx, &access, id).await?;
    let (rows, total) = store::timeline(&state.db, id, 0, 200).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}
