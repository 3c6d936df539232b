//! Competency assessment: in a cohort whose course leads to a competency standard and
//! certifies competency, an accredited evaluator records a result per unit of
//! competency (competent / not yet competent) with observations, and uploads evidence.
//! Every unit competent makes the enrolment pass; any unit not yet competent makes it
//! fail; the cohort's completion rule then decides, when it finishes, as for any course.
//!
//! Evidence files are stored by content: `<data_dir>/evidence/<first two hex>/<sha256>`,
//! written whole and renamed into place, so a file is never seen half-written and the
//! same bytes uploaded twice are stored once.

use std::path::{Path, PathBuf};

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::cohorts::Cohort;
use crate::domain::{Certification, CohortState, EnrolmentState};
use crate::entity::{enrolment, evidence, unit_result};
use crate::error::TrainingError;
use crate::standards::{Standard, Unit};
use sipe_platform::access::Access;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};

pub use evidence::Model as Evidence;
pub use unit_result::Model as UnitResult;

/// Largest evidence file, bytes.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;
/// Most evidence files per enrolment.
pub const MAX_EVIDENCE_FILES: u64 = 50;

/// `competent`.
pub const COMPETENT: &str = "competent";
/// `not_yet_competent`.
pub const NOT_YET_COMPETENT: &str = "not_yet_competent";

/// The standard a cohort's people are assessed against: the one its course led to
/// when the cohort opened, if it certifies competency.
pub async fn standard_of(
    conn: &impl ConnectionTrait,
    c: &Cohort,
) -> Result<Option<Standard>, DbErr> {
    match c.standard_id {
        Some(id) if c.certification == Certification::Competency.as_str() => {
            crate::standards::find(conn, id).await
        }
        _ => Ok(None),
    }
}

/// Each enrolment's verdict now, from the standard's units as they are (a unit added
/// since the last result leaves the verdict undecided): what finishing applies.
pub async fn verdicts(
    conn: &impl ConnectionTrait,
    c: &Cohort,
) -> Result<Option<std::collections::HashMap<Uuid, Option<bool>>>, DbErr> {
    let Some(standard) = standard_of(conn, c).await? else {
        return Ok(None);
    };
    let units = crate::standards::units_of(conn, standard.id).await?;
    let enrolments = sea_orm::QueryTrait::into_query(sea_orm::QuerySelect::column(
        sea_orm::QuerySelect::select_only(
            enrolment::Entity::find().filter(enrolment::Column::CohortId.eq(c.id)),
        ),
        enrolment::Column::Id,
    ));
    let results = unit_result::Entity::find()
        .filter(unit_result::Column::EnrolmentId.in_subquery(enrolments))
        .all(conn)
        .await?;
    let mut by_enrolment: std::collections::HashMap<Uuid, Vec<UnitResult>> = Default::default();
    for r in results {
        by_enrolment.entry(r.enrolment_id).or_default().push(r);
    }
    Ok(Some(
        by_enrolment
            .into_iter()
            .map(|(e, rs)| (e, verdict(&units, &rs)))
            .collect(),
    ))
}

/// One unit's result as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ResultInput {
    /// The unit's code (`UC1`).
    pub unit: String,
    /// `competent`, `not_yet_competent`, or empty (not assessed yet: clears a result).
    #[serde(default)]
    pub result: String,
    /// What the evaluator observed.
    #[serde(default)]
    pub observations: String,
    /// The unit's `recorded_at` as the caller last saw it (RFC 3339; empty: no result
    /// then). When given, a result changed since by someone else is not overwritten.
    #[serde(default)]
    pub seen: Option<String>,
}

/// An enrolment's assessment as pages and the API show it.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The enrolment.
    pub enrolment: crate::enrolment::Enrolment,
    /// The person, as the cohort's roster shows them to the caller.
    pub person: sipe_persons::store::PersonCard,
    /// Its cohort.
    pub cohort: Cohort,
    /// The standard.
    pub standard: Standard,
    /// Its units, each with its result if recorded.
    pub units: Vec<(Unit, Option<UnitResult>)>,
    /// The evidence, newest first.
    pub evidence: Vec<Evidence>,
}

impl Assessment {
    /// Every unit competent?
    pub fn all_competent(&self) -> bool {
        !self.units.is_empty()
            && self
                .units
                .iter()
                .all(|(_, r)| r.as_ref().is_some_and(|r| r.result == COMPETENT))
    }
}

/// The enrolment, its cohort and its person, when the user sees the person on the
/// cohort's roster (a cohort open to every office does not show everyone's people).
async fn visible(
    conn: &impl ConnectionTrait,
    access: &Access,
    enrolment_id: Uuid,
) -> Result<
    Option<(
        crate::enrolment::Enrolment,
        Cohort,
        sipe_persons::store::PersonCard,
    )>,
    DbErr,
> {
    let Some(e) = enrolment::Entity::find_by_id(enrolment_id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let Some(c) = crate::cohorts::find_visible(conn, access, e.cohort_id).await? else {
        return Ok(None);
    };
    let (roster, _) = crate::enrolment::roster(conn, access, &c).await?;
    let Some(row) = roster.into_iter().find(|r| r.enrolment.id == e.id) else {
        return Ok(None);
    };
    Ok(Some((e, c, row.person)))
}

/// An enrolment's assessment, if the user sees its person on the roster and the cohort
/// assesses a standard.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    enrolment_id: Uuid,
) -> Result<Option<Assessment>, TrainingError> {
    let Some((e, c, person)) = visible(conn, access, enrolment_id).await? else {
        return Ok(None);
    };
    let Some(standard) = standard_of(conn, &c).await? else {
        return Ok(None);
    };
    let results = unit_result::Entity::find()
        .filter(unit_result::Column::EnrolmentId.eq(e.id))
        .all(conn)
        .await?;
    let units = crate::standards::units_of(conn, standard.id)
        .await?
        .into_iter()
        .map(|u| {
            let r = results.iter().find(|r| r.unit_id == u.id).cloned();
            (u, r)
        })
        .collect();
    let evidence = evidence::Entity::find()
        .filter(evidence::Column::EnrolmentId.eq(e.id))
        .order_by_desc(evidence::Column::UploadedAt)
        .all(conn)
        .await?;
    Ok(Some(Assessment {
        enrolment: e,
        person,
        cohort: c,
        standard,
        units,
        evidence,
    }))
}

/// The enrolment, its cohort (locked) and its standard, when this user may assess it
/// today: they run the cohort, it is running, the person has a place, and they are
/// accredited for the standard.
async fn assessable(
    conn: &impl ConnectionTrait,
    access: &Access,
    enrolment_id: Uuid,
    today: chrono::NaiveDate,
) -> Result<(crate::enrolment::Enrolment, Cohort, Standard), TrainingError> {
    let e = enrolment::Entity::find_by_id(enrolment_id)
        .one(conn)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let c = crate::cohorts::lock_editable(conn, access, e.cohort_id).await?;
    let standard = standard_of(conn, &c)
        .await?
        .ok_or(TrainingError::NotFound)?;
    if c.state != CohortState::Running.as_str() {
        return Err(TrainingError::Conflict("assessment-not-running"));
    }
    if e.state != EnrolmentState::Enrolled.as_str() {
        return Err(TrainingError::Conflict("attendance-not-enrolled"));
    }
    if !crate::standards::is_accredited(conn, access.actor.user_id, standard.id, today).await? {
        return Err(TrainingError::Conflict("assessment-not-evaluator"));
    }
    Ok((e, c, standard))
}

/// Records the evaluator's results (units not listed keep theirs) and sets whether the
/// enrolment passed: every unit competent → passed; any not yet competent → failed;
/// otherwise not decided. Returns the enrolment's `passed`.
pub async fn record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    enrolment_id: Uuid,
    results: &[ResultInput],
    today: chrono::NaiveDate,
) -> Result<Option<bool>, TrainingError> {
    if results.len() > crate::standards::MAX_UNITS {
        return Err(FieldErrors::one("results", "standard-units-too-many").into());
    }
    let tx = db::begin_write(db).await?;
    let (e, _, standard) = assessable(&tx, access, enrolment_id, today).await?;
    let units = crate::standards::units_of(&tx, standard.id).await?;
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::new();
    for (n, r) in results.iter().enumerate() {
        let field = crate::standards::UNIT_FIELDS[n];
        let Some(unit) = units
            .iter()
            .find(|u| u.code.eq_ignore_ascii_case(r.unit.trim()))
        else {
            errors.add(field, "assessment-unit-unknown");
            continue;
        };
        let result = match r.result.trim() {
            "" => None,
            COMPETENT => Some(COMPETENT),
            NOT_YET_COMPETENT => Some(NOT_YET_COMPETENT),
            _ => {
                errors.add(field, "field-choice-invalid");
                continue;
            }
        };
        let mut obs_errors = FieldErrors::new();
        let observations =
            validation::multiline_text(&mut obs_errors, field, &r.observations, false, 2_000);
        if !obs_errors.is_empty() {
            errors.add(field, "assessment-observations-too-long");
            continue;
        }
        wanted.push((unit.id, result, observations, r.seen.clone()));
    }
    errors.into_result()?;
    let now = Utc::now().trunc_subsecs(6);
    let evaluator_name = access.actor.full_name.clone();
    let mut changed = Vec::new();
    for (unit_id, result, observations, seen) in wanted {
        let current = unit_result::Entity::find_by_id((e.id, unit_id))
            .one(&tx)
            .await?;
        let observations = (!observations.is_empty()).then_some(observations);
        let unchanged = match &current {
            Some(r) => Some(r.result.as_str()) == result && r.observations == observations,
            None => result.is_none(),
        };
        if !unchanged && seen.is_some_and(|s| !same_version(current.as_ref(), &s)) {
            return Err(TrainingError::Conflict("assessment-changed"));
        }
        match (current, result) {
            (None, None) => {}
            (Some(r), None) => {
                unit_result::Entity::delete_by_id((r.enrolment_id, r.unit_id))
                    .exec(&tx)
                    .await?;
                changed.push(json!({"unit_id": unit_id, "result": null}));
            }
            (Some(r), Some(result)) if r.result == result && r.observations == observations => {}
            (Some(r), Some(result)) => {
                let mut a = r.into_active_model();
                a.result = Set(result.to_owned());
                a.observations = Set(observations);
                a.evaluator_id = Set(access.actor.user_id);
                a.evaluator_name = Set(evaluator_name.clone());
                a.recorded_at = Set(now);
                a.update(&tx).await?;
                changed.push(json!({"unit_id": unit_id, "result": result}));
            }
            (None, Some(result)) => {
                unit_result::ActiveModel {
                    enrolment_id: Set(e.id),
                    unit_id: Set(unit_id),
                    result: Set(result.to_owned()),
                    observations: Set(observations),
                    evaluator_id: Set(access.actor.user_id),
                    evaluator_name: Set(evaluator_name.clone()),
                    recorded_at: Set(now),
                }
                .insert(&tx)
                .await?;
                changed.push(json!({"unit_id": unit_id, "result": result}));
            }
        }
    }
    let recorded = unit_result::Entity::find()
        .filter(unit_result::Column::EnrolmentId.eq(e.id))
        .all(&tx)
        .await?;
    let passed = verdict(&units, &recorded);
    if e.passed != passed {
        let mut a = e.clone().into_active_model();
        a.passed = Set(passed);
        a.updated_at = Set(now);
        a.update(&tx).await?;
    }
    if !changed.is_empty() || e.passed != passed {
        audit::record(
            &tx,
            ctx,
            Change::new("training.assessment.record", "training_enrolment", e.id)
                .before(json!({"passed": e.passed}))
                .after(json!({"changed": changed, "passed": passed, "standard": standard.code})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(passed)
}

/// Is the result the version the caller saw (`recorded_at`, or empty for none)?
fn same_version(current: Option<&UnitResult>, seen: &str) -> bool {
    match (current, seen.trim()) {
        (None, "") => true,
        (Some(r), s) => chrono::DateTime::parse_from_rfc3339(s)
            .is_ok_and(|t| t.timestamp_micros() == r.recorded_at.timestamp_micros()),
        (None, _) => false,
    }
}

/// Passed when every unit is competent, failed when any is not yet, else undecided.
pub fn verdict(units: &[Unit], results: &[UnitResult]) -> Option<bool> {
    let of = |u: &Unit| results.iter().find(|r| r.unit_id == u.id);
    if units
        .iter()
        .any(|u| of(u).is_some_and(|r| r.result == NOT_YET_COMPETENT))
    {
        Some(false)
    } else if !units.is_empty()
        && units
            .iter()
            .all(|u| of(u).is_some_and(|r| r.result == COMPETENT))
    {
        Some(true)
    } else {
        None
    }
}

/// The media type of evidence bytes, from their first bytes: PDF, JPEG, PNG, WebP, or
/// plain UTF-8 text; anything else is refused.
pub fn media_type_of(bytes: &[u8]) -> Option<&'static str> {
    sipe_platform::files::media_type_of(bytes, true)
}

/// Where the bytes of this digest live.
pub fn stored_path(data_dir: &Path, sha256: &str) -> PathBuf {
    sipe_platform::files::stored_path(data_dir, "evidence", sha256)
}

/// The enrolment an evidence file may be added to now, and the unit it supports: every
/// check before anything is written.
async fn evidence_target(
    conn: &impl ConnectionTrait,
    access: &Access,
    enrolment_id: Uuid,
    unit: &str,
    today: chrono::NaiveDate,
) -> Result<(crate::enrolment::Enrolment, Option<Uuid>), TrainingError> {
    use sea_orm::PaginatorTrait;
    let (e, _, standard) = assessable(conn, access, enrolment_id, today).await?;
    let unit_id = match unit.trim() {
        "" => None,
        code => Some(
            crate::standards::units_of(conn, standard.id)
                .await?
                .into_iter()
                .find(|u| u.code.eq_ignore_ascii_case(code))
                .ok_or_else(|| FieldErrors::one("unit", "assessment-unit-unknown"))?
                .id,
        ),
    };
    let files = evidence::Entity::find()
        .filter(evidence::Column::EnrolmentId.eq(e.id))
        .count(conn)
        .await?;
    if files >= MAX_EVIDENCE_FILES {
        return Err(FieldErrors::one("file", "evidence-too-many").into());
    }
    Ok((e, unit_id))
}

/// An uploaded evidence file.
pub struct Upload<'a> {
    /// The name it came with.
    pub file_name: &'a str,
    /// The unit it supports (its code), or empty.
    pub unit: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Keeps an evidence file of an enrolment's assessment. The file is written before the
/// row: a failure after it leaves a file no row names, never a row without its file.
pub async fn add_evidence(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    data_dir: &Path,
    enrolment_id: Uuid,
    upload: Upload<'_>,
    today: chrono::NaiveDate,
) -> Result<Uuid, TrainingError> {
    let mut errors = FieldErrors::new();
    let file_name = validation::text(&mut errors, "file", upload.file_name, false, 200);
    let file_name = if file_name.is_empty() {
        "evidencia".to_owned()
    } else {
        // Only the last part of a path some browsers send.
        file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("evidencia")
            .to_owned()
    };
    let media_type = if upload.bytes.is_empty() {
        errors.add("file", "evidence-file-empty");
        None
    } else if upload.bytes.len() > MAX_EVIDENCE_BYTES {
        errors.add("file", "evidence-too-large");
        None
    } else {
        let found = media_type_of(upload.bytes);
        if found.is_none() {
            errors.add("file", "evidence-type-unsupported");
        }
        found
    };
    errors.into_result()?;
    let sha256 = hex::encode(ring::digest::digest(&ring::digest::SHA256, upload.bytes));
    {
        // Checked before writing anything: a refused upload leaves no file.
        let tx = db::begin_write(db).await?;
        evidence_target(&tx, access, enrolment_id, upload.unit, today).await?;
        tx.rollback().await?;
    }
    sipe_platform::files::store(data_dir, "evidence", &sha256, upload.bytes)
        .await
        .map_err(|e| TrainingError::Internal(e.into()))?;
    // And again with the row: the cohort may have finished in between.
    let tx = db::begin_write(db).await?;
    let (e, unit_id) = evidence_target(&tx, access, enrolment_id, upload.unit, today).await?;
    let id = Uuid::now_v7();
    evidence::ActiveModel {
        id: Set(id),
        enrolment_id: Set(e.id),
        unit_id: Set(unit_id),
        sha256: Set(sha256.clone()),
        file_name: Set(file_name.clone()),
        media_type: Set(media_type.unwrap_or("application/octet-stream").to_owned()),
        size: Set(upload.bytes.len() as i64),
        uploaded_by: Set(ctx.actor_id),
        uploaded_by_name: Set(access.actor.full_name.clone()),
        uploaded_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.evidence.add", "training_enrolment", e.id).after(json!({
            "evidence_id": id, "sha256": sha256, "file_name": file_name,
            "size": upload.bytes.len(), "unit_id": unit_id,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An evidence file and its bytes, for a user who sees its person on the cohort's
/// roster; the read is audited.
pub async fn open_evidence(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    data_dir: &Path,
    id: Uuid,
) -> Result<(Evidence, Vec<u8>), TrainingError> {
    let row = evidence::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let (e, _, _) = visible(db, access, row.enrolment_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let bytes = tokio::fs::read(stored_path(data_dir, &row.sha256))
        .await
        .map_err(|err| TrainingError::Internal(err.into()))?;
    audit::record(
        db,
        ctx,
        Change::new("training.evidence.read", "training_enrolment", e.id)
            .after(json!({"evidence_id": id})),
    )
    .await?;
    Ok((row, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(n: u8) -> Unit {
        Unit {
            id: Uuid::from_u128(n as u128),
            standard_id: Uuid::nil(),
            position: n as i32,
            code: format!("UC{n}"),
            title: "t".into(),
            criteria: "c".into(),
        }
    }

    fn result(n: u8, result: &str) -> UnitResult {
        UnitResult {
            enrolment_id: Uuid::nil(),
            unit_id: Uuid::from_u128(n as u128),
            result: result.into(),
            observations: None,
            evaluator_id: Uuid::nil(),
            evaluator_name: "e".into(),
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn every_unit_competent_passes_and_any_not_yet_fails() {
        let units = [unit(1), unit(2)];
        assert_eq!(verdict(&units, &[]), None);
        assert_eq!(verdict(&units, &[result(1, COMPETENT)]), None);
        assert_eq!(
            verdict(&units, &[result(1, COMPETENT), result(2, COMPETENT)]),
            Some(true)
        );
        assert_eq!(
            verdict(&units, &[result(2, NOT_YET_COMPETENT)]),
            Some(false)
        );
        assert_eq!(verdict(&[], &[]), None);
    }

    #[test]
    fn evidence_is_known_by_its_first_bytes() {
        assert_eq!(media_type_of(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(media_type_of(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(
            media_type_of(b"Observ\xc3\xb3 el armado del tablero"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(media_type_of(b"MZ\x90\x00\x03"), None);
        assert_eq!(media_type_of(b""), None);
    }
}
