//! `sipe import persons FILE`: validated bulk registration from CSV (UTF-8 or Latin-1)
//! or XLSX (the first sheet, read with calamine and fed to the same pipeline).
//!
//! Rows are read in batches; each batch commits its people, their timeline events, one
//! audit row and the run's progress in one transaction, so a run killed at any moment
//! resumes at the first uncommitted row and never stores anyone twice. Rejected rows go
//! to a report (line, column, value, reason) written before the batch commits.

mod file;
pub mod generate;
pub mod handlers;
mod reference;
pub mod runs;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{SubsecRound, Utc};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::Digest;
use uuid::Uuid;

use crate::entity::{import_run, person, timeline_event};
use crate::import::generate::HEADER;
use crate::input::{self, PersonInput, ValidPerson};
use crate::service;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::i18n::Lang;

pub use file::{decode, is_xlsx, xlsx_to_csv};
use reference::{Offices, Territories};

/// Rows per transaction.
pub const BATCH: usize = 10_000;

/// From this many rows to load, the secondary indexes of `persons` are dropped for the
/// load and rebuilt after it: inserting a million rows into five B-trees with random
/// keys rewrites a few pages per row per index, while building an index sorts once.
pub const BULK_ROWS: u64 = 100_000;

/// Non-unique indexes of `persons` that a bulk load rebuilds (name, columns). The
/// unique ones (document, CUIL) stay: they guard against duplicates during the load.
const SECONDARY_INDEXES: [(&str, &[&str]); 5] = [
    ("ix_persons_search_name", &["search_name"]),
    ("ix_persons_birth_date", &["birth_date"]),
    ("ix_persons_phone", &["phone"]),
    ("ix_persons_email", &["email"]),
    ("ix_persons_doc_number", &["doc_number"]),
];

async fn drop_secondary_indexes(db: &Db) -> Result<(), sea_orm::DbErr> {
    for (name, _) in SECONDARY_INDEXES {
        let stmt = sea_orm::sea_query::Index::drop()
            .name(name)
            .table("persons")
            .if_exists()
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

/// Creates any missing secondary index of `persons` (after a bulk load, and at start-up
/// in case a bulk load was interrupted).
pub async fn ensure_secondary_indexes(db: &Db) -> Result<(), sea_orm::DbErr> {
    for (name, cols) in SECONDARY_INDEXES {
        let mut stmt = sea_orm::sea_query::Index::create();
        stmt.name(name).table("persons").if_not_exists();
        for c in cols {
            stmt.col(*c);
        }
        db.execute(&stmt).await?;
    }
    Ok(())
}

/// Why an import could not run at all (exit status 1).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(String, String),
    /// Required columns are missing.
    #[error("the header lacks the columns: {0} (expected: {1})")]
    Header(String, String),
    /// The report could not be written.
    #[error("cannot write the report {0}: {1}")]
    Report(String, String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// How an import ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows stored (or updated with `update`).
    pub accepted: u64,
    /// Rows refused with a reason.
    pub rejected: u64,
    /// Rows skipped because the person is already registered.
    pub duplicates: u64,
    /// Record the run resumed at (0 for a fresh run).
    pub resumed_at: u64,
    /// The file had been imported completely before: nothing was done.
    pub already_done: bool,
}

/// One rejected row.
struct Rejection {
    line: u64,
    column: String,
    value: String,
    reason: String,
}

/// Default report path: beside the input, `NAME.rechazos.csv`.
pub fn default_report(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("import");
    input.with_file_name(format!("{stem}.rechazos.csv"))
}

fn column_of_field(field: &str) -> &'static str {
    match field {
        "doc_type" => "tipo_documento",
        "doc_number" => "numero_documento",
        "cuil" => "cuil",
        "surnames" => "apellidos",
        "names" => "nombres",
        "birth_date" => "fecha_nacimiento",
        "sex" => "sexo",
        "phone" => "telefono",
        "email" => "email",
        "department_code" => "departamento_codigo",
        "province_code" => "provincia_codigo",
        "locality" => "localidad",
        "street" => "calle",
        "street_number" => "numero",
        "education_level" => "nivel_educativo",
        "office_code" => "oficina_codigo",
        _ => "",
    }
}

/// Imports a CSV file of people; `progress` is told the records done so far.
pub async fn import_file(
    db: &Db,
    ctx: &AuditCtx,
    tz: chrono_tz::Tz,
    path: &Path,
    report_path: &Path,
    update: bool,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, ImportError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ImportError::Read(path.display().to_string(), e.to_string()))?;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let text = if is_xlsx(&bytes) {
        xlsx_to_csv(&bytes).map_err(|e| ImportError::Read(path.display().to_string(), e))?
    } else {
        decode(&bytes)
    };
    drop(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Read(path.display().to_string(), e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let missing: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| !headers.iter().any(|x| x == h))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Header(missing.join(","), HEADER.join(",")));
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0);
    let cols: Vec<usize> = HEADER.iter().map(|h| col(h)).collect();
    let total_records = text.lines().count().saturating_sub(1) as u64;

    let run = runs::open(
        db,
        runs::NewRun {
            kind: "persons",
            sha256: &sha,
            file_name: &path.display().to_string(),
            total_records,
            report_path: &report_path.display().to_string(),
            started_by: &ctx.actor_name,
        },
    )
    .await?;
    let run = match run {
        r if r.status == "done" => {
            return Ok(ImportSummary {
                accepted: r.accepted as u64,
                rejected: r.rejected as u64,
                duplicates: r.duplicates as u64,
                resumed_at: r.next_record as u64,
                already_done: true,
            });
        }
        r => r,
    };
    let resumed_at = run.next_record as u64;
    let mut report = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(report_path)
        .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    if report.metadata().map(|m| m.len() == 0).unwrap_or(true) {
        writeln!(report, "linea,columna,valor,motivo")
            .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    }

    let today = crate::service::local_today(tz);
    let mut summary = ImportSummary {
        accepted: run.accepted as u64,
        rejected: run.rejected as u64,
        duplicates: run.duplicates as u64,
        resumed_at,
        already_done: false,
    };
    let bulk = total_records.saturating_sub(resumed_at) >= BULK_ROWS;
    if bulk {
        drop_secondary_indexes(db).await?;
    }
    // Reading and validating run on a blocking thread, one batch ahead of the writes:
    // on two cores the checks of the next batch overlap the database work of this one.
    let reading = Reading {
        cols,
        resumed_at,
        today,
        offices: Offices::load(db).await?,
        territories: Territories::load(db).await?,
        ctx: ctx.clone(),
        backend: db.get_database_backend(),
    };
    let (sender, mut checked) = tokio::sync::mpsc::channel::<Checked>(2);
    let producer = tokio::task::spawn_blocking(move || read_and_check(&text, &reading, sender));
    let mut batches: u64 = 0;
    let mut writing = std::time::Duration::ZERO;
    while let Some(batch) = checked.recv().await {
        let next_record = batch.next_record;
        let started = std::time::Instant::now();
        let (accepted, rejections, duplicates) =
            commit_batch(db, ctx, &run, batch, update, &mut report, report_path).await?;
        writing += started.elapsed();
        summary.accepted += accepted;
        summary.rejected += rejections;
        summary.duplicates += duplicates;
        progress(next_record, total_records);
        batches += 1;
        // PostgreSQL plans the next batches' duplicate lookups from table statistics:
        // refresh them as the table grows (stale ones chose a scan of every row).
        if batches % 25 == 1 && db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("ANALYZE persons").await?;
        }
    }
    let checking = producer
        .await
        .map_err(|e| ImportError::Read(path.display().to_string(), e.to_string()))?;
    tracing::info!(
        checking_s = checking.as_secs_f64(),
        writing_s = writing.as_secs_f64(),
        "import stages (reading and checking run beside the writes)"
    );
    if bulk {
        ensure_secondary_indexes(db).await?;
    }
    runs::finish(db, run.id).await?;
    Ok(summary)
}

/// One row ready to be stored.
struct ReadyRow {
    line: u64,
    id: Uuid,
    office: Uuid,
    v: ValidPerson,
}

/// A batch read, validated and turned into INSERT statements, ready to be stored.
struct Checked {
    /// Records read once this batch is stored (where a resumed run continues).
    next_record: u64,
    /// Valid rows with their office, the first of each document in the batch.
    rows: Vec<ReadyRow>,
    /// Lines repeating a document already in the batch.
    repeated: Vec<(u64, String)>,
    /// Problems of the rows that were refused.
    rejections: Vec<Rejection>,
    /// Time stamp of the batch's rows.
    now: chrono::DateTime<Utc>,
    /// The INSERTs of every row (people and their timeline events), used when none of
    /// them turns out to be registered already.
    inserts: Vec<sea_orm::Statement>,
}

/// What the reading thread needs besides the text.
struct Reading {
    cols: Vec<usize>,
    resumed_at: u64,
    today: chrono::NaiveDate,
    offices: Offices,
    territories: Territories,
    ctx: AuditCtx,
    backend: sea_orm::DatabaseBackend,
}

/// Reads the CSV text from record `resumed_at` on and sends checked batches until the
/// file ends or the receiver is gone (the import failed). Everything that needs no
/// database happens here, on its own thread, while the previous batch is written.
///
/// Returns the time spent reading and checking (not waiting for the writer).
fn read_and_check(
    text: &str,
    r: &Reading,
    sender: tokio::sync::mpsc::Sender<Checked>,
) -> std::time::Duration {
    let mut busy = std::time::Duration::ZERO;
    let mut started = std::time::Instant::now();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut batch: Vec<(u64, Result<PersonInput, Rejection>)> = Vec::with_capacity(BATCH);
    let mut record_index: u64 = 0;
    let mut records = reader.records();
    loop {
        let next = records.next();
        let done = next.is_none();
        if let Some(rec) = next {
            let this = record_index;
            record_index += 1;
            if this < r.resumed_at {
                continue;
            }
            batch.push((this + 2, to_input(rec, &r.cols)));
        }
        if batch.len() >= BATCH || (done && !batch.is_empty()) {
            let checked = prepare(std::mem::take(&mut batch), record_index, r);
            busy += started.elapsed();
            if sender.blocking_send(checked).is_err() {
                return busy;
            }
            started = std::time::Instant::now();
        }
        if done {
            return busy;
        }
    }
}

/// Validates a batch, places each row in its office, sets aside documents repeated in
/// the batch and builds the INSERTs.
fn prepare(
    rows: Vec<(u64, Result<PersonInput, Rejection>)>,
    next_record: u64,
    r: &Reading,
) -> Checked {
    let (valid, mut rejections) = check_rows(rows, r.today);
    let mut seen = HashSet::new();
    let mut ready = Vec::with_capacity(valid.len());
    let mut repeated = Vec::new();
    for (line, v) in valid {
        if let Err(rejection) = r.territories.check(&v) {
            rejections.push(Rejection { line, ..rejection });
            continue;
        }
        let office = match r.offices.resolve(&v) {
            Ok(o) => o,
            Err(rejection) => {
                rejections.push(Rejection { line, ..rejection });
                continue;
            }
        };
        if !seen.insert((v.doc_type.as_str(), v.doc_number.as_str().to_owned())) {
            repeated.push((line, v.doc_number.as_str().to_owned()));
            continue;
        }
        ready.push(ReadyRow {
            line,
            id: Uuid::now_v7(),
            office,
            v,
        });
    }
    let now = Utc::now().trunc_subsecs(6);
    let refs: Vec<&ReadyRow> = ready.iter().collect();
    let inserts = insert_statements(&refs, &r.ctx, now, r.backend);
    Checked {
        next_record,
        rows: ready,
        repeated,
        rejections,
        now,
        inserts,
    }
}

/// INSERTs of these people and of one timeline event each.
fn insert_statements(
    rows: &[&ReadyRow],
    ctx: &AuditCtx,
    now: chrono::DateTime<Utc>,
    backend: sea_orm::DatabaseBackend,
) -> Vec<sea_orm::Statement> {
    let mut people = Vec::with_capacity(rows.len());
    let mut events = Vec::with_capacity(rows.len());
    let imported_summary = crate::timeline::render(
        sipe_platform::i18n::Lang::EsAr,
        "person.imported",
        Some("{}"),
        "person.imported",
    );
    for row in rows {
        let mut a = person::ActiveModel {
            id: Set(row.id),
            office_id: Set(row.office),
            merged_into: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        // The department exists and lies in the province given (checked by `prepare`).
        let province = row
            .v
            .department_code
            .as_deref()
            .and_then(|d| d.get(..5))
            .map(str::to_owned)
            .or(row.v.province_code.clone());
        service::apply(&mut a, &row.v, province);
        a.updated_at = Set(now);
        people.push(a);
        events.push(timeline_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_id: Set(row.id),
            kind: Set("person.imported".into()),
            summary: Set(imported_summary.clone()),
            args: Set(Some("{}".into())),
            link: Set(None),
            office_id: Set(Some(row.office)),
            author_id: Set(ctx.actor_id),
            author_name: Set(ctx.actor_name.clone()),
            at: Set(now),
        });
    }
    let mut out = db::bulk::insert_rows(backend, people);
    out.extend(db::bulk::insert_rows(backend, events));
    out
}

/// One CSV record as form input (an unreadable record carries its error, marked).
/// A row of the file as the form would have it, each cell cleaned like any text input
/// (`text::clean`), or why it cannot be read.
fn to_input(
    rec: Result<csv::StringRecord, csv::Error>,
    cols: &[usize],
) -> Result<PersonInput, Rejection> {
    let r = rec.map_err(|e| Rejection {
        line: 0,
        column: String::new(),
        value: String::new(),
        reason: format!("fila ilegible: {e}"),
    })?;
    let mut cells = Vec::with_capacity(HEADER.len());
    for (i, name) in HEADER.iter().enumerate() {
        let raw = sipe_platform::csv_export::restore(r.get(cols[i]).unwrap_or("").trim());
        let cell = sipe_platform::text::clean(&raw).map_err(|e| Rejection {
            line: 0,
            column: (*name).to_owned(),
            value: raw.chars().filter(|c| !c.is_control()).take(60).collect(),
            reason: Lang::EsAr.t(e.key()).into_owned(),
        })?;
        cells.push(cell.into_owned());
    }
    let get = |i: usize| cells[i].clone();
    let dep = get(10);
    Ok(PersonInput {
        doc_type: get(0),
        doc_number: get(1),
        cuil: get(2),
        surnames: get(3),
        names: get(4),
        birth_date: get(5),
        sex: get(6),
        phone: get(7),
        email: get(8),
        province_code: get(9),
        department_code: if dep.is_empty() {
            dep
        } else {
            format!("AR-{}", dep.trim_start_matches("AR-"))
        },
        locality: get(11),
        street: get(12),
        street_number: get(13),
        education_level: get(14),
        office_code: get(15),
        nationality: "AR".into(),
        ..Default::default()
    })
}

/// Validates a batch: the valid rows, and a reason per problem of the others.
fn check_rows(
    rows: Vec<(u64, Result<PersonInput, Rejection>)>,
    today: chrono::NaiveDate,
) -> (Vec<(u64, ValidPerson)>, Vec<Rejection>) {
    let mut rejections: Vec<Rejection> = Vec::new();
    let mut valid = Vec::with_capacity(rows.len());
    for (line, input) in rows {
        let input = match input {
            Ok(input) => input,
            Err(unreadable) => {
                rejections.push(Rejection { line, ..unreadable });
                continue;
            }
        };
        let v = match input::validate(&input, today) {
            Ok(v) => v,
            Err(errors) => {
                for e in errors.0 {
                    let column = column_of_field(e.field);
                    let value = match e.field {
                        "doc_type" => input.doc_type.clone(),
                        "doc_number" => input.doc_number.clone(),
                        "cuil" => input.cuil.clone(),
                        "birth_date" => input.birth_date.clone(),
                        "sex" => input.sex.clone(),
                        "phone" => input.phone.clone(),
                        "email" => input.email.clone(),
                        "education_level" => input.education_level.clone(),
                        "province_code" => input.province_code.clone(),
                        "department_code" => input.department_code.clone(),
                        _ => String::new(),
                    };
                    rejections.push(Rejection {
                        line,
                        column: column.into(),
                        value,
                        reason: Lang::EsAr.t(e.key).into_owned(),
                    });
                }
                continue;
            }
        };
        valid.push((line, v));
    }
    (valid, rejections)
}

/// People already registered with the document or the CUIL of one of these rows: by
/// (type, number) so the unique index answers, and by CUIL (also unique). In chunks that
/// stay under SQLite's limit of parameters per statement.
async fn registered_already(
    db: &Db,
    rows: &[ReadyRow],
) -> Result<Vec<person::Model>, sea_orm::DbErr> {
    let mut existing = Vec::new();
    for chunk in rows.chunks(10_000) {
        let mut by_type: HashMap<&'static str, Vec<String>> = HashMap::new();
        for ReadyRow { v, .. } in chunk {
            by_type
                .entry(v.doc_type.as_str())
                .or_default()
                .push(v.doc_number.as_str().to_owned());
        }
        let mut documents = sea_orm::Condition::any();
        for (kind, numbers) in by_type {
            documents = documents.add(
                sea_orm::Condition::all()
                    .add(person::Column::DocType.eq(kind))
                    .add(person::Column::DocNumber.is_in(numbers)),
            );
        }
        existing.extend(person::Entity::find().filter(documents).all(db).await?);
        let cuils: Vec<String> = chunk
            .iter()
            .filter_map(|r| r.v.cuil.as_ref().map(|c| c.as_str().to_owned()))
            .collect();
        if !cuils.is_empty() {
            existing.extend(
                person::Entity::find()
                    .filter(person::Column::Cuil.is_in(cuils))
                    .all(db)
                    .await?,
            );
        }
    }
    Ok(existing)
}

async fn commit_batch(
    db: &Db,
    ctx: &AuditCtx,
    run: &import_run::Model,
    batch: Checked,
    update: bool,
    report: &mut std::fs::File,
    report_path: &Path,
) -> Result<(u64, u64, u64), ImportError> {
    let Checked {
        next_record,
        rows: fresh,
        repeated: mut dup_lines,
        mut rejections,
        now,
        inserts,
    } = batch;
    let existing = registered_already(db, &fresh).await?;
    let mut to_insert: Vec<&ReadyRow> = Vec::with_capacity(fresh.len());
    let mut to_update = Vec::new();
    let mut merged_lines: Vec<(u64, String)> = Vec::new();
    for row in &fresh {
        let v = &row.v;
        let hit = existing.iter().find(|p| {
            (p.doc_type == v.doc_type.as_str() && p.doc_number == v.doc_number.as_str())
                || (v.cuil.is_some() && p.cuil.as_deref() == v.cuil.as_ref().map(|c| c.as_str()))
        });
        match hit {
            // A merged record takes no changes: its person is the kept record, under
            // another document; the row is reported, not silently dropped.
            Some(p) if update && p.merged_into.is_some() => {
                merged_lines.push((row.line, v.doc_number.as_str().to_owned()))
            }
            Some(p) if update => to_update.push((p.id, v)),
            Some(_) => dup_lines.push((row.line, v.doc_number.as_str().to_owned())),
            None => to_insert.push(row),
        }
    }
    for (line, number) in &merged_lines {
        rejections.push(Rejection {
            line: *line,
            column: "numero_documento".into(),
            value: number.clone(),
            reason: "Ese documento es de un registro fusionado con otro: actualizá la persona \
                     que quedó (por su propio documento)."
                .into(),
        });
    }
    for (line, number) in &dup_lines {
        rejections.push(Rejection {
            line: *line,
            column: "numero_documento".into(),
            value: number.clone(),
            reason: "La persona ya está registrada: se omitió la fila.".into(),
        });
    }
    rejections.sort_by_key(|r| r.line);
    // The report is written before the commit: a crash may repeat lines, never lose them.
    let report_err =
        |e: std::io::Error| ImportError::Report(report_path.display().to_string(), e.to_string());
    let mut w = sipe_platform::csv_export::CsvWriter::new();
    for r in &rejections {
        w.row([
            r.line.to_string(),
            r.column.clone(),
            r.value.clone(),
            r.reason.clone(),
        ])
        .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    }
    let out = w
        .finish()
        .map_err(|e| ImportError::Report(report_path.display().to_string(), e.to_string()))?;
    report.write_all(&out).map_err(report_err)?;
    report.flush().map_err(report_err)?;

    let duplicates = dup_lines.len() as u64;
    // Rows, not problems: one row may have several.
    let dup_set: HashSet<u64> = dup_lines.iter().map(|(l, _)| *l).collect();
    let rejected = rejections
        .iter()
        .map(|r| r.line)
        .filter(|l| !dup_set.contains(l))
        .collect::<HashSet<_>>()
        .len() as u64;
    // The statements built ahead hold every row; rebuild them only when some rows turned
    // out to be registered already.
    let inserts = if to_insert.len() == fresh.len() {
        inserts
    } else {
        insert_statements(&to_insert, ctx, now, db.get_database_backend())
    };
    let ids: Vec<Uuid> = to_insert.iter().map(|r| r.id).collect();
    let tx = db::begin_write(db).await?;
    db::bulk::large_cache(&tx, true).await?;
    let written = async {
        for stmt in inserts {
            tx.execute_raw(stmt).await?;
        }
        if !ids.is_empty() {
            audit::record(
                &tx,
                ctx,
                Change::new("person.import", "import_run", run.id)
                    .after(serde_json::json!({"file": run.file_name, "persons": ids})),
            )
            .await?;
        }
        let mut updated = 0u64;
        // Updates go through the same use case as the form: field history, audit, timeline.
        let importer = sipe_platform::access::Access::system("import");
        for (id, v) in &to_update {
            match service::update_valid(&tx, ctx, &importer, *id, v).await {
                Ok(()) => updated += 1,
                Err(service::PersonError::Store(sipe_platform::db::StoreError::Other(e))) => {
                    return Err(e.into());
                }
                // Validated rows fail here only when their document now belongs to someone
                // else (checked before any write, so the transaction is intact).
                Err(e) => {
                    tracing::warn!(person.id = %id, error = %e, "import --update skipped a row")
                }
            }
        }
        let accepted = ids.len() as u64 + updated;
        runs::advance(&tx, run.id, next_record, accepted, rejected, duplicates).await?;
        Ok::<u64, ImportError>(accepted)
    }
    .await;
    // The cache goes back whatever happened: the connection returns to the pool.
    let reset = db::bulk::large_cache(&tx, false).await;
    let accepted = written?;
    reset?;
    tx.commit().await?;
    Ok((accepted, rejected, duplicates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_files_are_decoded() {
        assert_eq!(decode(b"Gonz\xe1lez"), "González");
        assert_eq!(decode("Gonzál".as_bytes()), "Gonzál");
        assert_eq!(decode(b"\xEF\xBB\xBFabc"), "abc");
    }

    #[test]
    fn the_report_sits_beside_the_input() {
        assert_eq!(
            default_report(Path::new("/tmp/x/personas.csv")),
            Path::new("/tmp/x/personas.rechazos.csv")
        );
    }
}
