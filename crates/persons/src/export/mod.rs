//! Exports: a filtered search to CSV or XLSX (the import's canonical columns plus the
//! profile's situation, so an export can be imported elsewhere), and a person's full
//! record for data-subject access (Ley 25.326, art. 14). Both are audited.

pub mod handlers;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use crate::entity::person;
use crate::filters::PersonFilters;
use crate::import::generate::HEADER;
use crate::store::{self, PersonQuery, PersonSort};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};

/// Most rows one export may hold: beyond this the filters must be narrowed.
pub const EXPORT_MAX: u64 = 100_000;
const PAGE: u64 = 1_000;

/// Columns after the canonical ones.
const EXTRA: [&str; 5] = [
    "nombre_autopercibido",
    "situacion_laboral",
    "discapacidad",
    "personas_a_cargo",
    "id",
];

/// Why an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// More rows than `EXPORT_MAX`.
    #[error("{0} rows match; narrow the filters")]
    TooMany(u64),
    /// Database or index failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The filters are invalid (search text over its bounds).
    #[error(transparent)]
    Invalid(#[from] sipe_platform::validation::FieldErrors),
    /// Writing the file failed.
    #[error("writing the export: {0}")]
    Write(String),
}

impl From<crate::filters::FilterError> for ExportError {
    fn from(e: crate::filters::FilterError) -> Self {
        match e {
            crate::filters::FilterError::Invalid(f) => ExportError::Invalid(f),
            crate::filters::FilterError::Store(s) => ExportError::Store(s),
        }
    }
}

impl From<sea_orm::DbErr> for ExportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ExportError::Store(StoreError::from_db(e))
    }
}

/// The rows of an export: the header, then one line per person.
pub struct Table {
    /// Column names.
    pub header: Vec<&'static str>,
    /// Values.
    pub rows: Vec<Vec<String>>,
}

fn row(p: &person::Model, office: &str) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        p.doc_type.clone(),
        p.doc_number.clone(),
        o(&p.cuil),
        p.surnames.clone(),
        p.names.clone(),
        p.birth_date.to_string(),
        p.sex.clone(),
        o(&p.phone),
        o(&p.email),
        o(&p.province_code),
        o(&p.department_code),
        p.locality.clone(),
        p.street.clone(),
        p.street_number.clone(),
        o(&p.education_level),
        office.to_owned(),
        o(&p.chosen_name),
        o(&p.employment_status),
        if p.has_disability { "si" } else { "no" }.to_owned(),
        p.dependants.map(|d| d.to_string()).unwrap_or_default(),
        p.id.to_string(),
    ]
}

/// Everyone the filters match in the caller's view scope, in name order; audited.
pub async fn search_table(
    db: &Db,
    index: &crate::search::PersonIndex,
    ctx: &AuditCtx,
    access: &Access,
    filters: &PersonFilters,
    today: NaiveDate,
    format: &str,
) -> Result<Table, ExportError> {
    // An export reads more than identity: the view scope, whatever the filters.
    let query = PersonQuery {
        scope: ScopeKind::View,
        ..filters.to_query(db, access, today).await?
    };
    let offices: HashMap<Uuid, String> = sipe_platform::territory::store::all_offices(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect();
    let mut rows = Vec::new();
    let mut offset = 0;
    loop {
        let (page, total) = store::search(
            db,
            Some(index),
            access,
            &query,
            PersonSort::Name,
            false,
            offset,
            PAGE,
        )
        .await
        .map_err(StoreError::from)?;
        if total > EXPORT_MAX {
            return Err(ExportError::TooMany(total));
        }
        let n = page.len() as u64;
        rows.extend(
            page.iter()
                .map(|p| row(p, offices.get(&p.office_id).map_or("", String::as_str))),
        );
        offset += PAGE;
        if n < PAGE || offset >= total {
            break;
        }
    }
    let tx = db::begin_write(db).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("person.export", "person_search", filters.query_string()).after(json!({
            "format": format,
            "rows": rows.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    let mut header: Vec<&'static str> = HEADER.to_vec();
    header.extend(EXTRA);
    Ok(Table { header, rows })
}

/// The table as CSV (UTF-8, the import's format).
pub fn to_csv(t: &Table) -> Result<Vec<u8>, ExportError> {
    let mut w = sipe_platform::csv_export::CsvWriter::new();
    let err = |e: sipe_platform::csv_export::CsvError| ExportError::Write(e.to_string());
    w.row(&t.header).map_err(err)?;
    for r in &t.rows {
        w.row(r).map_err(err)?;
    }
    w.finish().map_err(|e| ExportError::Write(e.to_string()))
}

/// The table as an XLSX workbook (all cells text, so document numbers keep their zeros).
pub fn to_xlsx(t: &Table) -> Result<Vec<u8>, ExportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Write(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("personas").map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in t.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, values) in t.rows.iter().enumerate() {
        for (c, v) in values.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// A person's full record for data-subject access: identity, profile, interviews,
/// timeline, field history and transfer requests. View scope; audited.
pub async fn subject_record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
) -> Result<Option<serde_json::Value>, ExportError> {
    let Some(p) = store::find_person(db, access, ScopeKind::View, id).await? else {
        return Ok(None);
    };
    let office = sipe_platform::territory::store::office_by_id(db, p.office_id).await?;
    let items = crate::profile::items(db, id).await?;
    let interviews = crate::interview::list(db, id).await?;
    let (events, _) = store::timeline(db, id, 0, 100_000).await?;
    let changes = store::changes(db, id).await?;
    let record = json!({
        "generated_at": chrono::Utc::now(),
        "person": {
            "id": p.id,
            "doc_type": p.doc_type,
            "doc_number": p.doc_number,
            "cuil": p.cuil,
            "surnames": p.surnames,
            "names": p.names,
            "chosen_name": p.chosen_name,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "gender": p.gender,
            "nationality": p.nationality,
            "marital_status": p.marital_status,
            "phone": p.phone,
            "email": p.email,
            "whatsapp_consent": p.whatsapp_consent,
            "sms_consent": p.sms_consent,
            "address": {
                "street": p.street,
                "number": p.street_number,
                "floor_unit": p.floor_unit,
                "locality": p.locality,
                "department_code": p.department_code,
                "province_code": p.province_code,
                "postal_code": p.postal_code,
            },
            "education_level": p.education_level,
            "employment_status": p.employment_status,
            "unemployed_since": p.unemployed_since,
            "availability_hours": p.availability_hours,
            "travel_radius_km": p.travel_radius_km,
            "has_disability": p.has_disability,
            "disability_type": p.disability_type,
            "cud_expiry": p.cud_expiry,
            "dependants": p.dependants,
            "head_of_household": p.head_of_household,
            "office": office.map(|o| json!({"code": o.code, "name": o.name})),
            "registered_at": p.created_at,
            "updated_at": p.updated_at,
        },
        "profile_items": items.iter().map(|i| json!({
            "kind": i.kind, "code": i.code, "label": i.label, "level": i.level,
            "employer": i.employer, "from": i.from_date, "to": i.to_date, "note": i.note,
            "added_at": i.created_at, "added_by": i.created_by,
        })).collect::<Vec<_>>(),
        "interviews": interviews.iter().map(|i| json!({
            "at": i.at, "interviewer": i.interviewer_name, "situation": i.situation,
            "hours": i.hours, "days": i.days, "travel_radius_km": i.travel_radius_km,
            "barriers": i.barriers, "notes": i.notes,
        })).collect::<Vec<_>>(),
        "timeline": events.iter().map(|e| json!({
            "at": e.at, "kind": e.kind, "summary": e.summary, "author": e.author_name,
        })).collect::<Vec<_>>(),
        "history": changes.iter().map(|c| json!({
            "at": c.at, "field": c.field, "old": c.old_value, "new": c.new_value,
            "by": c.actor_name,
        })).collect::<Vec<_>>(),
    });
    let tx = db::begin_write(db).await?;
    audit::record(&tx, ctx, Change::new("person.subject_access", "person", id)).await?;
    tx.commit().await?;
    Ok(Some(record))
}

impl sipe_platform::failure::UseCaseError for ExportError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            ExportError::Invalid(f) => Failure::Invalid(f),
            ExportError::Store(s) => Failure::Store(s),
            other => Failure::Internal(anyhow::anyhow!(other.to_string())),
        }
    }
}
