//! `/indicators/intermediation`: the page (tables and SVG charts), CSV and XLSX exports,
//! and the JSON API.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Indicators, compute, rows};
use crate::referrals::state::ReferralState;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The period asked for.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// First day (`YYYY-MM-DD`; default 1 January of this year).
    #[serde(default)]
    pub from: String,
    /// Last day (`YYYY-MM-DD`; default today).
    #[serde(default)]
    pub to: String,
}

impl PeriodQuery {
    /// The period asked for, checked (both dates valid, the last not before the first).
    pub fn period(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
        let mut e = FieldErrors::new();
        let parse =
            |e: &mut FieldErrors, field: &'static str, raw: &str, default: NaiveDate| match raw
                .trim()
            {
                "" => Some(default),
                s => {
                    let d = sipe_platform::validation::parse_date(s);
                    if d.is_none() {
                        e.add(field, "field-date-invalid");
                    }
                    d
                }
            };
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let from = parse(&mut e, "from", &self.from, year_start);
        let to = parse(&mut e, "to", &self.to, today);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to", "field-date-before-start");
        }
        e.into_result()?;
        Ok((from.unwrap_or(year_start), to.unwrap_or(today)))
    }
}

/// Indicators of every office of the caller's view scope with activity, and the total.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// One row per office with activity in the period.
    pub offices: Vec<Indicators>,
    /// All the caller's offices together.
    pub total: Indicators,
}

async fn report(
    state: &AppState,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report, sea_orm::DbErr> {
    let data = rows(&state.db, access, from, to, state.tz).await?;
    let offices =
        sipe_platform::territory::store::offices_in_scope(&state.db, access, ScopeKind::View)
            .await?
            .into_iter()
            .map(|o| compute(&data, &o.code, |id| id == o.id))
            .filter(|i| i.vacancies_open + i.referrals_total + i.placements > 0)
            .collect();
    Ok(Report {
        from,
        to,
        offices,
        total: compute(&data, "total", |_| true),
    })
}

fn today(state: &AppState) -> NaiveDate {
    Utc::now().with_timezone(&state.tz).date_naive()
}

/// A bar of a chart.
pub struct Bar {
    /// Label.
    pub label: String,
    /// Value.
    pub value: u64,
    /// Width in the chart's units (0–300).
    pub width: u32,
    /// Top of the bar.
    pub y: u32,
}

/// Bars of a horizontal chart, scaled to the largest value.
pub fn bars(items: Vec<(String, u64)>) -> Vec<Bar> {
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| Bar {
            label,
            value,
            width: (value * 300 / max) as u32,
            y: i as u32 * 26,
        })
        .collect()
}

/// `/indicators/intermediation`.
#[derive(Template)]
#[template(path = "intermediation/indicators.html")]
pub struct IndicatorsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The report.
    pub report: Report,
    /// Period as typed.
    pub query: PeriodQuery,
    /// Problems of the period.
    pub errors: FieldErrors,
    /// Referrals by state (total).
    pub by_state: Vec<Bar>,
    /// Placements by office.
    pub by_office: Vec<Bar>,
    /// Referral states, in column order.
    pub states: Vec<&'static str>,
    /// `from=…&to=…` for the export links.
    pub export: ExportLinks,
}

impl IndicatorsPage {
    /// A share as a percentage, or a dash.
    pub fn pct(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{:.0} %", x * 100.0))
            .unwrap_or_else(|| "—".into())
    }

    /// Days, or a dash.
    pub fn days(&self, v: &Option<f64>) -> String {
        v.map(|x| self.ctx.decimal(x as f32))
            .unwrap_or_else(|| "—".into())
    }

    /// A count of a state.
    pub fn count(&self, i: &Indicators, state: &str) -> u64 {
        i.referrals.get(state).copied().unwrap_or(0)
    }

    /// Retention at a number of months.
    pub fn retention(&self, i: &Indicators, months: &str) -> String {
        self.pct(&i.retention.get(months).copied().flatten())
    }
}

/// `GET /indicators/intermediation`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let (period, errors) = match q.period(today(&state)) {
        Ok(p) => (p, FieldErrors::new()),
        Err(e) => (
            PeriodQuery::default()
                .period(today(&state))
                .unwrap_or_default(),
            e,
        ),
    };
    let report = report(&state, &user.access, period.0, period.1).await?;
    let by_state = bars(
        ReferralState::ALL
            .iter()
            .map(|s| {
                (
                    ctx.tp("referral-state-", s.as_str()).into_owned(),
                    report.total.referrals.get(s.as_str()).copied().unwrap_or(0),
                )
            })
            .collect(),
    );
    let by_office = bars(
        report
            .offices
            .iter()
            .map(|o| (o.office.clone(), o.placements))
            .collect(),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    sipe_platform::web::render::page_with(
        status,
        IndicatorsPage {
            ctx,
            export: ExportLinks::new(
                "/indicators/intermediation",
                [
                    ("from", report.from.to_string().as_str()),
                    ("to", report.to.to_string().as_str()),
                ],
                "indicators-export",
            ),
            report,
            query: q,
            errors,
            by_state,
            by_office,
            states: ReferralState::ALL.iter().map(|s| s.as_str()).collect(),
        },
    )
}

fn table(r: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = [
        "oficina",
        "ofertas_vigentes",
        "vacantes_vigentes",
        "ofertas_abiertas",
        "vacantes",
        "derivaciones",
    ]
    .map(String::from)
    .to_vec();
    header.extend(
        ReferralState::ALL
            .iter()
            .map(|s| format!("derivaciones_{}", s.as_str())),
    );
    header.extend(
        [
            "colocaciones",
            "tasa_colocacion",
            "mediana_dias_primera_derivacion",
            "mediana_dias_contratacion",
            "retencion_3m",
            "retencion_6m",
            "retencion_12m",
        ]
        .map(String::from),
    );
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let rows = r
        .offices
        .iter()
        .chain(std::iter::once(&r.total))
        .map(|i| {
            let mut row = vec![
                i.office.clone(),
                i.vacancies_open.to_string(),
                i.open_positions.to_string(),
                i.vacancies_opened.to_string(),
                i.positions.to_string(),
                i.referrals_total.to_string(),
            ];
            row.extend(ReferralState::ALL.iter().map(|s| {
                i.referrals
                    .get(s.as_str())
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            row.extend([
                i.placements.to_string(),
                opt(i.placement_rate),
                opt(i.median_days_to_first_referral),
                opt(i.median_days_to_hire),
                opt(i.retention.get("m3").copied().flatten()),
                opt(i.retention.get("m6").copied().flatten()),
                opt(i.retention.get("m12").copied().flatten()),
            ]);
            row
        })
        .collect();
    (header, rows)
}

/// `GET /indicators/intermediation.csv` and `.xlsx` (counts written as numbers in XLSX).
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let (from, to) = q.period(today(&state)).map_err(|_| WebError::NotFound)?;
    let r = report(&state, &user.access, from, to).await?;
    let (header, rows) = table(&r);
    let period = serde_json::json!({"from": from, "to": to});
    let mut out = Export::new(
        format,
        &format!("indicadores-intermediacion-{from}-{to}"),
        &header,
    )
    .numeric(1..header.len())
    .audit("indicators.export", "intermediation_indicators", period)
    .back_to(&format!("/indicators/intermediation?from={from}&to={to}"));
    for row in rows {
        out.row(row);
    }
    out.respond(&state, &audit).await
}

/// Intermediation indicators per office of the caller's view scope and in total.
#[utoipa::path(get, path = "/api/v1/indicators/intermediation", params(PeriodQuery),
    responses((status = 200, body = Report), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Report>, ApiError> {
    let (from, to) = q.period(today(&state))?;
    Ok(Json(report(&state, &access, from, to).await?))
}
