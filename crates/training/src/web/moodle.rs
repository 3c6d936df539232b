//! A virtual cohort's sync with the Aula Virtual's Moodle: the last run, each
//! enrolment's state there (pushed, retrying, pulled outcome), and "sync now".

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use crate::cohorts::{self, Cohort};
use crate::enrolment::{self, RosterRow};
use crate::moodle::{self, Link, Moodle, Run};
use sipe_platform::web::auth::Authenticated;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// One enrolment and its sync state.
pub struct Row {
    roster: RosterRow,
    link: Option<Link>,
}

#[derive(askama::Template)]
#[template(path = "training/moodle.html")]
struct MoodlePage {
    ctx: PageCtx,
    cohort: Cohort,
    course: String,
    configured: bool,
    run: Option<Run>,
    rows: Vec<Row>,
}

impl MoodlePage {
    fn error_text(&self, e: &str) -> String {
        if e == moodle::NO_EMAIL {
            self.ctx.t(e).into_owned()
        } else {
            e.to_owned()
        }
    }
}

/// `GET /training/cohorts/{id}/moodle`: for those who run the cohort.
pub async fn status_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let cohort = cohorts::find_visible(&state.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !cohorts::runs(&state.db, &user.access, id).await? {
        return Err(WebError::NotFound);
    }
    let course = crate::courses::find(&state.db, cohort.course_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let (run, mut links) = moodle::status(&state.db, id).await?;
    let (roster, _) = enrolment::roster(&state.db, &user.access, &cohort).await?;
    let rows = roster
        .into_iter()
        .map(|r| Row {
            link: links.remove(&r.enrolment.id),
            roster: r,
        })
        .collect();
    page(MoodlePage {
        ctx,
        configured: state.extensions.get::<Moodle>().is_some(),
        cohort,
        course,
        run,
        rows,
    })
}

/// `POST /training/cohorts/{id}/moodle`: syncs now, failed enrolments included.
pub async fn sync_now(
    State(state): State<AppState>,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    cohorts::editable(&state.db, &user.access, id).await?;
    let back = format!("/training/cohorts/{id}/moodle");
    let Some(Moodle(client)) = state.extensions.get::<Moodle>() else {
        return Ok(redirect_with_flash(&back, "error", "moodle-not-configured"));
    };
    let report = moodle::sync_cohort(&state.db, client, id, true).await?;
    let key = if report.error.is_some() || report.failed > 0 {
        ("error", "moodle-sync-failed")
    } else {
        ("success", "moodle-synced")
    };
    Ok(redirect_with_flash(&back, key.0, key.1))
}
