//! `/programmes/indicators`: the page (tables and SVG charts), one CSV/XLSX export per
//! table, and `GET /api/v1/indicators/programmes`.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    By, MonthlyRow, PaymentRow, QuotaRow, StateRow, by_state, holding, monthly, months, payments,
    ratio, stays,
};
use crate::applications::STATES;
use sipe_intermediation::indicators::handlers::{Bar, bars};
use sipe_platform::access::Access;
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The months, the grouping and, optionally, one programme.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct IndicatorsQuery {
    /// First month (`YYYY-MM`; default January of this year).
    #[serde(default)]
    pub from: String,
    /// Last month (`YYYY-MM`; default this month). At most 36 months are shown.
    #[serde(default)]
    pub to: String,
    /// `programme` (default), `office`, `age_band` or `sex`.
    #[serde(default)]
    pub by: String,
    /// One programme (its id): its coverage per office is added.
    #[serde(default)]
    pub programme: String,
    /// The table an export writes: `beneficiaries` (default), `applications`,
    /// `payments`, `quotas` or `coverage`.
    #[serde(default)]
    pub table: String,
}

/// What was asked, checked.
struct Asked {
    from: NaiveDate,
    to: NaiveDate,
    by: By,
    programme: Option<Uuid>,
}

fn month_of(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    if s.len() > 10 {
        return None;
    }
    let (y, m) = s.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.get(..2).unwrap_or(m).parse().ok()?);
    if !(2000..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, 1)
}

impl IndicatorsQuery {
    fn asked(&self, today: NaiveDate) -> Result<Asked, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut month = |field: &'static str, raw: &str, default: NaiveDate| match raw.trim() {
            "" => default,
            s => month_of(s).unwrap_or_else(|| {
                e.add(field, "pind-month-invalid");
                default
            }),
        };
        let this_month = today.with_day(1).unwrap_or(today);
        let from = month(
            "from",
            &self.from,
            today
                .with_month(1)
                .unwrap_or(this_month)
                .with_day(1)
                .unwrap_or(this_month),
        );
        let to = month("to", &self.to, this_month);
        if to < from {
            e.add("to", "field-date-before-start");
        }
        let by = By::parse(&self.by).unwrap_or_else(|| {
            e.add("by", "field-choice-invalid");
            By::Programme
        });
        let programme = match self.programme.trim() {
            "" => None,
            s => match s.parse::<Uuid>() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("programme", "field-choice-invalid");
                    None
                }
            },
        };
        e.into_result()?;
        Ok(Asked {
            from,
            to,
            by,
            programme,
        })
    }
}

/// One office's coverage of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    /// Office code.
    pub office: String,
    /// People holding a place now (approved, active, suspended).
    pub beneficiaries: u64,
    /// Registered people who meet every criterion today.
    pub eligible: u64,
    /// Beneficiaries / eligible.
    pub coverage: Option<f64>,
    /// The office's quota, if it has one.
    pub quota: Option<u32>,
    /// Beneficiaries / quota.
    pub quota_used: Option<f64>,
}

/// Programme indicators within the reader's view scope.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgrammesReport {
    /// First month (`YYYY-MM`).
    pub from: String,
    /// Last month (`YYYY-MM`).
    pub to: String,
    /// The grouping of `beneficiaries`.
    pub by: String,
    /// The programme asked for (its code), if one.
    pub programme: Option<String>,
    /// The months (`YYYY-MM`) of the monthly counts.
    pub months: Vec<String>,
    /// People in a programme some day of each month, per group.
    pub beneficiaries: Vec<MonthlyRow>,
    /// The same, every group together.
    pub beneficiaries_total: Vec<u64>,
    /// The states of `applications` counts, in order.
    pub states: Vec<String>,
    /// Applications created in the period, per programme, by their state now.
    pub applications: Vec<StateRow>,
    /// Amounts of approved runs per programme and month.
    pub payments: Vec<PaymentRow>,
    /// Places held now against each programme's total quota.
    pub quotas: Vec<QuotaRow>,
    /// With a programme: its coverage in each office of the reader's view scope.
    pub coverage: Vec<CoverageRow>,
}

fn today(state: &AppState) -> NaiveDate {
    Utc::now().with_timezone(&state.tz).date_naive()
}

async fn report(
    state: &AppState,
    access: &Access,
    a: &Asked,
) -> Result<ProgrammesReport, WebError> {
    let db = &state.db;
    let all = crate::programmes::all(db).await?;
    let offices = sipe_platform::territory::store::all_offices(db).await?;
    let mut names: HashMap<Uuid, String> = all.iter().map(|p| (p.id, p.code.clone())).collect();
    names.extend(offices.iter().map(|o| (o.id, o.code.clone())));
    let chosen = match a.programme {
        Some(id) => Some(all.iter().find(|p| p.id == id).ok_or(WebError::NotFound)?),
        None => None,
    };
    let list = months(a.from, a.to);
    let to_end = list
        .last()
        .and_then(|m| m.checked_add_months(chrono::Months::new(1)))
        .and_then(|n| n.pred_opt())
        .unwrap_or(a.to);
    let stays = stays(db, access, a.from, to_end, a.programme).await?;
    let (beneficiaries, beneficiaries_total) = monthly(&stays, &list, a.by, &names);
    let applications = by_state(db, access, a.from, to_end, &names).await?;
    let payments = payments(db, access, a.from, to_end, &names).await?;
    let held = holding(db, access, a.programme).await?;
    let quotas = all
        .iter()
        .filter(|p| a.programme.is_none_or(|id| id == p.id))
        .map(|p| {
            let n: u64 = held
                .iter()
                .filter(|((pid, _), _)| *pid == p.id)
                .map(|(_, n)| *n)
                .sum();
            QuotaRow {
                programme: p.code.clone(),
                holding: n,
                quota: p.quota_total,
                used: p
                    .quota_total
                    .and_then(|q| ratio(n, u64::try_from(q).unwrap_or(0))),
            }
        })
        .collect();
    let mut coverage = Vec::new();
    if let Some(p) = chosen {
        let criteria = crate::eligibility::store::of(db, p.id).await?;
        let counts =
            crate::eligibility::who::counts(db, access, p.id, &criteria, today(state)).await?;
        for o in counts.offices {
            let n = held.get(&(p.id, o.office_id)).copied().unwrap_or(0);
            if n == 0 && o.eligible == 0 {
                continue;
            }
            let quota = crate::rules::office_quota(db, p.id, o.office_id).await?;
            coverage.push(CoverageRow {
                office: o.office_code,
                beneficiaries: n,
                eligible: o.eligible,
                coverage: ratio(n, o.eligible),
                quota,
                quota_used: quota.and_then(|q| ratio(n, u64::from(q))),
            });
        }
    }
    Ok(ProgrammesReport {
        from: a.from.format("%Y-%m").to_string(),
        to: a.to.format("%Y-%m").to_string(),
        by: a.by.as_str().to_owned(),
        programme: chosen.map(|p| p.code.clone()),
        months: list.iter().map(|m| m.format("%Y-%m").to_string()).collect(),
        beneficiaries,
        beneficiaries_total,
        states: STATES.iter().map(|s| (*s).to_owned()).collect(),
        applications,
        payments,
        quotas,
        coverage,
    })
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// `/programmes/indicators`.
#[derive(Template)]
#[template(path = "programmes/indicators.html")]
struct IndicatorsPage {
    ctx: PageCtx,
    report: ProgrammesReport,
    errors: FieldErrors,
    groupings: Vec<&'static str>,
    programmes: Vec<sipe_platform::web::form::Choice>,
    monthly_chart: Vec<Bar>,
    states_chart: Vec<Bar>,
    exports: Vec<(&'static str, ExportLinks)>,
}

impl IndicatorsPage {
    fn pct(&self, v: &Option<f64>) -> String {
        pct(*v)
    }

    fn pesos(&self, cents: &i64) -> String {
        crate::programmes::pesos(*cents)
    }

    fn month(&self, m: &str) -> String {
        match month_of(m) {
            Some(d) => crate::national::month_words(self.ctx.lang, d),
            None => m.to_owned(),
        }
    }

    fn export(&self, table: &str) -> Option<&ExportLinks> {
        self.exports
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, l)| l)
    }
}

const TABLES: [(&str, &str); 5] = [
    ("beneficiaries", "pind-export-beneficiaries"),
    ("applications", "pind-export-applications"),
    ("payments", "pind-export-payments"),
    ("quotas", "pind-export-quotas"),
    ("coverage", "pind-export-coverage"),
];

/// `GET /programmes/indicators`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Response, WebError> {
    let (asked, errors) = match q.asked(today(&state)) {
        Ok(a) => (a, FieldErrors::new()),
        Err(e) => (
            IndicatorsQuery::default()
                .asked(today(&state))
                .map_err(|_| WebError::NotFound)?,
            e,
        ),
    };
    let report = report(&state, &user.access, &asked).await?;
    let monthly_chart = bars(
        report
            .months
            .iter()
            .zip(&report.beneficiaries_total)
            .map(|(m, n)| (m.clone(), *n))
            .collect(),
    );
    let states_chart = bars(
        STATES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    ctx.tp("application-state-", s).into_owned(),
                    report.applications.iter().map(|r| r.counts[i]).sum(),
                )
            })
            .collect(),
    );
    let programmes = crate::programmes::all(&state.db)
        .await?
        .into_iter()
        .map(|p| sipe_platform::web::form::Choice {
            selected: asked.programme == Some(p.id),
            value: p.id.to_string(),
            label: format!("{} — {}", p.code, p.name),
        })
        .collect();
    let programme = asked.programme.map(|p| p.to_string()).unwrap_or_default();
    let exports = TABLES
        .iter()
        .map(|(table, testid)| {
            (
                *table,
                ExportLinks::new(
                    "/programmes/indicators",
                    [
                        ("from", report.from.as_str()),
                        ("to", report.to.as_str()),
                        ("by", report.by.as_str()),
                        ("programme", programme.as_str()),
                        ("table", *table),
                    ],
                    testid,
                ),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    sipe_platform::web::render::page_with(
        status,
        IndicatorsPage {
            ctx,
            report,
            errors,
            groupings: By::ALL.iter().map(|b| b.as_str()).collect(),
            programmes,
            monthly_chart,
            states_chart,
            exports,
        },
    )
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// One table of the report as a header and rows, and the columns after the first
/// holding numbers.
fn table(r: &ProgrammesReport, which: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    match which {
        "applications" => {
            let mut header = s(&["programa"]);
            header.extend(r.states.iter().cloned());
            let rows = r
                .applications
                .iter()
                .map(|a| {
                    let mut row = vec![a.programme.clone()];
                    row.extend(a.counts.iter().map(u64::to_string));
                    row
                })
                .collect();
            (header, rows)
        }
        "payments" => (
            s(&[
                "programa",
                "mes",
                "pagos",
                "importe_aprobado",
                "importe_rechazado",
            ]),
            r.payments
                .iter()
                .map(|p| {
                    vec![
                        p.programme.clone(),
                        p.month.clone(),
                        p.payments.to_string(),
                        format!("{:.2}", p.approved_cents as f64 / 100.0),
                        format!("{:.2}", p.rejected_cents as f64 / 100.0),
                    ]
                })
                .collect(),
        ),
        "quotas" => (
            s(&["programa", "con_lugar", "cupo", "uso_del_cupo"]),
            r.quotas
                .iter()
                .map(|q| {
                    vec![
                        q.programme.clone(),
                        q.holding.to_string(),
                        q.quota.map(|n| n.to_string()).unwrap_or_default(),
                        opt(q.used),
                    ]
                })
                .collect(),
        ),
        "coverage" => (
            s(&[
                "oficina",
                "beneficiarios",
                "elegibles",
                "cobertura",
                "cupo",
                "uso_del_cupo",
            ]),
            r.coverage
                .iter()
                .map(|c| {
                    vec![
                        c.office.clone(),
                        c.beneficiaries.to_string(),
                        c.eligible.to_string(),
                        opt(c.coverage),
                        c.quota.map(|n| n.to_string()).unwrap_or_default(),
                        opt(c.quota_used),
                    ]
                })
                .collect(),
        ),
        _ => {
            let mut header = vec![
                match r.by.as_str() {
                    "office" => "oficina",
                    "age_band" => "edad",
                    "sex" => "sexo",
                    _ => "programa",
                }
                .to_owned(),
            ];
            header.extend(r.months.iter().cloned());
            let mut rows: Vec<Vec<String>> = r
                .beneficiaries
                .iter()
                .map(|b| {
                    let mut row = vec![b.group.clone()];
                    row.extend(b.counts.iter().map(u64::to_string));
                    row
                })
                .collect();
            let mut total = vec!["total".to_owned()];
            total.extend(r.beneficiaries_total.iter().map(u64::to_string));
            rows.push(total);
            (header, rows)
        }
    }
}

/// `GET /programmes/indicators.csv` and `.xlsx`: one table (`table`), numbers as numbers
/// in XLSX.
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Response, WebError> {
    let asked = q.asked(today(&state)).map_err(|_| WebError::NotFound)?;
    let which = match q.table.as_str() {
        "" => "beneficiaries",
        t if TABLES.iter().any(|(x, _)| *x == t) => t,
        _ => return Err(WebError::NotFound),
    };
    let r = report(&state, &user.access, &asked).await?;
    let (header, rows) = table(&r, which);
    let first_number = if which == "payments" { 2 } else { 1 };
    let mut out = Export::new(
        format,
        &format!("indicadores-programas-{which}-{}-{}", r.from, r.to),
        &header,
    )
    .numeric(first_number..header.len())
    .audit(
        "indicators.export",
        "programme_indicators",
        serde_json::json!({"from": r.from, "to": r.to, "by": r.by, "table": which, "programme": r.programme}),
    )
    .back_to("/programmes/indicators");
    for row in rows {
        out.row(row);
    }
    out.respond(&state, &audit).await
}

/// Programme indicators of a span of months within the caller's view scope.
#[utoipa::path(get, path = "/api/v1/indicators/programmes", params(IndicatorsQuery),
    responses((status = 200, body = ProgrammesReport), (status = 404, body = sipe_platform::api::Problem, description = "No such programme"),
        (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Json<ProgrammesReport>, ApiError> {
    let asked = q.asked(today(&state))?;
    report(&state, &access, &asked)
        .await
        .map(Json)
        .map_err(|e| match e {
            WebError::NotFound => ApiError::NotFound,
            other => ApiError::Internal(anyhow::anyhow!(format!("{other:?}"))),
        })
}
