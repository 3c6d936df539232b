//! `/api/v1`: certified attendance, payment runs, their files and the bank's result.

use axum::Json;
use axum::extract::{Path, State};

use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

use super::{PageParams, today};

/// A payment run.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RunDto {
    /// Id.
    pub id: Uuid,
    /// Programme id.
    pub programme_id: Uuid,
    /// Month paid, `YYYY-MM`.
    pub month: String,
    /// `draft`, `computed`, `approved`, `exported`, `reconciled`.
    pub state: String,
    /// Sum paid, pesos.
    pub total_amount: f64,
    /// People paid.
    pub beneficiaries: i32,
    /// Lines, excluded ones included.
    pub lines: i32,
    /// Who computed it.
    pub computed_by: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// Version, for approving.
    pub version: i32,
}

impl From<crate::payments::store::Run> for RunDto {
    fn from(r: crate::payments::store::Run) -> Self {
        RunDto {
            id: r.id,
            programme_id: r.programme_id,
            month: crate::payments::month_label(r.month),
            state: r.state,
            total_amount: r.total_cents as f64 / 100.0,
            beneficiaries: r.beneficiaries,
            lines: r.lines,
            computed_by: r.computed_by_name,
            approved_by: r.approved_by_name,
            version: r.version,
        }
    }
}

/// Filters and paging of runs.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct RunParams {
    /// One programme.
    pub programme_id: Option<Uuid>,
    /// Sort column: `month`, `computed_at`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Payment runs, newest month first.
#[utoipa::path(get, path = "/api/v1/payment-runs", params(RunParams),
    responses((status = 200, body = sipe_platform::api::Page<RunDto>)))]
pub async fn list_runs(
    State(state): State<AppState>,
    axum::extract::Query(p): axum::extract::Query<RunParams>,
) -> Result<Json<sipe_platform::api::Page<RunDto>>, ApiError> {
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/payment-runs",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &crate::payments::store::SORTS,
        true,
    )?;
    let (rows, total) = crate::payments::store::list(&state.db, p.programme_id, &pager).await?;
    Ok(Json(sipe_platform::api::Page {
        items: rows.into_iter().map(RunDto::from).collect(),
        total,
    }))
}

/// What to compute.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ComputeInput {
    /// The programme.
    pub programme_id: Uuid,
    /// The month, `YYYY-MM` (not a future one).
    pub month: String,
}

/// Computes a programme's month: 201 with a new or recomputed run; 200 with a frozen
/// run as it was (nothing created).
#[utoipa::path(post, path = "/api/v1/payment-runs", request_body = ComputeInput,
    responses((status = 201, body = RunDto), (status = 200, body = RunDto, description = "The month's run is frozen: unchanged"),
        (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn compute_run(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<ComputeInput>,
) -> Result<(axum::http::StatusCode, Json<RunDto>), ApiError> {
    let first = crate::payments::parse_month(&input.month).ok_or_else(|| {
        ApiError::Invalid(sipe_platform::validation::FieldErrors::one(
            "month",
            "payment-month-invalid",
        ))
    })?;
    let (id, created) = crate::payments::service::compute(
        &state.db,
        &ctx,
        input.programme_id,
        first,
        today(&state),
    )
    .await?;
    let run = crate::payments::store::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let status = if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(run.into())))
}

/// A run's line.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LineDto {
    /// Person id.
    pub person_id: Uuid,
    /// Application id.
    pub application_id: Uuid,
    /// CUIL.
    pub cuil: Option<String>,
    /// `Surnames, names`.
    pub name: String,
    /// CBU or alias.
    pub account: Option<String>,
    /// The month's full amount, pesos.
    pub base_amount: f64,
    /// Paid, pesos.
    pub amount: f64,
    /// `paid`, `reduced`, `excluded`.
    pub status: String,
    /// Why reduced or excluded.
    pub reason: Option<String>,
    /// The bank's answer.
    pub result: Option<String>,
    /// Why the bank rejected it.
    pub result_reason: Option<String>,
}

/// A run with a page of its lines.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RunDetail {
    /// The run.
    #[serde(flatten)]
    pub run: RunDto,
    /// A page of its lines, in order.
    pub items: Vec<LineDto>,
    /// Lines in all.
    pub total: u64,
}

/// A run and a page of its lines.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}", params(("id" = Uuid, Path, description = "Run id"), PageParams),
    responses((status = 200, body = RunDetail), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_run(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    axum::extract::Query(p): axum::extract::Query<PageParams>,
) -> Result<Json<RunDetail>, ApiError> {
    let run = crate::payments::store::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/payment-runs/lines",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            ..Default::default()
        },
        &["position"],
        false,
    )?;
    let (lines, total) = crate::payments::store::lines(&state.db, id, &pager).await?;
    Ok(Json(RunDetail {
        run: run.into(),
        items: lines
            .into_iter()
            .map(|l| LineDto {
                person_id: l.person_id,
                application_id: l.application_id,
                cuil: l.cuil,
                name: l.name,
                account: l.account,
                base_amount: l.base_cents as f64 / 100.0,
                amount: l.amount_cents as f64 / 100.0,
                status: l.status,
                reason: l.reason,
                result: l.result,
                result_reason: l.result_reason,
            })
            .collect(),
        total,
    }))
}

/// The version approved.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ApproveInput {
    /// The run's version as read.
    pub version: i32,
}

/// Approves a computed run: a second user, never whoever computed it. It is frozen.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/approval", request_body = ApproveInput,
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = RunDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn approve_run(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ApproveInput>,
) -> Result<Json<RunDto>, ApiError> {
    Ok(Json(
        crate::payments::service::approve(&state.db, &ctx, id, input.version)
            .await?
            .into(),
    ))
}

/// The payment file of an approved run: CSV (`cuil,apellido_nombre,cbu,importe,concepto`)
/// at `.csv`, the generic fixed-width layout at `.txt`. The first download marks the run
/// exported.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}/payment-file.csv", params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn run_file(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    uri: axum::http::Uri,
) -> Result<axum::response::Response, ApiError> {
    let layout = uri.path().ends_with(".txt").then_some("generic");
    let (_, name, body) = crate::payments::service::export(&state.db, &ctx, id, layout).await?;
    Ok(crate::web::payments::download(
        &name,
        if layout.is_some() {
            "text/plain; charset=us-ascii"
        } else {
            "text/csv; charset=utf-8"
        },
        body,
    ))
}

/// The generic fixed-width payment file (see `run_file`).
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}/payment-file.txt", params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn run_file_txt(
    state: State<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    uri: axum::http::Uri,
) -> Result<axum::response::Response, ApiError> {
    run_file(state, ctx, id, uri).await
}

/// What a bank result import did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BankResultDto {
    /// Payments confirmed.
    pub paid: usize,
    /// Payments rejected (listed for correction; the next run pays them again).
    pub rejected: usize,
}

/// Imports the bank's result file into an exported run (body: CSV
/// `cuil,estado,motivo`, `estado` `pagado` or `rechazado`); all rows or none: a 422
/// lists every row's problem.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/bank-result", request_body(content = String, content_type = "text/csv"),
    params(("id" = Uuid, Path, description = "Run id")),
    responses((status = 200, body = BankResultDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn bank_result(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Json<BankResultDto>, ApiError> {
    match crate::payments::service::reconcile(&state.db, &ctx, id, &body).await? {
        Ok((paid, rejected)) => Ok(Json(BankResultDto { paid, rejected })),
        Err(problems) => {
            let mut errors = sipe_platform::validation::FieldErrors::new();
            for p in problems.iter().take(1) {
                errors.add("file", rows_key(&p.problem));
            }
            Err(ApiError::Invalid(errors))
        }
    }
}

/// The static catalogue key of a row problem (the problem names one).
fn rows_key(problem: &str) -> &'static str {
    [
        "bank-result-header",
        "bank-result-too-many",
        "bank-result-csv",
        "bank-result-unknown",
        "bank-result-state",
        "certified-attendance-row-header",
        "certified-attendance-row-too-many",
        "certified-attendance-row-csv",
        "certified-attendance-row-unknown",
        "certified-attendance-row-repeated",
        "certified-attendance-row-days",
    ]
    .into_iter()
    .find(|k| *k == problem)
    .unwrap_or("form-has-errors")
}

/// A month's attendance.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CertifiedAttendanceInput {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Days per beneficiary.
    pub items: Vec<crate::attendance::Entry>,
}

/// Records a month's certified attendance of beneficiaries in the caller's capture
/// scope; all entries or none.
#[utoipa::path(put, path = "/api/v1/programmes/{id}/attendance", request_body = CertifiedAttendanceInput,
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = Vec<crate::attendance::Sheet>), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn set_attendance(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CertifiedAttendanceInput>,
) -> Result<Json<Vec<crate::attendance::Sheet>>, ApiError> {
    let first = crate::payments::parse_month(&input.month).ok_or_else(|| {
        ApiError::Invalid(sipe_platform::validation::FieldErrors::one(
            "month",
            "payment-month-invalid",
        ))
    })?;
    crate::attendance::record(&state.db, &ctx, &access, id, first, &input.items, "office").await?;
    Ok(Json(
        crate::attendance::sheet(&state.db, &access, id, first).await?,
    ))
}
