//! National programmes assisted at the counter: the catalogue, the upload of a national
//! agency's list (imported by a background job, resumable) and each run's report.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ProgrammeError;
use crate::national::import::{self, KIND};
use crate::national::store::{self, NationalProgramme, NationalProgrammeInput};
use sipe_persons::import::runs::{self, ImportRun};
use sipe_platform::access::Permission;
use sipe_platform::audit::AuditCtx;
use sipe_platform::jobs;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Kind of the background job that imports an uploaded list.
pub const IMPORT_JOB: &str = "programmes.national_import";

/// What the job needs.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportJob {
    /// The uploaded file.
    pub file: PathBuf,
    /// Where rejected rows go.
    pub report: PathBuf,
    /// Who uploaded it.
    pub actor_id: Option<Uuid>,
    /// Who uploaded it, by name.
    pub actor_name: String,
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
    let summary = import::import_file(db, &ctx, &job.file, &job.report, |_, _| {}).await?;
    tracing::info!(
        accepted = summary.accepted,
        rejected = summary.rejected,
        "national list imported"
    );
    Ok(())
}

/// Where uploaded lists and their reports are kept.
pub fn uploads_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("imports").join("national")
}

/// A run as listed.
pub struct RunRow {
    /// The run.
    pub run: ImportRun,
    /// Percent of records processed.
    pub percent: i64,
    /// People of the list registered here.
    pub registered: u64,
}

/// The newest runs, with their progress and how many of their people are registered.
pub async fn run_rows(state: &AppState) -> Result<Vec<RunRow>, WebError> {
    let mut out = Vec::new();
    for run in runs::list(&state.db, KIND, 30).await? {
        let percent = match (run.status.as_str(), run.total_records) {
            ("done", _) => 100,
            (_, Some(t)) if t > 0 => (run.next_record * 100 / t).clamp(0, 100),
            _ => 0,
        };
        let registered = store::registered_in_run(&state.db, run.id).await?;
        out.push(RunRow {
            run,
            percent,
            registered,
        });
    }
    Ok(out)
}

#[derive(askama::Template)]
#[template(path = "programmes/national.html")]
struct NationalPage {
    ctx: PageCtx,
    programmes: Vec<NationalProgramme>,
    runs: Vec<RunRow>,
    running: bool,
    can_manage: bool,
    form: NationalProgrammeInput,
    errors: FieldErrors,
    limit_mb: usize,
    /// Uploads whose job failed: when, file, why.
    failed: Vec<(chrono::DateTime<chrono::Utc>, String, String)>,
}

impl NationalPage {
    fn actor(&self, name: &str) -> String {
        sipe_platform::audit::actor_label(self.ctx.lang, name)
    }

    fn month(&self, d: &chrono::NaiveDate) -> String {
        crate::national::month_words(self.ctx.lang, *d)
    }
}

async fn national_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    form: NationalProgrammeInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let runs = run_rows(state).await?;
    let (jobs, _) = jobs::store::list(&state.db, None, 0, 200)
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?;
    let failed = jobs
        .into_iter()
        .filter(|j| j.kind == IMPORT_JOB && matches!(j.status.as_str(), "failed" | "dead"))
        .filter_map(|j| {
            let job: ImportJob = serde_json::from_str(&j.payload).ok()?;
            let file = job.file.file_name()?.to_string_lossy().into_owned();
            Some((j.created_at, file, j.last_error.unwrap_or_default()))
        })
        .take(20)
        .collect();
    // An upload queued and not yet started counts as running: the page refreshes until
    // its run shows up and ends.
    let pending = jobs::store::list(&state.db, None, 0, 200)
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?
        .0
        .iter()
        .any(|j| j.kind == IMPORT_JOB && matches!(j.status.as_str(), "queued" | "running"));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        NationalPage {
            ctx,
            programmes: store::all(&state.db).await?,
            running: pending || runs.iter().any(|r| r.run.status == "running"),
            runs,
            can_manage: user.access.can(Permission::ManageProgrammes),
            form,
            errors,
            limit_mb: state.config.upload_limit_bytes / (1024 * 1024),
            failed,
        },
    )
}

/// `GET /programmes/national`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    national_page(&state, ctx, &user, Default::default(), FieldErrors::new()).await
}

/// `POST /programmes/national`: adds a programme to the catalogue.
pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<NationalProgrammeInput>,
) -> Result<Response, WebError> {
    match store::add(&state.db, &audit, &form).await {
        Ok(_) => Ok(redirect_with_flash(
            "/programmes/national",
            "success",
            "national-added",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            national_page(&state, ctx, &user, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Stores an uploaded list and queues its import; the refusal's catalogue key when the
/// file is not one.
pub async fn queue_upload(
    state: &AppState,
    audit: &AuditCtx,
    multipart: Multipart,
) -> Result<Result<(), &'static str>, WebError> {
    use sipe_platform::web::upload::{Refused, save_file};
    let dir = uploads_dir(state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let id = Uuid::now_v7();
    let stored = dir.join(format!("{id}.upload"));
    let saved = match save_file(multipart, &stored)
        .await
        .map_err(|e| WebError::Internal(e.into()))?
    {
        Ok(s) => s,
        Err(Refused::TooLarge) => return Ok(Err("import-too-large")),
        Err(Refused::Bad) => return Ok(Err("import-bad-upload")),
        Err(Refused::Empty) => return Ok(Err("import-empty")),
    };
    queue_file(state, audit, id, &stored, &saved).await
}

/// Queues the import of a list already stored at `stored` (`<dir>/<id>.upload`); the
/// refusal's catalogue key when its header is not a list's.
pub async fn queue_file(
    state: &AppState,
    audit: &AuditCtx,
    id: Uuid,
    stored: &FsPath,
    saved: &sipe_platform::web::upload::Saved,
) -> Result<Result<(), &'static str>, WebError> {
    let dir = uploads_dir(state);
    // A CSV's header is checked now, so a wrong file is refused at once.
    let ext = if sipe_persons::import::is_xlsx(&saved.head) {
        "xlsx"
    } else if saved.head.contains(&0) {
        // Not text: neither a CSV nor a workbook.
        let _ = tokio::fs::remove_file(stored).await;
        return Ok(Err("national-not-a-list"));
    } else {
        let text = sipe_persons::import::decode(&saved.head);
        let first: Vec<String> = text
            .lines()
            .next()
            .unwrap_or("")
            .split(',')
            .map(crate::national::column_name)
            .collect();
        if crate::national::HEADER
            .iter()
            .any(|h| !first.iter().any(|c| c == h))
        {
            let _ = tokio::fs::remove_file(stored).await;
            return Ok(Err("national-bad-header"));
        }
        "csv"
    };
    let file = dir.join(format!("{id}.{ext}"));
    tokio::fs::rename(stored, &file)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let job = ImportJob {
        report: dir.join(format!("{id}.rechazos.csv")),
        file,
        actor_id: audit.actor_id,
        actor_name: audit.actor_name.clone(),
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
        audit,
        sipe_platform::audit::Change::new("programmes.national_upload", "import_upload", id)
            .after(serde_json::json!({"file": saved.original_name, "bytes": saved.size})),
    )
    .await
    .map_err(sipe_platform::db::StoreError::from_db)?;
    tx.commit()
        .await
        .map_err(sipe_platform::db::StoreError::from_db)?;
    Ok(Ok(()))
}

/// `POST /programmes/national/imports?_csrf=…` (multipart `file`).
pub async fn upload(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    multipart: Multipart,
) -> Result<Response, WebError> {
    // A refusal is said at the top of the page, so it opens there.
    Ok(match queue_upload(&state, &audit, multipart).await? {
        Ok(()) => redirect_with_flash("/programmes/national#imports", "success", "import-queued"),
        Err(key) => redirect_with_flash("/programmes/national", "error", key),
    })
}

/// `GET /programmes/national/imports/{id}/report`: the rejected rows of a run.
pub async fn report(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    sipe_persons::import::handlers::report_response(&state, &audit, KIND, id, &uploads_dir(&state))
        .await
}
