//! Bulk enrolment pages: the list (pasted or a CSV file), the check of every document
//! against the cohort before anything changes, and the confirmation.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::bulk::{self, Line, Plan};
use crate::cohorts::{self, Cohort};
use crate::error::TrainingError;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The most bytes of a list read from the form and its file together.
const MAX_BYTES: usize = 1024 * 1024;
/// Rows of each kind the check shows (the counts cover them all).
const SHOWN: usize = 300;

#[derive(askama::Template)]
#[template(path = "training/bulk.html")]
struct BulkPage {
    ctx: PageCtx,
    cohort: Cohort,
    course: String,
    errors: FieldErrors,
    text: String,
    plan: Option<Plan>,
    /// The whole list, for the confirmation.
    documents: String,
    done: bool,
    /// Does the cohort take enrolments?
    open: bool,
    /// The user's saved person searches (id, name), a source of the list.
    saved: Vec<(Uuid, String)>,
}

impl BulkPage {
    fn new(ctx: PageCtx, cohort: Cohort, course: String) -> Self {
        BulkPage {
            ctx,
            cohort,
            course,
            errors: FieldErrors::new(),
            text: String::new(),
            plan: None,
            documents: String::new(),
            done: false,
            open: true,
            saved: Vec::new(),
        }
    }

    fn refused(&self) -> Vec<&Line> {
        self.plan
            .iter()
            .flat_map(|p| p.lines.iter())
            .filter(|l| !l.verdict.enrols())
            .take(SHOWN)
            .collect()
    }

    fn accepted(&self) -> Vec<&Line> {
        self.plan
            .iter()
            .flat_map(|p| p.lines.iter())
            .filter(|l| l.verdict.enrols())
            .take(SHOWN)
            .collect()
    }

    fn name(&self, l: &Line) -> String {
        l.person
            .as_ref()
            .map(|p| {
                format!(
                    "{}, {}",
                    p.surnames,
                    p.chosen_name.as_deref().unwrap_or(&p.names)
                )
            })
            .unwrap_or_default()
    }

    /// A sentence with the plan's three counts.
    fn counts(&self, key: &str) -> String {
        let Some(p) = &self.plan else {
            return String::new();
        };
        self.ctx.lang.t_args(
            key,
            &[
                ("places", p.places.to_string()),
                ("waiting", p.waiting.to_string()),
                ("refused", p.refused().to_string()),
            ],
        )
    }

    fn reasons(&self, l: &Line) -> String {
        l.unmet
            .iter()
            .map(|u| super::cohorts::unmet_text(&self.ctx, u))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

async fn cohort_of(
    state: &AppState,
    user: &Authenticated,
    id: Uuid,
) -> Result<(Cohort, String), WebError> {
    let cohort = cohorts::find_visible(&state.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let course = crate::courses::find(&state.db, cohort.course_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok((cohort, course))
}

fn render(page: BulkPage) -> Result<Response, WebError> {
    let status = super::status_of(&page.errors);
    page_with(status, page)
}

/// `GET /training/cohorts/{id}/bulk`: the form.
pub async fn bulk_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (cohort, course) = cohort_of(&state, &user, id).await?;
    // Said at once, not after a list was typed.
    let open = crate::domain::CohortState::parse(&cohort.state)
        .is_some_and(crate::domain::CohortState::takes_enrolments);
    let saved = sipe_persons::saved::mine(&state.db, user.access.actor.user_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    page_with(
        StatusCode::OK,
        BulkPage {
            open,
            saved,
            ..BulkPage::new(ctx, cohort, course)
        },
    )
}

/// The list's parts: the pasted one, then the file's (bounded together).
async fn read_list(mut multipart: Multipart) -> Result<Vec<String>, &'static str> {
    let mut parts: Vec<String> = Vec::new();
    let mut size = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err("bulk-too-large"),
            Err(_) => return Err("bulk-bad-upload"),
        };
        if !matches!(field.name(), Some("documents" | "file")) {
            continue;
        }
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    size += chunk.len();
                    if size > MAX_BYTES {
                        return Err("bulk-too-large");
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => return Err("bulk-bad-upload"),
            }
        }
        // A picture or a spreadsheet's binary file is not a list.
        if bytes.contains(&0) {
            return Err("bulk-not-text");
        }
        // A spreadsheet saved as CSV may come in Latin-1: its digits read the same.
        let part = String::from_utf8(bytes)
            .unwrap_or_else(|e| e.into_bytes().iter().map(|b| char::from(*b)).collect());
        if part
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count()
            > 0
        {
            return Err("bulk-not-text");
        }
        parts.push(part);
    }
    Ok(parts)
}

/// `POST /training/cohorts/{id}/bulk?_csrf=…` (multipart: `documents`, `file`): checks
/// the list and shows what would happen, changing nothing.
pub async fn bulk_check(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (cohort, course) = cohort_of(&state, &user, id).await?;
    let mut page = BulkPage::new(ctx, cohort, course);
    let parts = match read_list(multipart).await {
        Ok(parts) => parts,
        Err(key) => {
            page.errors = FieldErrors::one("documents", key);
            return render(page);
        }
    };
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let documents = match bulk::parse_parts(&refs) {
        Ok(d) => d,
        Err(errors) => {
            // Not echoed back: a list cut to fit the box would lose documents unseen.
            page.errors = errors;
            return render(page);
        }
    };
    match bulk::plan(&state.db, &user.access, &page.cohort, &documents).await {
        Ok(plan) => {
            page.documents = documents.join("\n");
            page.plan = Some(plan);
            render(page)
        }
        Err(TrainingError::Conflict(key)) => {
            page.errors = FieldErrors::one("documents", key);
            render(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The saved search chosen as the list.
#[derive(Debug, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    saved_search: String,
}

/// `POST /training/cohorts/{id}/bulk/search`: the people a saved person search finds
/// now, checked as a list, changing nothing.
pub async fn bulk_from_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<SearchForm>,
) -> Result<Response, WebError> {
    let (cohort, course) = cohort_of(&state, &user, id).await?;
    let mut page = BulkPage::new(ctx, cohort, course);
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let found = match Uuid::parse_str(form.saved_search.trim()) {
        Ok(search) => {
            let source = bulk::SearchSource {
                index: sipe_persons::index(&state)?,
                reads: &state.reads,
                field: "saved_search",
            };
            bulk::documents_of_search(&state.db, source, &audit, &user.access, search, today).await
        }
        Err(_) => Err(FieldErrors::one("saved_search", "bulk-search-unknown").into()),
    };
    let documents = match found {
        Ok(d) => d,
        Err(TrainingError::Invalid(errors)) => {
            page.errors = errors;
            page.saved = sipe_persons::saved::mine(&state.db, user.access.actor.user_id)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect();
            return render(page);
        }
        Err(e) => return Err(e.into()),
    };
    match bulk::plan(&state.db, &user.access, &page.cohort, &documents).await {
        Ok(plan) => {
            page.documents = documents.join("\n");
            page.plan = Some(plan);
            render(page)
        }
        Err(TrainingError::Conflict(key)) => {
            page.errors = FieldErrors::one("documents", key);
            render(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The confirmation: the list as checked.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    documents: String,
}

/// `POST /training/cohorts/{id}/bulk/confirm`: checks the list again and enrols.
pub async fn bulk_confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    let (cohort, course) = cohort_of(&state, &user, id).await?;
    let mut page = BulkPage::new(ctx, cohort, course);
    let documents = match bulk::parse_documents(&form.documents) {
        Ok(d) => d,
        Err(errors) => {
            page.errors = errors;
            return render(page);
        }
    };
    match bulk::confirm(&state.db, &audit, &user.access, id, &documents).await {
        Ok(plan) => {
            page.plan = Some(plan);
            page.done = true;
            render(page)
        }
        Err(TrainingError::Conflict(key)) => {
            page.errors = FieldErrors::one("documents", key);
            render(page)
        }
        Err(e) => Err(e.into()),
    }
}
