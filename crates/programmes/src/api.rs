//! `/api/v1`: programmes, and a person's bank account.

use axum::Json;
use axum::extract::{Path, State};

use crate::bank::AccountInput;
use crate::bank::store::{self, BankAccount};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use uuid::Uuid;

/// The person's bank account (a person in the caller's view scope; the read is audited).
#[utoipa::path(get, path = "/api/v1/persons/{id}/bank-account", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = BankAccount), (status = 404, body = sipe_platform::api::Problem, description = "No such person in scope, or no account")))]
pub async fn show_account(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<BankAccount>, ApiError> {
    let account = store::read(&state.db, &access, id).await?;
    sipe_persons::service::record_read(&state.reads, &ctx, sipe_platform::ids::PersonId(id))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(account.ok_or(ApiError::NotFound)?))
}

/// Records the person's bank account: `{"cbu": "…"}` (22 digits, both check digits
/// valid) or `{"alias": "…"}`; a person in the caller's capture scope.
#[utoipa::path(put, path = "/api/v1/persons/{id}/bank-account", request_body = AccountInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = BankAccount), (status = 404, body = sipe_platform::api::Problem),
        (status = 422, body = sipe_platform::api::Problem, description = "A field error on `cbu` or `alias`")))]
pub async fn set_account(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<Json<BankAccount>, ApiError> {
    Ok(Json(
        store::set(&state.db, &ctx, &access, id, &input).await?,
    ))
}

/// A programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProgrammeDto {
    /// Id.
    pub id: Uuid,
    /// Prefix of its approval numbers.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Its date.
    pub legal_date: Option<chrono::NaiveDate>,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day.
    pub ends_on: Option<chrono::NaiveDate>,
    /// Funding source.
    pub funding_source: Option<String>,
    /// Longest stay, months.
    pub max_months: Option<i32>,
    /// Documents an application needs.
    pub required_documents: Vec<String>,
    /// Most people at once.
    pub quota_total: Option<i32>,
    /// Taking applications?
    pub active: bool,
    /// How a month is paid.
    pub payment_rule: String,
    /// Amounts per category from a date, in pesos.
    pub amounts: Vec<AmountDto>,
}

/// An amount in force from a date.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AmountDto {
    /// Category.
    pub category: String,
    /// In force from.
    pub effective_from: chrono::NaiveDate,
    /// Pesos a month.
    pub amount: f64,
}

async fn programme_dto(state: &AppState, id: Uuid) -> Result<ProgrammeDto, ApiError> {
    let p = crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let amounts = crate::programmes::amounts_of(&state.db, id).await?;
    Ok(ProgrammeDto {
        id: p.id,
        code: p.code,
        name: p.name,
        kind: p.kind,
        legal_basis: p.legal_basis,
        legal_date: p.legal_date,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        funding_source: p.funding_source,
        max_months: p.max_months,
        required_documents: p
            .required_documents
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        quota_total: p.quota_total,
        active: p.active,
        payment_rule: p.payment_rule,
        amounts: amounts
            .into_iter()
            .map(|a| AmountDto {
                category: a.category,
                effective_from: a.effective_from,
                amount: a.amount_cents as f64 / 100.0,
            })
            .collect(),
    })
}

/// Paging and text of the list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Words of the code or name.
    pub q: Option<String>,
    /// Sort column: `name`, `code`, `starts_on`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// The programmes.
#[utoipa::path(get, path = "/api/v1/programmes", params(ListParams),
    responses((status = 200, body = sipe_platform::api::Page<ProgrammeDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_programmes(
    State(state): State<AppState>,
    axum::extract::Query(p): axum::extract::Query<ListParams>,
) -> Result<Json<sipe_platform::api::Page<ProgrammeDto>>, ApiError> {
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programmes",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &crate::programmes::SORTS,
        false,
    )?;
    let q = sipe_platform::validation::search_text("q", p.q.as_deref().unwrap_or_default())?;
    let (rows, total) = crate::programmes::list(&state.db, &q, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(programme_dto(&state, r.id).await?);
    }
    Ok(Json(sipe_platform::api::Page { items, total }))
}

/// One programme.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_programme(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<ProgrammeDto>, ApiError> {
    Ok(Json(programme_dto(&state, id).await?))
}

/// Adds a programme.
#[utoipa::path(post, path = "/api/v1/programmes", request_body = crate::programmes::ProgrammeInput,
    responses((status = 201, body = ProgrammeDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_programme(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<crate::programmes::ProgrammeInput>,
) -> Result<(axum::http::StatusCode, Json<ProgrammeDto>), ApiError> {
    let id = crate::programmes::create(&state.db, &ctx, &input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(programme_dto(&state, id).await?),
    ))
}

/// Replaces a programme's fields and amounts.
#[utoipa::path(put, path = "/api/v1/programmes/{id}", request_body = crate::programmes::ProgrammeInput,
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_programme(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::programmes::ProgrammeInput>,
) -> Result<Json<ProgrammeDto>, ApiError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    crate::programmes::update(&state.db, &ctx, id, &input, today).await?;
    Ok(Json(programme_dto(&state, id).await?))
}

/// A programme's rules: eligibility criteria, quotas per office, incompatibilities.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/rules", params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = crate::rules::Rules), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_rules(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<crate::rules::Rules>, ApiError> {
    crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(crate::rules::read(&state.db, id).await?))
}

/// Replaces a programme's rules. Criteria are typed (`{"kind": "age", "min": 18,
/// "max": 24}`), at most one of each kind; errors name the rules form's fields.
#[utoipa::path(put, path = "/api/v1/programmes/{id}/rules", request_body = crate::rules::RulesInput,
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = crate::rules::Rules), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn set_rules(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::rules::RulesInput>,
) -> Result<Json<crate::rules::Rules>, ApiError> {
    crate::rules::set(&state.db, &ctx, id, &input).await?;
    Ok(Json(crate::rules::read(&state.db, id).await?))
}

/// Who is eligible for a programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligibleDto {
    /// Eligible people over the whole registry: per office of the caller's view scope,
    /// the other offices together, and the total.
    pub counts: crate::eligibility::who::Counts,
    /// A page of the eligible people within the caller's view scope.
    pub items: Vec<EligiblePerson>,
    /// How many eligible people are within the caller's view scope.
    pub total: u64,
}

/// An eligible person.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligiblePerson {
    /// Person id.
    pub id: Uuid,
    /// Document number.
    pub doc_number: String,
    /// Surnames, names.
    pub name: String,
    /// Office id.
    pub office_id: Uuid,
}

/// Paging of the eligible people.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

/// Who is eligible for a programme today: counts per office, and the people in scope
/// (each one's read audited).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/eligible", params(("id" = Uuid, Path, description = "Programme id"), PageParams),
    responses((status = 200, body = EligibleDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn eligible(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    axum::extract::Query(p): axum::extract::Query<PageParams>,
) -> Result<Json<EligibleDto>, ApiError> {
    use crate::eligibility::who;
    crate::programmes::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programmes/eligible",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            ..Default::default()
        },
        &["name"],
        false,
    )?;
    let criteria = crate::eligibility::store::of(&state.db, id).await?;
    let day = today(&state);
    let counts = who::counts(&state.db, &access, &criteria, day).await?;
    let (rows, total) = who::page(&state.db, &access, &criteria, day, &pager).await?;
    for r in &rows {
        sipe_persons::service::record_read(&state.reads, &ctx, sipe_platform::ids::PersonId(r.id))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    }
    Ok(Json(EligibleDto {
        counts,
        items: rows
            .into_iter()
            .map(|r| EligiblePerson {
                id: r.id,
                doc_number: r.doc_number,
                name: format!("{}, {}", r.surnames, r.names),
                office_id: r.office_id,
            })
            .collect(),
        total,
    }))
}

/// A person's eligibility for one programme.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EligibilityDto {
    /// Programme id.
    pub programme_id: Uuid,
    /// Programme code.
    pub programme_code: String,
    /// Programme name.
    pub programme_name: String,
    /// Every criterion met?
    pub eligible: bool,
    /// Each criterion with its outcome, the person's value and the rule (Spanish).
    pub criteria: Vec<crate::eligibility::explain::Outcome>,
}

/// A person's eligibility for every programme in force, explained per criterion.
#[utoipa::path(get, path = "/api/v1/persons/{id}/eligibility", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<EligibilityDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn person_eligibility(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<EligibilityDto>>, ApiError> {
    let person = sipe_platform::ids::PersonId(id);
    let verdicts = crate::eligibility::who::in_force_for(
        &state.db,
        &access,
        person,
        today(&state),
        sipe_platform::i18n::Lang::EsAr,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(&state.reads, &ctx, person)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(
        verdicts
            .into_iter()
            .map(|(p, v)| EligibilityDto {
                programme_id: p.id,
                programme_code: p.code,
                programme_name: p.name,
                eligible: v.eligible,
                criteria: v.criteria,
            })
            .collect(),
    ))
}

/// Filters and paging of applications.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ApplicationParams {
    /// One programme.
    pub programme_id: Option<Uuid>,
    /// One person.
    pub person_id: Option<Uuid>,
    /// One state, or `waiting` (submitted and under review).
    pub state: Option<String>,
    /// Sort column: `submitted_at`, `created_at`, `updated_at`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

/// Applications of people in the caller's view scope.
#[utoipa::path(get, path = "/api/v1/programme-applications", params(ApplicationParams),
    responses((status = 200, body = sipe_platform::api::Page<crate::applications::store::Row>), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn list_applications(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    axum::extract::Query(p): axum::extract::Query<ApplicationParams>,
) -> Result<Json<sipe_platform::api::Page<crate::applications::store::Row>>, ApiError> {
    use crate::applications::{STATES, store};
    if let Some(s) = p.state.as_deref()
        && s != "waiting"
        && !STATES.contains(&s)
    {
        return Err(ApiError::Invalid(
            sipe_platform::validation::FieldErrors::one("state", "field-choice-invalid"),
        ));
    }
    let pager = sipe_platform::web::table::Pager::new(
        "/api/v1/programme-applications",
        &sipe_platform::web::table::ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort.clone(),
            dir: p.dir.clone(),
        },
        &store::SORTS,
        false,
    )?;
    let filter = store::Filter {
        programme: p.programme_id,
        person: p.person_id,
        state: p.state.clone(),
        office: None,
    };
    let (items, total) = store::list(&state.db, &access, &filter, &pager).await?;
    Ok(Json(sipe_platform::api::Page { items, total }))
}

/// An application with its steps.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationDto {
    /// The application.
    #[serde(flatten)]
    pub application: crate::applications::store::Row,
    /// Its steps, oldest first.
    pub steps: Vec<StepDto>,
}

/// One step of an application.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StepDto {
    /// What was done.
    pub action: String,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: String,
    /// Coded reason.
    pub reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Day it takes effect.
    pub effective_on: Option<chrono::NaiveDate>,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who.
    pub actor: String,
}

async fn application_dto(
    state: &AppState,
    a: crate::applications::store::Application,
) -> Result<ApplicationDto, ApiError> {
    use crate::applications::store;
    let steps = store::steps(&state.db, a.id)
        .await?
        .into_iter()
        .map(|s| StepDto {
            action: s.action,
            from_state: s.from_state,
            to_state: s.to_state,
            reason: s.reason,
            note: s.note,
            effective_on: s.effective_on,
            at: s.at,
            actor: s.actor_name,
        })
        .collect();
    let application = store::rows_of(&state.db, vec![a])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(ApplicationDto { application, steps })
}

/// Applies a person to a programme (a draft, or sent for review with `submit`).
#[utoipa::path(post, path = "/api/v1/programme-applications", request_body = crate::applications::service::ApplyInput,
    responses((status = 201, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<crate::applications::service::ApplyInput>,
) -> Result<(axum::http::StatusCode, Json<ApplicationDto>), ApiError> {
    use crate::applications::{service, store};
    let id = service::apply(&state.db, &ctx, &access, &input, today(&state)).await?;
    let a = store::find(
        &state.db,
        &access,
        sipe_platform::access::ScopeKind::View,
        id,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(application_dto(&state, a).await?),
    ))
}

/// An application of a person in the caller's view scope, with its steps (the person's
/// read is audited).
#[utoipa::path(get, path = "/api/v1/programme-applications/{id}", params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let a = crate::applications::store::find(
        &state.db,
        &access,
        sipe_platform::access::ScopeKind::View,
        id,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    sipe_persons::service::record_read(
        &state.reads,
        &ctx,
        sipe_platform::ids::PersonId(a.person_id),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok(Json(application_dto(&state, a).await?))
}

/// Takes a step: `{"action": "approve", "version": 2}`; `reason` for reject, suspend and
/// finish; `date` for activate, suspend, extend and finish; `note` (required to extend).
/// Approving and rejecting need the programmes manager's permission.
#[utoipa::path(post, path = "/api/v1/programme-applications/{id}/transitions", request_body = crate::applications::service::StepInput,
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = ApplicationDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn transition_application(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::applications::service::StepInput>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let a = crate::applications::service::step(&state.db, &ctx, &access, id, &input, today(&state))
        .await?;
    Ok(Json(application_dto(&state, a).await?))
}

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
