//! Pages of training paths: the list, a path with its courses in order and how many
//! people completed it, and the form that edits it.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::catalogue::CatalogueQuery;
use super::{options, status_of};
use crate::courses::Course;
use crate::error::TrainingError;
use crate::paths::{self, PathInput};
use sipe_platform::access::Permission;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::Pager;
use sipe_platform::web::{AppState, PageCtx, WebError};

#[derive(askama::Template)]
#[template(path = "training/paths.html")]
struct PathsPage {
    ctx: PageCtx,
    rows: Vec<paths::Path>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

/// `GET /training/paths`.
pub async fn list_paths(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let mut pager =
        Pager::new("/training/paths", &query.list, &paths::SORTS, false)?.keep("q", &query.q);
    let q = sipe_platform::validation::search_text("q", &query.q)?;
    let (rows, total) = paths::list(&state.db, &q, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        PathsPage {
            ctx,
            rows,
            pager,
            q: query.q,
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

/// The path's form as the page posts it.
#[derive(Debug, Default, Deserialize)]
pub struct PathForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    standard: String,
    #[serde(default)]
    courses: Vec<String>,
    #[serde(default)]
    active: String,
}

#[derive(askama::Template)]
#[template(path = "training/path.html")]
struct PathPage {
    ctx: PageCtx,
    path: Option<paths::Path>,
    standard: Option<crate::standards::Standard>,
    courses: Vec<Course>,
    completed: u64,
    in_progress: u64,
    form: PathInput,
    active: bool,
    standards: Vec<Choice>,
    /// One list of course choices per position, the chosen one selected.
    slots: Vec<Vec<Choice>>,
    errors: FieldErrors,
    can_manage: bool,
}

async fn path_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    attempt: Option<PathInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let path = match id {
        Some(id) => Some(
            paths::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let courses = match &path {
        Some(p) => paths::courses_of(&state.db, p.id).await?,
        None => Vec::new(),
    };
    let (completed, in_progress) = match &path {
        Some(p) => paths::counts(&state.db, p.id).await?,
        None => (0, 0),
    };
    let standard = match path.as_ref().and_then(|p| p.standard_id) {
        Some(s) => crate::standards::find(&state.db, s).await?,
        None => None,
    };
    let form = attempt.unwrap_or_else(|| match &path {
        Some(p) => paths::input_of(p, &courses.iter().map(|c| c.id).collect::<Vec<_>>()),
        None => PathInput::default(),
    });
    let active = form.active.unwrap_or(true);
    // Active courses, and the path's own even if retired since (saving keeps them).
    let mut catalogue = crate::courses::active(&state.db).await?;
    for c in &courses {
        if !catalogue.iter().any(|a| a.id == c.id) {
            catalogue.push(c.clone());
        }
    }
    let slots = (0..*paths::COURSES.end())
        .map(|i| {
            let current = form.courses.get(i).map(String::as_str).unwrap_or("");
            options(
                catalogue
                    .iter()
                    .map(|c| (c.id.to_string(), format!("{} ({} h)", c.name, c.hours))),
                current,
            )
        })
        .collect();
    let mut standards = crate::standards::active(&state.db).await?;
    if let Some(s) = standard.as_ref().filter(|s| !s.active) {
        standards.push(s.clone());
    }
    let standards = options(
        standards
            .into_iter()
            .map(|s| (s.id.to_string(), format!("{} {}", s.code, s.title))),
        &form.standard,
    );
    page_with(
        status_of(&errors),
        PathPage {
            ctx,
            path,
            standard,
            courses,
            completed,
            in_progress,
            form,
            active,
            standards,
            slots,
            errors,
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

/// `GET /training/paths/new`.
pub async fn new_path(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    path_page(&state, ctx, &user, None, None, FieldErrors::new()).await
}

/// `GET /training/paths/{id}`.
pub async fn show_path(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    path_page(&state, ctx, &user, Some(id), None, FieldErrors::new()).await
}

/// `POST /training/paths` and `POST /training/paths/{id}`.
pub async fn save_path(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<PathForm>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let input = PathInput {
        name: form.name,
        description: form.description,
        standard: form.standard,
        courses: form
            .courses
            .into_iter()
            .take(paths::COURSES.end() + 5)
            .collect(),
        active: Some(id.is_none() || matches!(form.active.as_str(), "on" | "true")),
    };
    let done = match id {
        Some(id) => paths::update(&state.db, &audit, id, &input)
            .await
            .map(|()| id),
        None => paths::create(&state.db, &audit, &input).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/training/paths/{id}"),
            "success",
            "training-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            path_page(&state, ctx, &user, id, Some(input), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
