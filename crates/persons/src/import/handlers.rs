//! Imports from the web UI: an admin uploads a CSV or XLSX file, a background job runs
//! the same import as `sipe import persons`, and the page shows each run's progress,
//! counts and report of rejected rows.

use std::path::{Path as FsPath, PathBuf};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::import_run;
use sipe_platform::audit::AuditCtx;
use sipe_platform::jobs;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Kind of the background job that runs an uploaded import.
pub const IMPORT_JOB: &str = "persons.import";

/// What the job needs to run an upload.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportJob {
    /// The uploaded file.
    pub file: PathBuf,
    /// Where rejected rows go.
    pub report: PathBuf,
    /// Update people already registered.
    pub update: bool,
    /// Who uploaded it.
    pub actor_id: Option<Uuid>,
    /// Who uploaded it, by name.
    pub actor_name: String,
    /// The deployment's time zone (IANA name), for "today" in the checks. Jobs queued
    /// before it was recorded run with Tucumán's.
    #[serde(default)]
    pub timezone: Option<String>,
}

impl ImportJob {
    fn tz(&self) -> chrono_tz::Tz {
        self.timezone
            .as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or(chrono_tz::America::Argentina::Tucuman)
    }
}

/// Runs an uploaded import (the job's body). Resumable: a retried job continues.
pub async fn run_job(
    db: &sipe_platform::db::Db,
    payload: &serde_json::Value,
) -> anyhow::Result<()> {
    let job: ImportJob = serde_json::from_value(payload.clone())?;
    let ctx = AuditCtx {
        actor_id: job.actor_id,
        actor_name: job.actor_name.clone(),
        ip: None,
        request_id: None,
    };
    let summary = crate::import::import_file(
        db,
        &ctx,
        job.tz(),
        &job.file,
        &job.report,
        job.update,
        |_, _| {},
    )
    .await?;
    tracing::info!(
        accepted = summary.accepted,
        rejected = summary.rejected,
        duplicates = summary.duplicates,
        "uploaded import finished"
    );
    Ok(())
}

fn uploads_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("imports")
}

/// A run as listed.
pub struct RunRow {
    /// The run.
    pub run: import_run::Model,
    /// Percent of records processed.
    pub percent: i64,
    /// The report can be downloaded here.
    pub has_report: bool,
}

/// A failed import job (e.g. a file without the required columns).
pub struct FailedUpload {
    /// When it was queued.
    pub at: chrono::DateTime<chrono::Utc>,
    /// File name.
    pub file: String,
    /// Why it failed.
    pub error: String,
}

/// `/admin/imports`.
#[derive(Template)]
#[template(path = "persons/imports.html")]
pub struct ImportsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Runs, newest first.
    pub runs: Vec<RunRow>,
    /// Uploads whose job failed.
    pub failed: Vec<FailedUpload>,
    /// Any run still going (the page refreshes itself).
    pub running: bool,
    /// Largest upload, in MB.
    pub limit_mb: usize,
}

fn inside(dir: &FsPath, file: &FsPath) -> bool {
    match (dir.canonicalize(), file.canonicalize()) {
        (Ok(d), Ok(f)) => f.starts_with(d),
        _ => false,
    }
}

/// `GET /admin/imports`.
pub async fn list_imports(
    State(state): State<AppState>,
    ctx: PageCtx,
) -> Result<Response, WebError> {
    let runs = crate::import::runs::list(&state.db, "persons", 50)
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?;
    let dir = uploads_dir(&state);
    let running = runs.iter().any(|r| r.status == "running");
    let runs = runs
        .into_iter()
        .map(|run| {
            let percent = match (run.status.as_str(), run.total_records) {
                ("done", _) => 100,
                (_, Some(t)) if t > 0 => (run.next_record * 100 / t).clamp(0, 100),
                _ => 0,
            };
            let has_report = run
                .report_path
                .as_deref()
                .is_some_and(|p| inside(&dir, FsPath::new(p)));
            RunRow {
                run,
                percent,
                has_report,
            }
        })
        .collect();
    let (jobs, _) = jobs::store::list(&state.db, None, 0, 200)
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?;
    let failed = jobs
        .into_iter()
        .filter(|j| j.kind == IMPORT_JOB && matches!(j.status.as_str(), "failed" | "dead"))
        .filter_map(|j| {
            let job: ImportJob = serde_json::from_str(&j.payload).ok()?;
            Some(FailedUpload {
                at: j.created_at,
                file: job
                    .file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                error: j.last_error.unwrap_or_default(),
            })
        })
        .collect();
    let page = ImportsPage {
        ctx,
        runs,
        failed,
        running,
        limit_mb: state.config.upload_limit_bytes / (1024 * 1024),
    };
    sipe_platform::web::render::page(page)
}

/// `POST /admin/imports?_csrf=…` (multipart: `file`, `update`): store the file and
/// queue its import.
pub async fn upload_import(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    multipart: Multipart,
) -> Result<Response, WebError> {
    use sipe_platform::web::upload::{Refused, save_file};
    let dir = uploads_dir(&state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let id = Uuid::now_v7();
    let stored = dir.join(format!("{id}.upload"));
    let refuse = |key: &str| Ok(redirect_with_flash("/admin/imports", "error", key));
    let saved = match save_file(multipart, &stored)
        .await
        .map_err(|e| WebError::Internal(e.into()))?
    {
        Ok(s) => s,
        Err(Refused::TooLarge) => return refuse("import-too-large"),
        Err(Refused::Bad) => return refuse("import-bad-upload"),
        Err(Refused::Empty) => return refuse("import-empty"),
    };
    let (original, size, head) = (saved.original_name, saved.size, saved.head);
    let update = saved.fields.iter().any(|f| f == "update");
    // The kind is decided by content; a CSV's header is checked now, so a wrong file
    // is refused with a clear message instead of failing later in the job.
    let ext = if crate::import::is_xlsx(&head) {
        "xlsx"
    } else {
        let text = crate::import::decode(&head);
        let first = text.lines().next().unwrap_or("").to_lowercase();
        let missing = crate::import::generate::HEADER
            .iter()
            .any(|h| !first.split(',').any(|c| c.trim() == *h));
        if missing {
            let _ = tokio::fs::remove_file(&stored).await;
            return refuse("import-bad-header");
        }
        "csv"
    };
    let file = dir.join(format!("{id}.{ext}"));
    tokio::fs::rename(&stored, &file)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let job = ImportJob {
        report: dir.join(format!("{id}.rechazos.csv")),
        file,
        update,
        actor_id: audit.actor_id,
        actor_name: audit.actor_name.clone(),
        timezone: Some(state.tz.name().to_owned()),
    };
    let tx = sipe_platform::db::begin_write(&state.db).await?;
    jobs::store::enqueue(
        &tx,
        IMPORT_JOB,
        &serde_json::to_value(&job).map_err(anyhow::Error::from)?,
        Some(format!("{IMPORT_JOB}:{id}")),
    )
    .await
    .map_err(sipe_platform::db::StoreError::from_db)?;
    sipe_platform::audit::record(
        &tx,
        &audit,
        sipe_platform::audit::Change::new("person.import_upload", "import_upload", id).after(
            serde_json::json!({"file": original, "bytes": size, "update": update, "by": user.access.actor.username}),
        ),
    )
    .await
    .map_err(sipe_platform::db::StoreError::from_db)?;
    tx.commit()
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?;
    Ok(redirect_with_flash(
        "/admin/imports",
        "success",
        "import-queued",
    ))
}

/// `GET /admin/imports/{run_id}/report`: the rejected rows of an uploaded import.
pub async fn download_report(
    State(state): State<AppState>,
    sipe_platform::web::auth::Ctx(audit): sipe_platform::web::auth::Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    report_response(&state, &audit, "persons", id, &uploads_dir(&state)).await
}

/// The report of rejected rows of a run of `kind` as a CSV attachment, when it lies in
/// `dir` (an upload's report; a command line run's may be anywhere); the download is
/// recorded as a read, since the report names people.
pub async fn report_response(
    state: &AppState,
    audit: &AuditCtx,
    kind: &str,
    id: Uuid,
    dir: &FsPath,
) -> Result<Response, WebError> {
    let run = crate::import::runs::find(&state.db, kind, id)
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?
        .ok_or(WebError::NotFound)?;
    let path = run
        .report_path
        .map(PathBuf::from)
        .ok_or(WebError::NotFound)?;
    if !inside(dir, &path) {
        return Err(WebError::NotFound);
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| WebError::NotFound)?;
    state
        .reads
        .record(
            audit,
            sipe_platform::audit::Change::new("import.report_download", "import_run", id),
        )
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"rechazos-{id}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
