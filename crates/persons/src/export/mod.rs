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
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::web::export::Export;

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
    /// Database or index failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The filters are invalid (search text over its bounds).
    #[error(transparent)]
    Invalid(#[from] sipe_platform::validation::FieldErrors),
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

/// The export's columns: the import's canonical ones, then the profile's situation.
pub fn header() -> Vec<&'static str> {
    let mut header: Vec<&'static str> = HEADER.to_vec();
    header.extend(EXTRA);
    header
}

/// Writes everyone the filters match in the caller's view scope, in name order, into
/// `out` (which refuses more than its limit; it audits the download).
pub async fn search_into(
    db: &Db,
    index: &crate::search::PersonIndex,
    access: &Access,
    filters: &PersonFilters,
    today: NaiveDate,
    out: &mut Export,
) -> Result<(), ExportError> {
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
        if !out.expect(total) {
            return Ok(());
        }
        for p in &page {
            out.row(row(p, offices.get(&p.office_id).map_or("", String::as_str)));
        }
        // A page may come back short (the index still lists someone merged or moved
        // away): the pages after it are read all the same, up to the total.
        offset += PAGE;
        if offset >= total {
            return Ok(());
        }
    }
}

/// A person's full record for data-subject access: identity, profile, interviews,
/// timeline, field history and transfer requests. View scope; audited.
pub async fn subject_record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
) -> Result<Option<serde_json::Value>, ExportError> {
    let Some(p) = store::find_person(db, access, ScopeKind::View, PersonId(id)).await? else {
        return Ok(None);
    };
    let office = sipe_platform::territory::store::office_by_id(db, OfficeId(p.office_id)).await?;
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
            "email_consent": p.email_consent,
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
        }
    }
}
