//! Pages and API of the job titles' vocabulary (admins).

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::entity::occupation_title;
use super::titles::{self, OccupationsCache, SECTORS, TitleError, TitleInput};
use crate::api::{ApiError, ApiJson};
use crate::text::fold;
use crate::validation::FieldErrors;
use crate::web::auth::Ctx;
use crate::web::form::{Choice, choices};
use crate::web::page::redirect_with_flash;
use crate::web::{AppState, PageCtx, WebError};

/// Filters of the list.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct TitleFilters {
    /// Text in either form.
    #[serde(default)]
    pub q: String,
    /// One of the sectors.
    #[serde(default)]
    pub sector: String,
}

impl TitleFilters {
    fn keep(&self, t: &occupation_title::Model) -> bool {
        // Bounded: the text comes from outside.
        let q: String = fold(self.q.trim()).chars().take(100).collect();
        let text = q.is_empty()
            || fold(&t.masculine).contains(&q)
            || t.feminine.as_deref().is_some_and(|f| fold(f).contains(&q))
            || t.unit_group.starts_with(q.as_str());
        text && (self.sector.is_empty() || t.sector == self.sector)
    }
}

/// A row of the list.
pub struct TitleRow {
    /// The title.
    pub title: occupation_title::Model,
    /// Its unit group's label.
    pub group_label: &'static str,
}

/// `/admin/occupation-titles`.
#[derive(Template)]
#[template(path = "taxonomy/titles.html")]
pub struct TitlesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Filters.
    pub filters: TitleFilters,
    /// Sector options of the filter.
    pub sector_filter: Vec<Choice>,
    /// Titles shown.
    pub rows: Vec<TitleRow>,
    /// Titles in the vocabulary.
    pub total: usize,
    /// The add form as typed.
    pub form: TitleInput,
    /// Sector options of the add form.
    pub sectors: Vec<Choice>,
    /// Problems of the add form.
    pub errors: FieldErrors,
}

/// `/admin/occupation-titles/{id}`.
#[derive(Template)]
#[template(path = "taxonomy/title_form.html")]
pub struct TitleFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The title.
    pub id: Uuid,
    /// Values.
    pub form: TitleInput,
    /// Sector options.
    pub sectors: Vec<Choice>,
    /// Problems.
    pub errors: FieldErrors,
}

fn status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn forget(state: &AppState) {
    if let Some(cache) = state.extensions.get::<OccupationsCache>() {
        cache.forget();
    }
}

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    filters: TitleFilters,
    form: TitleInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let all = titles::all(&state.db).await?;
    let total = all.len();
    let rows = all
        .into_iter()
        .filter(|t| filters.keep(t))
        .map(|t| TitleRow {
            group_label: titles::unit_group_label(&t.unit_group).unwrap_or(""),
            title: t,
        })
        .collect();
    let page = TitlesPage {
        sector_filter: choices(&ctx, "sector-", &SECTORS, &filters.sector),
        sectors: choices(&ctx, "sector-", &SECTORS, &form.sector),
        ctx,
        filters,
        rows,
        total,
        form,
        errors,
    };
    crate::web::render::page_with(status(&page.errors), page)
}

/// `GET /admin/occupation-titles`.
pub async fn list_titles(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(filters): Query<TitleFilters>,
) -> Result<Response, WebError> {
    list_page(
        &state,
        ctx,
        filters,
        TitleInput::default(),
        FieldErrors::new(),
    )
    .await
}

/// `POST /admin/occupation-titles`.
pub async fn create_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Form(form): Form<TitleInput>,
) -> Result<Response, WebError> {
    match titles::create(&state.db, &audit, &form).await {
        Ok(_) => {
            forget(&state);
            Ok(redirect_with_flash(
                "/admin/occupation-titles",
                "success",
                "title-created",
            ))
        }
        Err(TitleError::Invalid(errors)) => {
            list_page(&state, ctx, TitleFilters::default(), form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

fn form_page(
    ctx: PageCtx,
    id: Uuid,
    form: TitleInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let page = TitleFormPage {
        sectors: choices(&ctx, "sector-", &SECTORS, &form.sector),
        ctx,
        id,
        form,
        errors,
    };
    crate::web::render::page_with(status(&page.errors), page)
}

/// `GET /admin/occupation-titles/{id}`.
pub async fn edit_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let t = titles::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let form = TitleInput {
        masculine: t.masculine,
        feminine: t.feminine.unwrap_or_default(),
        unit_group: t.unit_group,
        sector: t.sector,
    };
    form_page(ctx, id, form, FieldErrors::new())
}

/// `POST /admin/occupation-titles/{id}`.
pub async fn update_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<TitleInput>,
) -> Result<Response, WebError> {
    match titles::update(&state.db, &audit, id, &form).await {
        Ok(()) => {
            forget(&state);
            Ok(redirect_with_flash(
                "/admin/occupation-titles",
                "success",
                "title-updated",
            ))
        }
        Err(TitleError::Invalid(errors)) => form_page(ctx, id, form, errors),
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/occupation-titles/{id}/toggle`.
pub async fn toggle_title(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    titles::toggle(&state.db, &audit, id).await?;
    forget(&state);
    Ok(redirect_with_flash(
        "/admin/occupation-titles",
        "success",
        "title-updated",
    ))
}

/// A title of the vocabulary.
#[derive(Debug, Serialize, ToSchema)]
pub struct TitleDto {
    /// Id.
    pub id: Uuid,
    /// Masculine (or only) form.
    pub masculine: String,
    /// Feminine form.
    pub feminine: Option<String>,
    /// ISCO-08 unit group.
    pub unit_group: String,
    /// The unit group's label.
    pub unit_group_label: String,
    /// Sector.
    pub sector: String,
    /// Offered in forms.
    pub active: bool,
    /// `seed` or `admin`.
    pub source: String,
}

impl From<occupation_title::Model> for TitleDto {
    fn from(t: occupation_title::Model) -> Self {
        Self {
            unit_group_label: titles::unit_group_label(&t.unit_group)
                .unwrap_or_default()
                .to_owned(),
            id: t.id,
            masculine: t.masculine,
            feminine: t.feminine,
            unit_group: t.unit_group,
            sector: t.sector,
            active: t.active,
            source: t.source,
        }
    }
}

/// The titles of the vocabulary.
#[derive(Debug, Serialize, ToSchema)]
pub struct TitleList {
    /// By masculine form.
    pub items: Vec<TitleDto>,
}

/// Job titles of the local vocabulary (all of them, filtered by text and sector).
#[utoipa::path(get, path = "/api/v1/occupation-titles", params(TitleFilters),
    responses((status = 200, body = TitleList)))]
pub async fn api_list_titles(
    State(state): State<AppState>,
    Query(filters): Query<TitleFilters>,
) -> Result<Json<TitleList>, ApiError> {
    let items = titles::all(&state.db)
        .await
        .map_err(crate::db::StoreError::from_db)?
        .into_iter()
        .filter(|t| filters.keep(t))
        .map(TitleDto::from)
        .collect();
    Ok(Json(TitleList { items }))
}

/// Adds a job title to the vocabulary (admins).
#[utoipa::path(post, path = "/api/v1/occupation-titles", request_body = TitleInput,
    responses((status = 201, body = TitleDto), (status = 422, body = crate::api::Problem)))]
pub async fn api_create_title(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<(StatusCode, Json<TitleDto>), ApiError> {
    let id = titles::create(&state.db, &ctx, &input).await?;
    forget(&state);
    let t = titles::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// Replaces a job title's forms, group and sector (admins): every field is sent; an
/// empty `feminine` means the title has one form.
#[utoipa::path(put, path = "/api/v1/occupation-titles/{id}", request_body = TitleInput,
    params(("id" = Uuid, Path, description = "Title id")),
    responses((status = 200, body = TitleDto), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_update_title(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<Json<TitleDto>, ApiError> {
    titles::update(&state.db, &ctx, id, &input).await?;
    forget(&state);
    let t = titles::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(t.into()))
}
