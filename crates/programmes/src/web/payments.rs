//! Pages of monthly payments: a programme's month of attendance, its payment runs,
//! one run with its lines (approve, payment files, the bank's result), and the rejected
//! payments waiting for a corrected account.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::attendance::{self, Entry, RowProblem, Sheet};
use crate::error::ProgrammeError;
use crate::payments::service::{self, ResultProblem};
use crate::payments::store::{self, Line, Run};
use crate::payments::{month_label, parse_month};
use crate::programmes::{self, Programme};
use sipe_platform::access::Permission;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Largest attendance or bank result file.
pub const MAX_FILE: usize = 20 * 1024 * 1024;

fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

async fn programme(state: &AppState, id: Uuid) -> Result<Programme, WebError> {
    programmes::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)
}

/// The month asked for, or the current one.
fn month_or_now(raw: &str, state: &AppState) -> Result<chrono::NaiveDate, WebError> {
    if raw.trim().is_empty() {
        let t = today(state);
        return Ok(t - chrono::Duration::days(i64::from(chrono::Datelike::day(&t)) - 1));
    }
    parse_month(raw).ok_or_else(|| FieldErrors::one("month", "payment-month-invalid").into())
}

/// The first file part of a form, bounded; `Err` names what went wrong.
async fn read_file(mut multipart: Multipart) -> Result<Vec<u8>, &'static str> {
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err("upload-missing"),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err("upload-too-large");
            }
            Err(_) => return Err("upload-bad"),
        };
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| "upload-bad")? {
            if bytes.len() + chunk.len() > MAX_FILE {
                return Err("upload-too-large");
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err("upload-missing");
        }
        if bytes.contains(&0) {
            return Err("upload-not-text");
        }
        return Ok(bytes);
    }
}

/// Month of the attendance page.
#[derive(Debug, Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

#[derive(askama::Template)]
#[template(path = "programmes/attendance.html")]
struct AttendancePage {
    ctx: PageCtx,
    programme: Programme,
    month: String,
    rows: Vec<Sheet>,
    problems: Vec<RowProblem>,
    can_edit: bool,
}

async fn attendance_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    first: chrono::NaiveDate,
    problems: Vec<RowProblem>,
) -> Result<Response, WebError> {
    let programme = programme(state, id).await?;
    let rows = attendance::sheet(&state.db, &user.access, id, first).await?;
    page_with(
        if problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        AttendancePage {
            ctx,
            programme,
            month: month_label(first),
            rows,
            problems,
            can_edit: user.access.can(Permission::EditProgrammes),
        },
    )
}

/// `GET /programmes/{id}/attendance?month=YYYY-MM`.
pub async fn attendance(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, WebError> {
    let first = month_or_now(&q.month, &state)?;
    attendance_page(&state, ctx, &user, id, first, Vec::new()).await
}

/// The attendance form: applications side by side with their days.
#[derive(Debug, Deserialize, Default)]
pub struct AttendanceForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    application: Vec<Uuid>,
    #[serde(default)]
    attended: Vec<String>,
    #[serde(default)]
    expected: Vec<String>,
}

/// `POST /programmes/{id}/attendance`: rows left blank are not recorded.
pub async fn save_attendance(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<AttendanceForm>,
) -> Result<Response, WebError> {
    let first = month_or_now(&form.month, &state)?;
    let back = format!("/programmes/{id}/attendance?month={}", month_label(first));
    let mut entries = Vec::new();
    for (i, app) in form.application.iter().enumerate() {
        let (a, e) = (
            form.attended.get(i).map_or("", |s| s.trim()),
            form.expected.get(i).map_or("", |s| s.trim()),
        );
        if a.is_empty() && e.is_empty() {
            continue;
        }
        match (a.parse(), e.parse()) {
            (Ok(days_attended), Ok(days_expected)) => entries.push(Entry {
                application_id: *app,
                days_attended,
                days_expected,
            }),
            _ => {
                return Ok(redirect_with_flash(
                    &back,
                    "error",
                    "certified-attendance-days-invalid",
                ));
            }
        }
    }
    match attendance::record(
        &state.db,
        &audit,
        &user.access,
        id,
        first,
        &entries,
        "office",
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            "certified-attendance-saved",
        )),
        Err(ProgrammeError::Invalid(e)) => Ok(redirect_with_flash(
            &back,
            "error",
            e.0.first().map_or("form-has-errors", |f| f.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /programmes/{id}/attendance/file?month=YYYY-MM`: the employer's CSV, all rows or
/// none; the page lists each row's problem.
pub async fn upload_attendance(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let first = month_or_now(&q.month, &state)?;
    let back = format!("/programmes/{id}/attendance?month={}", month_label(first));
    let file = match read_file(multipart).await {
        Ok(f) => f,
        Err(key) => return Ok(redirect_with_flash(&back, "error", key)),
    };
    match attendance::read_csv(&state.db, &user.access, id, first, &file).await? {
        Ok(entries) => {
            attendance::record(&state.db, &audit, &user.access, id, first, &entries, "csv").await?;
            Ok(redirect_with_flash(
                &back,
                "success",
                "certified-attendance-saved",
            ))
        }
        Err(problems) => attendance_page(&state, ctx, &user, id, first, problems).await,
    }
}

#[derive(askama::Template)]
#[template(path = "programmes/runs.html")]
struct RunsPage {
    ctx: PageCtx,
    programme: Programme,
    rows: Vec<Run>,
    pager: Pager,
    month: String,
    errors: FieldErrors,
}

impl RunsPage {
    fn pesos(&self, cents: &i64) -> String {
        programmes::pesos(*cents)
    }
}

async fn runs_page(
    state: &AppState,
    ctx: PageCtx,
    id: Uuid,
    list: &ListQuery,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let programme = programme(state, id).await?;
    let mut pager = Pager::new(
        &format!("/programmes/{id}/payment-runs"),
        list,
        &store::SORTS,
        true,
    )?;
    let (rows, total) = store::list(&state.db, Some(id), &pager).await?;
    pager.total = total;
    let t = today(state);
    let previous = t - chrono::Duration::days(i64::from(chrono::Datelike::day(&t)));
    page_with(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        RunsPage {
            ctx,
            programme,
            rows,
            pager,
            month: previous.format("%Y-%m").to_string(),
            errors,
        },
    )
}

/// `GET /programmes/{id}/payment-runs`.
pub async fn runs(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<Uuid>,
    Query(list): Query<ListQuery>,
) -> Result<Response, WebError> {
    runs_page(&state, ctx, id, &list, FieldErrors::new()).await
}

/// The compute form.
#[derive(Debug, Deserialize, Default)]
pub struct ComputeForm {
    #[serde(default)]
    month: String,
}

/// `POST /programmes/{id}/payment-runs`: computes the month (a frozen one is shown as
/// it is).
pub async fn compute(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ComputeForm>,
) -> Result<Response, WebError> {
    let Some(first) = parse_month(&form.month) else {
        let errors = FieldErrors::one("month", "payment-month-invalid");
        return runs_page(&state, ctx, id, &ListQuery::default(), errors).await;
    };
    match service::compute(&state.db, &audit, id, first, today(&state)).await {
        Ok((run, created)) => Ok(redirect_with_flash(
            &format!("/payment-runs/{run}"),
            if created { "success" } else { "info" },
            if created {
                "payment-run-computed"
            } else {
                "payment-run-frozen"
            },
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            runs_page(&state, ctx, id, &ListQuery::default(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "programmes/run.html")]
struct RunPage {
    ctx: PageCtx,
    run: Run,
    programme: Programme,
    lines: Vec<Line>,
    pager: Pager,
    can_approve: bool,
    problems: Vec<ResultProblem>,
    errors: FieldErrors,
}

impl RunPage {
    fn pesos(&self, cents: &i64) -> String {
        programmes::pesos(*cents)
    }
    fn month(&self) -> String {
        month_label(self.run.month)
    }
}

async fn run_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    list: &ListQuery,
    problems: Vec<ResultProblem>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let run = store::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let programme = programme(state, run.programme_id).await?;
    let mut pager = Pager::new(&format!("/payment-runs/{id}"), list, &["position"], false)?;
    let (lines, total) = store::lines(&state.db, id, &pager).await?;
    pager.total = total;
    let can_approve = run.state == "computed"
        && run.computed_by.is_some()
        && run.computed_by != Some(user.access.actor.user_id);
    page_with(
        if problems.is_empty() && errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        RunPage {
            ctx,
            run,
            programme,
            lines,
            pager,
            can_approve,
            problems,
            errors,
        },
    )
}

/// `GET /payment-runs/{id}`.
pub async fn run(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
    Query(list): Query<ListQuery>,
) -> Result<Response, WebError> {
    run_page(
        &state,
        ctx,
        &user,
        id,
        &list,
        Vec::new(),
        FieldErrors::new(),
    )
    .await
}

/// The approve form.
#[derive(Debug, Deserialize, Default)]
pub struct ApproveForm {
    #[serde(default)]
    version: String,
}

/// `POST /payment-runs/{id}/approval`.
pub async fn approve(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ApproveForm>,
) -> Result<Response, WebError> {
    let version = form.version.trim().parse().unwrap_or(-1);
    match service::approve(&state.db, &audit, id, version).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/payment-runs/{id}"),
            "success",
            "payment-run-approved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            run_page(
                &state,
                ctx,
                &user,
                id,
                &ListQuery::default(),
                Vec::new(),
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A payment file as a download.
pub fn download(name: &str, mime: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /payment-runs/{id}/payment-file.csv` and `.txt` (the generic bank layout).
pub async fn payment_file(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    uri: axum::http::Uri,
) -> Result<Response, WebError> {
    let layout = uri.path().ends_with(".txt").then_some("generic");
    match service::export(&state.db, &audit, id, layout).await {
        Ok((_, name, body)) => Ok(download(
            &name,
            if layout.is_some() {
                "text/plain; charset=us-ascii"
            } else {
                "text/csv; charset=utf-8"
            },
            body,
        )),
        Err(ProgrammeError::Invalid(e)) => Ok(redirect_with_flash(
            &format!("/payment-runs/{id}"),
            "error",
            e.0.first().map_or("form-has-errors", |f| f.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /payment-runs/{id}/bank-result`: the bank's file, all rows or none.
pub async fn bank_result(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let back = format!("/payment-runs/{id}");
    let file = match read_file(multipart).await {
        Ok(f) => f,
        Err(key) => return Ok(redirect_with_flash(&back, "error", key)),
    };
    match service::reconcile(&state.db, &audit, id, &file).await {
        Ok(Ok(_)) => Ok(redirect_with_flash(
            &back,
            "success",
            "bank-result-imported",
        )),
        Ok(Err(problems)) => {
            run_page(
                &state,
                ctx,
                &user,
                id,
                &ListQuery::default(),
                problems,
                FieldErrors::new(),
            )
            .await
        }
        Err(ProgrammeError::Invalid(e)) => Ok(redirect_with_flash(
            &back,
            "error",
            e.0.first().map_or("form-has-errors", |f| f.key),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "programmes/rejected.html")]
struct RejectedPage {
    ctx: PageCtx,
    rows: Vec<Line>,
    pager: Pager,
    /// Run id → "PEJ 2026-03".
    runs: Vec<(Uuid, String)>,
}

impl RejectedPage {
    fn pesos(&self, cents: &i64) -> String {
        programmes::pesos(*cents)
    }
    fn run_of(&self, id: &Uuid) -> String {
        self.runs
            .iter()
            .find(|(r, _)| r == id)
            .map_or_else(String::new, |(_, l)| l.clone())
    }
}

/// `GET /payment-runs/rejected`: rejected payments of people in the reader's scope, to
/// correct their accounts; the next run pays them again.
pub async fn rejected(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(list): Query<ListQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new("/payment-runs/rejected", &list, &["id"], false)?;
    let (mut rows, total) = store::rejected(&state.db, &user.access, &pager).await?;
    super::shown(
        &state,
        &audit,
        "programmes.payment.rejected_list",
        rows.iter().map(|r| r.person_id),
    )
    .await?;
    // Accounts whole only to those who record them, as on the person's page.
    if !user.access.can(Permission::EditProgrammes) {
        for r in &mut rows {
            r.account = r.account.as_deref().map(crate::bank::store::mask);
        }
    }
    pager.total = total;
    let all = programmes::all(&state.db).await?;
    let mut runs: Vec<(Uuid, String)> = Vec::new();
    for r in &rows {
        if runs.iter().any(|(id, _)| *id == r.run_id) {
            continue;
        }
        if let Some(run) = store::find(&state.db, r.run_id).await? {
            let code = all
                .iter()
                .find(|p| p.id == run.programme_id)
                .map_or("", |p| p.code.as_str());
            runs.push((run.id, format!("{code} {}", month_label(run.month))));
        }
    }
    page_with(
        StatusCode::OK,
        RejectedPage {
            ctx,
            rows,
            pager,
            runs,
        },
    )
}
