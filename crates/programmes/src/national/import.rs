//! `sipe import national-benefits FILE` and the upload page: a national agency's list of
//! beneficiaries (`cuil,programa,estado,periodo,monto`, CSV in UTF-8 or Latin-1, or
//! XLSX) under the persons import's rules: rows read in batches, each batch's rows, its
//! audit entry and the run's progress committed together, so a run stopped at any point
//! resumes at the first uncommitted row; the same file imported completely is not
//! imported again; rejected rows go to a report (line, column, value, reason) written
//! before their batch commits.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate, SubsecRound, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use sha2::Digest;
use sipe_persons::import::runs::{self, ImportRun, NewRun};
use sipe_persons::import::{ImportError, decode, is_xlsx, xlsx_to_csv};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::i18n::Lang;
use uuid::Uuid;

use super::{HEADER, Problem, Row, check_row, column_name};
use crate::entity::{national_benefit, national_programme};

/// The import runs' kind.
pub const KIND: &str = "national_benefits";

/// Rows per transaction.
pub const BATCH: usize = 5_000;

/// Rows per INSERT (eight values each: under SQLite's limit of bound values).
const INSERT_ROWS: usize = 2_000;

/// How an import ended.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The run.
    pub run_id: Uuid,
    /// Rows stored (new, or replacing that person's row for the month).
    pub accepted: u64,
    /// Rows refused with a reason.
    pub rejected: u64,
    /// Record the run resumed at (0 for a fresh run).
    pub resumed_at: u64,
    /// The file had been imported completely before: nothing was done.
    pub already_done: bool,
}

/// A rejected row.
struct Rejection {
    line: u64,
    problem: Problem,
}

/// Imports a list; `progress` is told the records done so far and the total.
pub async fn import_file(
    db: &Db,
    ctx: &AuditCtx,
    path: &Path,
    report_path: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ImportError> {
    let unreadable = |e: String| ImportError::Read(path.display().to_string(), e);
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let text = if is_xlsx(&bytes) {
        xlsx_to_csv(&bytes).map_err(unreadable)?
    } else {
        decode(&bytes)
    };
    drop(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| unreadable(e.to_string()))?
        .iter()
        .map(column_name)
        .collect();
    let missing: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| !headers.iter().any(|x| x == h))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Header(missing.join(","), HEADER.join(",")));
    }
    let cols: Vec<usize> = HEADER
        .iter()
        .map(|h| headers.iter().position(|x| x == h).unwrap_or(0))
        .collect();
    let total_records = text.lines().count().saturating_sub(1) as u64;
    let run = runs::open(
        db,
        NewRun {
            kind: KIND,
            sha256: &sha,
            file_name: &path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into(),
            ),
            total_records,
            report_path: &report_path.display().to_string(),
            started_by: &ctx.actor_name,
        },
    )
    .await?;
    let mut summary = Summary {
        run_id: run.id,
        accepted: run.accepted as u64,
        rejected: run.rejected as u64,
        resumed_at: run.next_record as u64,
        already_done: run.status == "done",
    };
    if summary.already_done {
        return Ok(summary);
    }
    // A resumed run keeps writing to the report it began (the one its page offers).
    let report_path = match run.report_path.as_deref() {
        Some(p) if summary.resumed_at > 0 && !p.is_empty() => Path::new(p).to_path_buf(),
        _ => report_path.to_path_buf(),
    };
    let report_path = report_path.as_path();
    let report_err =
        |e: std::io::Error| ImportError::Report(report_path.display().to_string(), e.to_string());
    let mut report = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(report_path)
        .map_err(report_err)?;
    if report.metadata().map(|m| m.len() == 0).unwrap_or(true) {
        writeln!(report, "linea,columna,valor,motivo").map_err(report_err)?;
    }
    let catalogue: HashMap<String, Uuid> = national_programme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();
    // Lists are published for a month that began or the next one, never years ahead.
    let latest = Utc::now()
        .date_naive()
        .with_day(1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(NaiveDate::MAX);
    let mut batch: Vec<(u64, Result<Row, Vec<Problem>>)> = Vec::with_capacity(BATCH);
    let mut index: u64 = 0;
    let mut records = reader.records();
    loop {
        let next = records.next();
        let done = next.is_none();
        if let Some(rec) = next {
            let this = index;
            index += 1;
            if this < summary.resumed_at {
                continue;
            }
            let line = this + 2;
            batch.push((
                line,
                match rec {
                    Ok(r) => {
                        let cell = |i: usize| r.get(cols[i]).unwrap_or("");
                        check_row([cell(0), cell(1), cell(2), cell(3), cell(4)]).and_then(|row| {
                            if row.period > latest {
                                Err(vec![Problem {
                                    column: "periodo",
                                    value: cell(3).chars().take(100).collect(),
                                    reason: "national-row-period-future",
                                }])
                            } else {
                                Ok(row)
                            }
                        })
                    }
                    Err(_) => Err(vec![Problem {
                        column: "",
                        value: String::new(),
                        reason: "national-row-unreadable",
                    }]),
                },
            ));
        }
        if batch.len() >= BATCH || (done && !batch.is_empty()) {
            let rows = std::mem::take(&mut batch);
            let (accepted, rejected) = commit_batch(
                db,
                ctx,
                &run,
                &catalogue,
                rows,
                index,
                &mut report,
                report_path,
            )
            .await?;
            summary.accepted += accepted;
            summary.rejected += rejected;
            progress(index, total_records);
        }
        if done {
            break;
        }
    }
    // Published with the run's end, together: "receiving" never reads a half list.
    let tx = db::begin_write(db).await?;
    super::store::publish(&tx, run.id).await?;
    runs::finish(&tx, run.id).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Stores one batch: checks the programme codes and repeats, writes the report, then
/// the rows, the audit entry and the run's progress in one transaction.
#[allow(clippy::too_many_arguments)]
async fn commit_batch(
    db: &Db,
    ctx: &AuditCtx,
    run: &ImportRun,
    catalogue: &HashMap<String, Uuid>,
    rows: Vec<(u64, Result<Row, Vec<Problem>>)>,
    next_record: u64,
    report: &mut std::fs::File,
    report_path: &Path,
) -> Result<(u64, u64), ImportError> {
    let mut rejections: Vec<Rejection> = Vec::new();
    let mut valid: Vec<(u64, Uuid, Row)> = Vec::with_capacity(rows.len());
    for (line, checked) in rows {
        match checked {
            Ok(row) => match catalogue.get(&row.code) {
                Some(id) => valid.push((line, *id, row)),
                None => rejections.push(Rejection {
                    line,
                    problem: Problem {
                        column: "programa",
                        value: row.code.clone(),
                        reason: "national-row-programme-unknown",
                    },
                }),
            },
            Err(problems) => rejections.extend(
                problems
                    .into_iter()
                    .map(|problem| Rejection { line, problem }),
            ),
        }
    }
    // A person, programme and month given twice in the file: the first one stands.
    // Earlier batches of this run are in the table already (also after a resume).
    let stored: HashSet<(Uuid, NaiveDate, String)> = {
        let cuils: Vec<&str> = valid.iter().map(|(_, _, r)| r.cuil.as_str()).collect();
        let mut seen = HashSet::new();
        for chunk in cuils.chunks(1_000) {
            for r in national_benefit::Entity::find()
                .filter(national_benefit::Column::ImportRunId.eq(run.id))
                .filter(national_benefit::Column::Cuil.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                seen.insert((r.programme_id, r.period, r.cuil));
            }
        }
        seen
    };
    let mut seen: HashSet<(Uuid, NaiveDate, String)> = HashSet::new();
    let mut fresh = Vec::with_capacity(valid.len());
    for (line, programme, row) in valid {
        let key = (programme, row.period, row.cuil.clone());
        if stored.contains(&key) || !seen.insert(key) {
            rejections.push(Rejection {
                line,
                problem: Problem {
                    column: "cuil",
                    value: row.cuil.clone(),
                    reason: "national-row-repeated",
                },
            });
        } else {
            fresh.push((programme, row));
        }
    }
    rejections.sort_by_key(|r| r.line);
    let mut w = sipe_platform::csv_export::CsvWriter::new();
    for r in &rejections {
        w.row([
            r.line.to_string(),
            r.problem.column.to_owned(),
            r.problem.value.clone(),
            Lang::EsAr.t(r.problem.reason).into_owned(),
        ])
        .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    }
    let out = w
        .finish()
        .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    let report_err =
        |e: std::io::Error| ImportError::Report(report_path.display().to_string(), e.to_string());
    // Written before the commit: a crash may repeat report lines, never lose them.
    report.write_all(&out).map_err(report_err)?;
    report.flush().map_err(report_err)?;
    let rejected = rejections
        .iter()
        .map(|r| r.line)
        .collect::<HashSet<_>>()
        .len() as u64;
    let accepted = fresh.len() as u64;
    let now = Utc::now().trunc_subsecs(6);
    let tx = db::begin_write(db).await?;
    for chunk in fresh.chunks(INSERT_ROWS) {
        national_benefit::Entity::insert_many(chunk.iter().map(|(programme, r)| {
            national_benefit::ActiveModel {
                id: Set(Uuid::now_v7()),
                cuil: Set(r.cuil.clone()),
                programme_id: Set(*programme),
                period: Set(r.period),
                status: Set(r.status.to_owned()),
                amount_cents: Set(r.amount_cents),
                import_run_id: Set(run.id),
                imported_at: Set(now),
            }
        }))
        .on_conflict(
            OnConflict::columns([
                national_benefit::Column::ProgrammeId,
                national_benefit::Column::Period,
                national_benefit::Column::Cuil,
            ])
            .update_columns([
                national_benefit::Column::Status,
                national_benefit::Column::AmountCents,
                national_benefit::Column::ImportRunId,
                national_benefit::Column::ImportedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
    }
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.national_import", "import_run", run.id).after(
            serde_json::json!({"next_record": next_record, "accepted": accepted, "rejected": rejected}),
        ),
    )
    .await?;
    runs::advance(&tx, run.id, next_record, accepted, rejected, 0).await?;
    tx.commit().await?;
    Ok((accepted, rejected))
}

/// Default report path: beside the input, `NAME.rechazos.csv`.
pub fn default_report(input: &Path) -> std::path::PathBuf {
    sipe_persons::import::default_report(input)
}
