//! The attention report: consultations by channel (with SLA compliance), by topic and
//! by hour; the queue by service and by hour; each table downloadable as CSV or XLSX,
//! and channels drilled down to the inbox.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, NaiveDate, Utc};
use serde::Deserialize;

use crate::interactions::Channel;
use crate::reports::{self, Period, Report};
use sipe_platform::access::ScopeKind;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::form::Choice;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Longest period, in days.
const DAYS_MAX: u64 = 366;

/// The report's filters.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    from: String,
    to: String,
    office: String,
}

/// The filters checked: the period and the office, or what is wrong.
async fn period(
    state: &AppState,
    user: &Authenticated,
    q: &ReportQuery,
) -> Result<Result<(Period, Option<office::Model>), FieldErrors>, WebError> {
    let today = Utc::now().with_timezone(&state.tz).date_naive();
    let mut errors = FieldErrors::new();
    let mut date = |field: &'static str, raw: &str, default: NaiveDate| match raw.trim() {
        "" => default,
        s => sipe_platform::validation::parse_date(s).unwrap_or_else(|| {
            errors.add(field, "field-date-invalid");
            default
        }),
    };
    let to = date("to", &q.to, today);
    let from = date("from", &q.from, to - Days::new(29));
    if errors.is_empty() && from > to {
        errors.add("from", "attention-report-from-after-to");
    }
    if errors.is_empty() && (to - from).num_days() as u64 >= DAYS_MAX {
        errors.add("from", "attention-report-too-long");
    }
    let office = match q.office.trim() {
        "" => None,
        code => match crate::desk::store::office_in(&state.db, &user.access, ScopeKind::View, code)
            .await
        {
            Ok(o) => Some(o),
            Err(_) => {
                errors.add("office", "attention-report-office-unknown");
                None
            }
        },
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok((
        Period {
            from,
            to,
            office_id: office.as_ref().map(|o| o.id),
        },
        office,
    )))
}

#[derive(askama::Template)]
#[template(path = "attention/reports.html")]
struct ReportPage {
    ctx: PageCtx,
    q: ReportQuery,
    offices: Vec<Choice>,
    errors: FieldErrors,
    report: Option<Report>,
    /// The period as shown.
    from: String,
    to: String,
    exports: Vec<(&'static str, ExportLinks)>,
}

impl ReportPage {
    fn export(&self, table: &str) -> Option<&ExportLinks> {
        self.exports
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, e)| e)
    }

    fn channel_name(&self, code: &str) -> String {
        Channel::parse(code).map_or_else(
            || code.to_owned(),
            |c| self.ctx.t(c.label_key()).into_owned(),
        )
    }

    fn percent(&self, p: Option<u64>) -> String {
        p.map_or_else(|| "—".to_owned(), |p| format!("{p} %"))
    }

    fn minutes(&self, m: Option<i64>) -> String {
        m.map_or_else(|| "—".to_owned(), |m| m.to_string())
    }
}

const TABLES: [&str; 4] = ["channels", "topics", "hours", "services"];

/// `GET /attention/reports`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let offices =
        sipe_platform::territory::store::offices_in_scope(&state.db, &user.access, ScopeKind::View)
            .await?
            .into_iter()
            .take(500)
            .map(|o| Choice {
                selected: o.code == q.office.trim(),
                value: o.code,
                label: o.name,
            })
            .collect();
    let (errors, report, from, to) = match period(&state, &user, &q).await? {
        Ok((p, _)) => {
            let r = reports::build(&state.db, &user.access, state.tz, &p).await?;
            (
                FieldErrors::new(),
                Some(r),
                p.from.to_string(),
                p.to.to_string(),
            )
        }
        Err(e) => (e, None, q.from.clone(), q.to.clone()),
    };
    let exports = TABLES
        .iter()
        .map(|t| {
            (
                *t,
                ExportLinks::new(
                    &format!("/attention/reports/{t}"),
                    [
                        ("from", from.as_str()),
                        ("to", to.as_str()),
                        ("office", q.office.as_str()),
                    ],
                    "report-export",
                ),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        ReportPage {
            ctx,
            q,
            offices,
            errors,
            report,
            from,
            to,
            exports,
        },
    )
}

/// `GET /attention/reports/{table}.csv` (or `.xlsx`): one table of the report.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let table = file
        .strip_suffix(".csv")
        .or_else(|| file.strip_suffix(".xlsx"))
        .filter(|t| TABLES.contains(t))
        .ok_or(WebError::NotFound)?;
    let (p, _) = match period(&state, &user, &q).await? {
        Ok(p) => p,
        Err(_) => return Err(WebError::NotFound),
    };
    let r = reports::build(&state.db, &user.access, state.tz, &p).await?;
    let t = |k: &str| ctx.t(k).into_owned();
    let pct = |p: Option<u64>| p.map(|p| p.to_string()).unwrap_or_default();
    let mut out = match table {
        "channels" | "topics" => {
            let mut e = Export::new(
                format,
                &format!("consultas-{table}"),
                &[
                    t(if table == "channels" {
                        "attention-channel"
                    } else {
                        "attention-topic"
                    }),
                    t("attention-report-total"),
                    t("attention-report-resolved"),
                    t("attention-report-first-on-time"),
                    t("attention-report-resolution-on-time"),
                ],
            )
            .numeric([1, 2, 3, 4]);
            let rows = if table == "channels" {
                &r.channels
            } else {
                &r.topics
            };
            for row in rows {
                e.row([
                    row.key.clone(),
                    row.total.to_string(),
                    row.resolved.to_string(),
                    pct(row.first.percent()),
                    pct(row.resolution.percent()),
                ]);
            }
            e
        }
        "hours" => {
            let mut e = Export::new(
                format,
                "atencion-por-hora",
                &[
                    t("attention-report-hour"),
                    t("attention-report-consultations"),
                    t("attention-report-tickets"),
                ],
            )
            .numeric([0, 1, 2]);
            for (h, c, k) in &r.hours {
                e.row([h.to_string(), c.to_string(), k.to_string()]);
            }
            e
        }
        _ => {
            let mut e = Export::new(
                format,
                "fila-por-servicio",
                &[
                    t("attention-report-service"),
                    t("attention-report-issued"),
                    t("attention-report-attended"),
                    t("attention-report-absent"),
                    t("attention-report-cancelled"),
                    t("attention-report-wait"),
                    t("attention-report-service-level"),
                    t("attention-report-service-time"),
                ],
            )
            .numeric([1, 2, 3, 4, 5, 6, 7]);
            for s in &r.services {
                e.row([
                    s.name.clone(),
                    s.issued.to_string(),
                    s.attended.to_string(),
                    s.absent.to_string(),
                    s.cancelled.to_string(),
                    s.average_wait().map(|m| m.to_string()).unwrap_or_default(),
                    pct(s.service_level()),
                    s.average_service()
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ]);
            }
            e
        }
    };
    out = out
        .audit(
            "attention.report.export",
            "attention_report",
            serde_json::json!({"table": table, "from": p.from, "to": p.to, "office": q.office}),
        )
        .back_to("/attention/reports");
    out.respond(&state, &audit).await
}
