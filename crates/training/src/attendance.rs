//! Attendance: one sheet per session, every mark of the cohort saved in one request;
//! and the assessment outcome per enrolment. Both only while the cohort runs, by those
//! who run it.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set,
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::domain::{AttendanceStatus, CohortState, EnrolmentState, Marks};
use crate::entity::{attendance, enrolment, session};
use crate::error::TrainingError;
use sipe_platform::access::Access;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::FieldErrors;

/// Most marks one request saves (a cohort's places are at most 500).
pub const MAX_MARKS: usize = 500;

/// One mark as the sheet sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MarkInput {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// `present`, `absent`, `justified`.
    pub status: String,
}

async fn running(
    conn: &impl ConnectionTrait,
    access: &Access,
    cohort_id: Uuid,
) -> Result<crate::cohorts::Cohort, TrainingError> {
    // Locked: marks and grades never land after the finish read them.
    let c = crate::cohorts::lock_editable(conn, access, cohort_id).await?;
    if c.state != CohortState::Running.as_str() {
        return Err(TrainingError::Conflict("attendance-not-running"));
    }
    Ok(c)
}

/// The marks of a session, by enrolment.
pub async fn marks_of_session(
    conn: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.enrolment_id, a.status))
        .collect())
}

/// Saves a session's sheet: each mark replaces the one before. Only people in a place
/// in the session's cohort are marked.
pub async fn save(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    session_id: Uuid,
    marks: &[MarkInput],
    today: chrono::NaiveDate,
) -> Result<usize, TrainingError> {
    if marks.len() > MAX_MARKS {
        return Err(FieldErrors::one("marks", "attendance-too-many").into());
    }
    let mut parsed = Vec::with_capacity(marks.len());
    for m in marks {
        let status = AttendanceStatus::parse(&m.status)
            .ok_or_else(|| FieldErrors::one("status", "field-choice-invalid"))?;
        parsed.push((m.enrolment_id, status));
    }
    let tx = db::begin_write(db).await?;
    let s = session::Entity::find_by_id(session_id)
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    running(&tx, access, s.cohort_id).await?;
    if s.on_date > today {
        return Err(TrainingError::Conflict("attendance-future"));
    }
    let enrolled: std::collections::HashSet<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(s.cohort_id))
        .filter(enrolment::Column::State.eq(EnrolmentState::Enrolled.as_str()))
        .all(&tx)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    if parsed.iter().any(|(id, _)| !enrolled.contains(id)) {
        return Err(FieldErrors::one("enrolment_id", "attendance-not-enrolled").into());
    }
    let ids: Vec<Uuid> = parsed.iter().map(|(id, _)| *id).collect();
    attendance::Entity::delete_many()
        .filter(attendance::Column::SessionId.eq(session_id))
        .filter(attendance::Column::EnrolmentId.is_in(ids))
        .exec(&tx)
        .await?;
    let now = Utc::now();
    for chunk in parsed.chunks(200) {
        attendance::Entity::insert_many(chunk.iter().map(|(id, status)| attendance::ActiveModel {
            session_id: Set(session_id),
            enrolment_id: Set(*id),
            status: Set(status.as_str().to_owned()),
            recorded_by: Set(ctx.actor_id),
            recorded_at: Set(now),
        }))
        .exec(&tx)
        .await?;
    }
    let summary: HashMap<&str, usize> = parsed.iter().fold(HashMap::new(), |mut m, (_, s)| {
        *m.entry(s.as_str()).or_default() += 1;
        m
    });
    audit::record(
        &tx,
        ctx,
        Change::new("training.attendance", "training_session", session_id)
            .after(json!({"cohort_id": s.cohort_id, "on": s.on_date, "marks": summary})),
    )
    .await?;
    tx.commit().await?;
    Ok(parsed.len())
}

/// Each enrolment's marks over the cohort's sessions.
pub async fn marks_of_cohort(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<HashMap<Uuid, Marks>, DbErr> {
    let sessions = sea_orm::QueryTrait::into_query(
        session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::CohortId.eq(cohort_id)),
    );
    let rows = attendance::Entity::find()
        .filter(attendance::Column::SessionId.in_subquery(sessions))
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, Marks> = HashMap::new();
    for a in rows {
        let m = out.entry(a.enrolment_id).or_default();
        match AttendanceStatus::parse(&a.status) {
            Some(AttendanceStatus::Present) => m.present += 1,
            Some(AttendanceStatus::Absent) => m.absent += 1,
            Some(AttendanceStatus::Justified) => m.justified += 1,
            None => {}
        }
    }
    Ok(out)
}

/// One outcome as the form and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutcomeInput {
    /// The enrolment.
    pub enrolment_id: Uuid,
    /// Grade 0–10, with a decimal comma or point (empty: none).
    #[serde(default)]
    pub grade: String,
    /// `passed`, `failed` or empty.
    #[serde(default)]
    pub result: String,
}

/// Is this typed grade not a grade (the form marks it)?
pub fn grade_is_invalid(raw: &str) -> bool {
    parse_grade(raw).is_err()
}

fn parse_grade(raw: &str) -> Result<Option<f64>, ()> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > 5 {
        return Err(());
    }
    match raw.parse::<f64>() {
        Ok(g) if (0.0..=10.0).contains(&g) => Ok(Some((g * 10.0).round() / 10.0)),
        _ => Err(()),
    }
}

/// Records the assessment outcome of people in a place. A grade of 4 or more passes
/// unless a result is given.
pub async fn record_outcomes(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    cohort_id: Uuid,
    outcomes: &[OutcomeInput],
) -> Result<usize, TrainingError> {
    if outcomes.len() > MAX_MARKS {
        return Err(FieldErrors::one("outcomes", "attendance-too-many").into());
    }
    let tx = db::begin_write(db).await?;
    let c = running(&tx, access, cohort_id).await?;
    // Assessed against a standard, an evaluator decides unit by unit.
    if crate::assessment::standard_of(&tx, &c).await?.is_some() {
        return Err(TrainingError::Conflict("outcomes-by-assessment"));
    }
    let mut changed = Vec::new();
    for o in outcomes {
        let grade = parse_grade(&o.grade)
            .map_err(|_| FieldErrors::one("grade", "outcome-grade-invalid"))?;
        let passed = match o.result.trim() {
            "passed" => Some(true),
            "failed" => Some(false),
            "" => grade.map(|g| g >= 4.0),
            _ => return Err(FieldErrors::one("result", "field-choice-invalid").into()),
        };
        let e = enrolment::Entity::find_by_id(o.enrolment_id)
            .filter(enrolment::Column::CohortId.eq(cohort_id))
            .filter(enrolment::Column::State.eq(EnrolmentState::Enrolled.as_str()))
            .one(&tx)
            .await?
            .ok_or_else(|| FieldErrors::one("enrolment_id", "attendance-not-enrolled"))?;
        if e.grade == grade && e.passed == passed {
            continue;
        }
        let mut a = e.into_active_model();
        a.grade = Set(grade);
        a.passed = Set(passed);
        a.updated_at = Set(Utc::now());
        a.update(&tx).await?;
        changed.push(json!({"enrolment_id": o.enrolment_id, "grade": grade, "passed": passed}));
    }
    let n = changed.len();
    audit::record(
        &tx,
        ctx,
        Change::new("training.outcomes", "training_cohort", cohort_id)
            .after(json!({ "changed": changed })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_take_a_comma_and_stay_between_zero_and_ten() {
        assert_eq!(parse_grade("7,5"), Ok(Some(7.5)));
        assert_eq!(parse_grade(" "), Ok(None));
        assert!(parse_grade("11").is_err());
        assert!(parse_grade("-1").is_err());
        assert!(parse_grade("NaN").is_err());
        assert!(parse_grade("1e400").is_err());
    }
}
