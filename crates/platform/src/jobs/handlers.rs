//! `/admin/jobs`: the queue as admins see it, with a retry button for failed jobs.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::entity::job;
use super::store;
use crate::audit::{self, Change};
use crate::web::auth::Ctx;
use crate::web::page::redirect_with_flash;
use crate::web::table::{ListQuery, Pager};
use crate::web::{AppState, PageCtx, WebError};

/// Filters of the jobs list.
#[derive(Debug, Deserialize, Default)]
pub struct JobsQuery {
    #[serde(default)]
    status: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `/admin/jobs`.
#[derive(Template)]
#[template(path = "jobs/jobs.html")]
pub struct JobsPage {
    ctx: PageCtx,
    rows: Vec<job::Model>,
    pager: Pager,
    status: String,
}

const STATUSES: [&str; 4] = ["pending", "running", "done", "failed"];

/// `GET /admin/jobs`.
pub async fn list_jobs(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<JobsQuery>,
) -> Result<Response, WebError> {
    let status = STATUSES.iter().find(|s| **s == q.status).copied();
    let mut pager =
        Pager::new("/admin/jobs", &q.list, &["created_at"], true)?.keep("status", &q.status);
    let (rows, total) = store::list(&state.db, status, pager.offset(), pager.per_page).await?;
    pager.total = total;
    let page = JobsPage {
        ctx,
        rows,
        pager,
        status: status.unwrap_or_default().to_owned(),
    };
    crate::web::render::page(page)
}

/// `POST /admin/jobs/{job_id}/retry`.
pub async fn retry_job(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(job_id): Path<Uuid>,
) -> Result<Response, WebError> {
    let tx = crate::db::begin_write(&state.db).await?;
    if !store::retry(&tx, job_id).await? {
        return Err(WebError::NotFound);
    }
    audit::record(&tx, &ctx, Change::new("job.retry", "job", job_id)).await?;
    tx.commit().await?;
    Ok(redirect_with_flash("/admin/jobs", "success", "job-retried"))
}
