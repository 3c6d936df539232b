//! Occupation browser and type-ahead, skills vocabulary admin, and their API.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::entity::skill;
use super::skills::{self, SkillError};
use super::titles::{Gender, Occupations, OccupationsCache};
use super::{Hit, occupations, unit_group};
use crate::api::ApiError;
use crate::db::StoreError;
use crate::validation::FieldErrors;
use crate::web::auth::Ctx;
use crate::web::page::redirect_with_flash;
use crate::web::{AppState, PageCtx, WebError};
use std::sync::Arc;

/// Type-ahead query.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct SuggestQuery {
    /// What was typed.
    #[serde(default)]
    pub q: String,
    /// Most results (default 10, at most 50).
    pub limit: Option<usize>,
    /// Show job titles in this gender: `f` or `m` (the person's, when known).
    #[serde(default)]
    pub g: String,
}

impl SuggestQuery {
    fn limit(&self) -> usize {
        self.limit.unwrap_or(10).clamp(1, 50)
    }
}

/// Type-ahead results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// Best first.
    pub items: Vec<Hit>,
}

/// This application's copy of the occupation vocabulary (started with the taxonomy
/// module; an empty one otherwise, which reads the database every time).
pub async fn occupation_vocabulary(state: &AppState) -> Result<Arc<Occupations>, StoreError> {
    static NONE: std::sync::LazyLock<OccupationsCache> =
        std::sync::LazyLock::new(OccupationsCache::uncached);
    state
        .extensions
        .get::<OccupationsCache>()
        .unwrap_or(&NONE)
        .get(&state.db)
        .await
}

/// `GET /occupations/suggest`: JSON for the forms' type-ahead.
pub async fn suggest_occupations(
    State(state): State<AppState>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Suggestions>, WebError> {
    let vocabulary = occupation_vocabulary(&state).await?;
    Ok(Json(Suggestions {
        items: vocabulary.search(&q.q, q.limit(), Gender::parse(&q.g)),
    }))
}

/// Occupations matching the text: Argentine job titles (in the gender asked) over the
/// ISCO-08 taxonomy in Argentine Spanish; whole words and prefixes before typo-tolerant
/// matches. A title's code is its ISCO-08 unit group.
#[utoipa::path(get, path = "/api/v1/occupations", params(SuggestQuery),
    responses((status = 200, body = Suggestions)))]
pub async fn api_occupations(
    State(state): State<AppState>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Suggestions>, ApiError> {
    let vocabulary = occupation_vocabulary(&state).await?;
    Ok(Json(Suggestions {
        items: vocabulary.search(&q.q, q.limit(), Gender::parse(&q.g)),
    }))
}

/// This application's copy of the skills (started with the taxonomy module; an empty
/// one otherwise, which reads the database every time).
fn skills_cache(state: &AppState) -> &skills::SkillsCache {
    static NONE: std::sync::LazyLock<skills::SkillsCache> =
        std::sync::LazyLock::new(skills::SkillsCache::uncached);
    state
        .extensions
        .get::<skills::SkillsCache>()
        .unwrap_or(&NONE)
}

/// `GET /skills/suggest`.
pub async fn suggest_skills(
    State(state): State<AppState>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Suggestions>, WebError> {
    let catalog = skills_cache(&state).get(&state.db).await?;
    Ok(Json(Suggestions {
        items: catalog.search(&q.q, q.limit()),
    }))
}

/// Active skills of the vocabulary matching the text (codes are skill ids).
#[utoipa::path(get, path = "/api/v1/skills", params(SuggestQuery),
    responses((status = 200, body = Suggestions)))]
pub async fn api_skills(
    State(state): State<AppState>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Suggestions>, ApiError> {
    let catalog = skills_cache(&state).get(&state.db).await?;
    Ok(Json(Suggestions {
        items: catalog.search(&q.q, q.limit()),
    }))
}

/// A row of the occupation browser.
pub struct OccupationRow {
    /// The hit.
    pub hit: Hit,
    /// Unit group code.
    pub group: String,
}

/// `/occupations`.
#[derive(Template)]
#[template(path = "taxonomy/occupations.html")]
pub struct OccupationsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Search text.
    pub q: String,
    /// Results.
    pub rows: Vec<OccupationRow>,
    /// Occupations in the taxonomy.
    pub total: usize,
}

/// `GET /occupations`: search the taxonomy.
pub async fn list_occupations(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SuggestQuery>,
) -> Result<Response, WebError> {
    let rows = occupation_vocabulary(&state)
        .await?
        .search(&q.q, 50, Gender::Unknown)
        .into_iter()
        .map(|hit| OccupationRow {
            group: unit_group(&hit.code).to_owned(),
            hit,
        })
        .collect();
    let page = OccupationsPage {
        ctx,
        q: q.q,
        rows,
        total: occupations().len(),
    };
    crate::web::render::page(page)
}

/// `/admin/skills`.
#[derive(Template)]
#[template(path = "taxonomy/skills.html")]
pub struct SkillsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Filter text.
    pub q: String,
    /// Skills shown.
    pub skills: Vec<skill::Model>,
    /// Skills in the vocabulary.
    pub total: usize,
    /// Label typed in the add form.
    pub label: String,
    /// Problems of the add form.
    pub errors: FieldErrors,
}

impl SkillsPage {}

async fn skills_page(
    state: &AppState,
    ctx: PageCtx,
    q: String,
    label: String,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let all = skills::all(&state.db).await?;
    let total = all.len();
    let folded = crate::text::fold(&q);
    let skills = all
        .into_iter()
        .filter(|s| folded.is_empty() || crate::text::fold(&s.label).contains(&folded))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SkillsPage {
        ctx,
        q,
        skills,
        total,
        label,
        errors,
    };
    crate::web::render::page_with(status, page)
}

/// `GET /admin/skills`.
pub async fn list_skills(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SuggestQuery>,
) -> Result<Response, WebError> {
    skills_page(&state, ctx, q.q, String::new(), FieldErrors::new()).await
}

/// The add form.
#[derive(Debug, Deserialize)]
pub struct SkillForm {
    #[serde(default)]
    label: String,
}

/// `POST /admin/skills`.
pub async fn create_skill(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Form(form): Form<SkillForm>,
) -> Result<Response, WebError> {
    skills_cache(&state).forget();
    match skills::create(&state.db, &audit, &form.label).await {
        Ok(_) => Ok(redirect_with_flash(
            "/admin/skills",
            "success",
            "skill-created",
        )),
        Err(SkillError::Invalid(errors)) => {
            skills_page(&state, ctx, String::new(), form.label, errors).await
        }
        Err(SkillError::NotFound) => Err(WebError::NotFound),
        Err(SkillError::Store(e)) => Err(e.into()),
    }
}

/// `POST /admin/skills/{id}/toggle`.
pub async fn toggle_skill(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    skills_cache(&state).forget();
    match skills::toggle(&state.db, &audit, id).await {
        Ok(_) => Ok(redirect_with_flash(
            "/admin/skills",
            "success",
            "skill-updated",
        )),
        Err(SkillError::NotFound) => Err(WebError::NotFound),
        Err(SkillError::Invalid(_)) => Err(WebError::NotFound),
        Err(SkillError::Store(e)) => Err(e.into()),
    }
}
