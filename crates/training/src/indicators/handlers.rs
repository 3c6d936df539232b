//! `/indicators/training`: the page (tables and SVG charts), CSV and XLSX exports, and
//! the JSON API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{By, TrainingIndicators, grouped, rows};
use sipe_intermediation::indicators::handlers::{Bar, PeriodQuery, bars};
use sipe_platform::access::Access;
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The period (cohorts starting in it) and the grouping.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct IndicatorsQuery {
    /// First day (`YYYY-MM-DD`; default 1 January of this year).
    #[serde(default)]
    pub from: String,
    /// Last day (`YYYY-MM-DD`; default today).
    #[serde(default)]
    pub to: String,
    /// `office` (default), `institution` or `course`.
    #[serde(default)]
    pub by: String,
}

impl IndicatorsQuery {
    fn parsed(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate, By), FieldErrors> {
        let period = PeriodQuery {
            from: self.from.clone(),
            to: self.to.clone(),
        }
        .period(today);
        let by = By::parse(&self.by);
        match (period, by) {
            (Ok((from, to)), Some(by)) => Ok((from, to, by)),
            (Err(e), _) => Err(e),
            (_, None) => Err(FieldErrors::one("by", "field-choice-invalid")),
        }
    }
}

/// TrainingIndicators of each group with cohorts starting in the period, and the total.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrainingReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// `office`, `institution` or `course`.
    pub by: String,
    /// One row per group.
    pub groups: Vec<TrainingIndicators>,
    /// Every group together.
    pub total: TrainingIndicators,
}

async fn names(state: &AppState, by: By) -> Result<HashMap<Uuid, String>, sea_orm::DbErr> {
    Ok(match by {
        By::Office => sipe_platform::territory::store::all_offices(&state.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect(),
        By::Institution => crate::institutions::all_names(&state.db).await?,
        By::Course => crate::courses::all_names(&state.db).await?,
    })
}

async fn report(
    state: &AppState,
    access: &Access,
    (from, to, by): (NaiveDate, NaiveDate, By),
) -> Result<TrainingReport, sea_orm::DbErr> {
    let data = rows(&state.db, access, from, to).await?;
    let (groups, total) = grouped(&data, by, &names(state, by).await?);
    Ok(TrainingReport {
        from,
        to,
        by: by.as_str().to_owned(),
        groups,
        total,
    })
}

fn today(state: &AppState) -> NaiveDate {
    Utc::now().with_timezone(&state.tz).date_naive()
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0} %", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// `/indicators/training`.
#[derive(Template)]
#[template(path = "training/indicators.html")]
struct IndicatorsPage {
    ctx: PageCtx,
    report: TrainingReport,
    errors: FieldErrors,
    groupings: Vec<&'static str>,
    funnel: Vec<Bar>,
    completed: Vec<Bar>,
    export: ExportLinks,
}

impl IndicatorsPage {
    fn pct(&self, v: &Option<f64>) -> String {
        pct(*v)
    }

    fn attendance(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{} %", self.ctx.decimal(x as f32)))
            .unwrap_or_else(|| "—".into())
    }
}

/// `GET /indicators/training`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Response, WebError> {
    let (asked, errors) = match q.parsed(today(&state)) {
        Ok(p) => (p, FieldErrors::new()),
        Err(e) => (
            IndicatorsQuery::default()
                .parsed(today(&state))
                .map_err(|_| WebError::NotFound)?,
            e,
        ),
    };
    let report = report(&state, &user.access, asked).await?;
    let t = &report.total;
    let funnel = bars(vec![
        (ctx.t("tind-enrolled").into_owned(), t.enrolled),
        (ctx.t("tind-attending").into_owned(), t.attending),
        (ctx.t("tind-completed").into_owned(), t.completed),
        (ctx.t("tind-certified").into_owned(), t.certified),
        (ctx.t("tind-employed").into_owned(), t.employed_6m),
        (ctx.t("tind-dropped").into_owned(), t.dropped),
    ]);
    let completed = bars(
        report
            .groups
            .iter()
            .take(30)
            .map(|g| (g.group.chars().take(28).collect(), g.completed))
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
            export: ExportLinks::new(
                "/indicators/training",
                [
                    ("from", report.from.to_string().as_str()),
                    ("to", report.to.to_string().as_str()),
                    ("by", report.by.as_str()),
                ],
                "indicators-export",
            ),
            ctx,
            report,
            errors,
            groupings: By::ALL.iter().map(|b| b.as_str()).collect(),
            funnel,
            completed,
        },
    )
}

fn table(r: &TrainingReport) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = [
        match r.by.as_str() {
            "institution" => "institucion",
            "course" => "curso",
            _ => "oficina",
        },
        "comisiones",
        "inscriptos",
        "cursando",
        "completaron",
        "certificados",
        "abandonos",
        "tasa_abandono",
        "asistencia_promedio",
        "empleados_6_meses",
        "tasa_empleo_6_meses",
    ]
    .map(String::from)
    .to_vec();
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let rows = r
        .groups
        .iter()
        .chain(std::iter::once(&r.total))
        .map(|i| {
            vec![
                i.group.clone(),
                i.cohorts.to_string(),
                i.enrolled.to_string(),
                i.attending.to_string(),
                i.completed.to_string(),
                i.certified.to_string(),
                i.dropped.to_string(),
                opt(i.dropout_rate),
                opt(i.average_attendance),
                i.employed_6m.to_string(),
                opt(i.employment_rate),
            ]
        })
        .collect();
    (header, rows)
}

/// `GET /indicators/training.csv` and `.xlsx` (counts written as numbers in XLSX).
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Response, WebError> {
    let asked = q.parsed(today(&state)).map_err(|_| WebError::NotFound)?;
    let r = report(&state, &user.access, asked).await?;
    let (header, rows) = table(&r);
    let (from, to, by) = (r.from, r.to, r.by.clone());
    let mut out = Export::new(
        format,
        &format!("indicadores-formacion-{by}-{from}-{to}"),
        &header,
    )
    .numeric(1..header.len())
    .audit(
        "indicators.export",
        "training_indicators",
        serde_json::json!({"from": from, "to": to, "by": by}),
    )
    .back_to(&format!("/indicators/training?from={from}&to={to}&by={by}"));
    for row in rows {
        out.row(row);
    }
    out.respond(&state, &audit).await
}

/// Training indicators of the cohorts starting in a period, per office, institution or
/// course of the caller's reach, and in total.
#[utoipa::path(get, path = "/api/v1/indicators/training", params(IndicatorsQuery),
    responses((status = 200, body = TrainingReport), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(q): Query<IndicatorsQuery>,
) -> Result<Json<TrainingReport>, ApiError> {
    let asked = q.parsed(today(&state))?;
    Ok(Json(report(&state, &access, asked).await?))
}
