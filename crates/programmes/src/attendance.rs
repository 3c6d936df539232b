//! Attendance certified by host employers: days attended and working days expected per
//! beneficiary and month, entered by the office or uploaded as a CSV
//! (`cuil,dias_asistidos,dias_habiles`). A month's certification feeds the runs computed
//! after it; an approved run never changes.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use uuid::Uuid;

use crate::applications::store::Application;
use crate::entity::{application, attendance};
use crate::error::ProgrammeError;
use crate::payments::last_day;

/// Most rows of one certification.
pub const MAX_ROWS: usize = 20_000;

/// One beneficiary's month as given.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Entry {
    /// The application (a beneficiary of the programme in the month).
    pub application_id: Uuid,
    /// Days attended.
    pub days_attended: i32,
    /// Working days expected.
    pub days_expected: i32,
}

/// A beneficiary of a month with what was certified.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sheet {
    /// The application.
    pub application_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// `Surnames, names`.
    pub name: String,
    /// CUIL.
    pub cuil: Option<String>,
    /// Days attended, if certified.
    pub days_attended: Option<i32>,
    /// Days expected, if certified.
    pub days_expected: Option<i32>,
}

/// The programme's beneficiaries in a month (from `first`) within the caller's scope.
pub async fn beneficiaries(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    programme: Uuid,
    first: NaiveDate,
) -> Result<Vec<Application>, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    application::Entity::find()
        .filter(application::Column::ProgrammeId.eq(programme))
        .filter(application::Column::State.is_in(["active", "suspended", "finished"]))
        .filter(application::Column::StartsOn.lte(last_day(first)))
        .filter(
            Condition::any()
                .add(application::Column::FinishedOn.is_null())
                .add(application::Column::FinishedOn.gte(first)),
        )
        .filter(
            Expr::col(application::Column::PersonId)
                .in_subquery(sipe_persons::store::ids_in_scope(access.scope(kind))),
        )
        .all(conn)
        .await
}

/// The month's sheet: every beneficiary in scope, by name, with what was certified.
pub async fn sheet(
    conn: &impl ConnectionTrait,
    access: &Access,
    programme: Uuid,
    first: NaiveDate,
) -> Result<Vec<Sheet>, DbErr> {
    let apps = beneficiaries(conn, access, ScopeKind::View, programme, first).await?;
    let payees: HashMap<Uuid, sipe_persons::store::Payee> =
        sipe_persons::store::payees_of(conn, apps.iter().map(|a| PersonId(a.person_id)))
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut certified: HashMap<Uuid, (i32, i32)> = HashMap::new();
    for chunk in apps.chunks(1_000) {
        for a in attendance::Entity::find()
            .filter(attendance::Column::Month.eq(first))
            .filter(attendance::Column::ApplicationId.is_in(chunk.iter().map(|a| a.id)))
            .all(conn)
            .await?
        {
            certified.insert(a.application_id, (a.days_attended, a.days_expected));
        }
    }
    let mut out: Vec<Sheet> = apps
        .iter()
        .map(|a| {
            let p = payees.get(&a.person_id);
            Sheet {
                application_id: a.id,
                person_id: a.person_id,
                name: p.map_or_else(String::new, |p| format!("{}, {}", p.surnames, p.names)),
                cuil: p.and_then(|p| p.cuil.clone()),
                days_attended: certified.get(&a.id).map(|c| c.0),
                days_expected: certified.get(&a.id).map(|c| c.1),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Records a month's attendance of beneficiaries in the caller's capture scope: all
/// entries or none, each checked (days 0–31, attended not above expected).
pub async fn record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    programme: Uuid,
    first: NaiveDate,
    entries: &[Entry],
    source: &str,
) -> Result<usize, ProgrammeError> {
    if entries.len() > MAX_ROWS {
        return Err(FieldErrors::one("entries", "certified-attendance-too-many").into());
    }
    let mut errors = FieldErrors::new();
    let mut ids: Vec<Uuid> = entries.iter().map(|e| e.application_id).collect();
    ids.sort();
    ids.dedup();
    if ids.len() != entries.len() {
        errors.add("entries", "certified-attendance-row-repeated");
    }
    for e in entries {
        if !(1..=31).contains(&e.days_expected) || !(0..=e.days_expected).contains(&e.days_attended)
        {
            errors.add("entries", "certified-attendance-days-invalid");
            break;
        }
    }
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    crate::programmes::find(&tx, programme)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let allowed: Vec<Uuid> = beneficiaries(&tx, access, ScopeKind::Capture, programme, first)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if entries.iter().any(|e| !allowed.contains(&e.application_id)) {
        return Err(FieldErrors::one("entries", "certified-attendance-not-beneficiary").into());
    }
    let now = Utc::now();
    let rows: Vec<attendance::ActiveModel> = entries
        .iter()
        .map(|e| attendance::ActiveModel {
            application_id: sea_orm::Set(e.application_id),
            month: sea_orm::Set(first),
            days_attended: sea_orm::Set(e.days_attended),
            days_expected: sea_orm::Set(e.days_expected),
            source: sea_orm::Set(source.to_owned()),
            recorded_by: sea_orm::Set(access.actor.full_name.clone()),
            recorded_at: sea_orm::Set(now),
        })
        .collect();
    for chunk in rows.chunks(2_000) {
        attendance::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([attendance::Column::ApplicationId, attendance::Column::Month])
                    .update_columns([
                        attendance::Column::DaysAttended,
                        attendance::Column::DaysExpected,
                        attendance::Column::Source,
                        attendance::Column::RecordedBy,
                        attendance::Column::RecordedAt,
                    ])
                    .to_owned(),
            )
            .exec(&tx)
            .await?;
    }
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.attendance.record", "programme", programme).after(json!({
            "month": crate::payments::month_label(first), "rows": entries.len(), "source": source,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(entries.len())
}

/// A row of an attendance CSV that could not be used.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// Line of the file (the header is line 1).
    pub line: usize,
    /// What is wrong, as a catalogue key (`certified-attendance-row-unknown`...).
    pub problem: String,
}

/// Reads an attendance CSV (`cuil,dias_asistidos,dias_habiles`) against the month's
/// beneficiaries in the caller's capture scope: the entries, or every row's problem.
pub async fn read_csv(
    conn: &impl ConnectionTrait,
    access: &Access,
    programme: Uuid,
    first: NaiveDate,
    file: &[u8],
) -> Result<Result<Vec<Entry>, Vec<RowProblem>>, DbErr> {
    let apps = beneficiaries(conn, access, ScopeKind::Capture, programme, first).await?;
    let payees =
        sipe_persons::store::payees_of(conn, apps.iter().map(|a| PersonId(a.person_id))).await?;
    let by_cuil: HashMap<String, Uuid> = apps
        .iter()
        .filter_map(|a| {
            let cuil = payees.iter().find(|p| p.id == a.person_id)?.cuil.clone()?;
            Some((cuil, a.id))
        })
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(file);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(_) => Vec::new(),
    };
    if header.len() < 3 || header[..3] != ["cuil", "dias_asistidos", "dias_habiles"] {
        return Ok(Err(vec![RowProblem {
            line: 1,
            problem: "certified-attendance-row-header".into(),
        }]));
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        if i >= MAX_ROWS {
            problems.push(RowProblem {
                line,
                problem: "certified-attendance-row-too-many".into(),
            });
            break;
        }
        let Ok(row) = row else {
            problems.push(RowProblem {
                line,
                problem: "certified-attendance-row-csv".into(),
            });
            continue;
        };
        let cuil: String = row
            .get(0)
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let Some(app) = by_cuil.get(&cuil) else {
            problems.push(RowProblem {
                line,
                problem: "certified-attendance-row-unknown".into(),
            });
            continue;
        };
        let n = |k: usize| row.get(k).and_then(|v| v.parse::<i32>().ok());
        match (n(1), n(2)) {
            (Some(a), Some(e)) if (1..=31).contains(&e) && (0..=e).contains(&a) => {
                if entries.iter().any(|x: &Entry| x.application_id == *app) {
                    problems.push(RowProblem {
                        line,
                        problem: "certified-attendance-row-repeated".into(),
                    });
                } else {
                    entries.push(Entry {
                        application_id: *app,
                        days_attended: a,
                        days_expected: e,
                    });
                }
            }
            _ => problems.push(RowProblem {
                line,
                problem: "certified-attendance-row-days".into(),
            }),
        }
    }
    Ok(if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    })
}
