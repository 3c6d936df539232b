//! Finishing a cohort: the course's completion rule applied to everyone in a place, and
//! a certificate for each who completed; those still waiting leave without a place.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde::Serialize;

use crate::cohorts::Cohort;
use crate::domain::{self, CompletionRule, EnrolmentState, WithdrawalReason};
use crate::entity::enrolment;
use crate::error::TrainingError;
use sipe_platform::audit::AuditCtx;

/// What finishing did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Finished {
    /// People who completed.
    pub completed: u64,
    /// People who did not.
    pub not_completed: u64,
    /// Certificates issued.
    pub certificates: u64,
    /// People still waiting, who left without a place.
    pub without_place: u64,
}

/// Applies the completion rule inside the cohort's transition.
pub async fn finish(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &Cohort,
    today: chrono::NaiveDate,
) -> Result<Finished, TrainingError> {
    let course = crate::courses::find(conn, c.course_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let institution = crate::institutions::find(conn, c.institution_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    // The rule as it was when the cohort opened: a later edit of the course does not
    // change what these people were told.
    let rule = CompletionRule {
        min_attendance: c.min_attendance,
        requires_pass: c.requires_pass,
    };
    let marks = crate::attendance::marks_of_cohort(conn, c.id).await?;
    // Assessed against a standard: the verdict from the units as they are now.
    let verdicts = crate::assessment::verdicts(conn, c).await?;
    let skills = crate::certificates::course_skills(conn, course.id).await?;
    let enrolled = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(c.id))
        .filter(enrolment::Column::State.eq(EnrolmentState::Enrolled.as_str()))
        .all(conn)
        .await?;
    let mut out = Finished::default();
    for e in enrolled {
        let m = marks.get(&e.id).copied().unwrap_or_default();
        let passed = match &verdicts {
            Some(v) => v.get(&e.id).copied().flatten(),
            None => e.passed,
        };
        let done = domain::completes(rule, m, passed);
        let state = if done {
            EnrolmentState::Completed
        } else {
            EnrolmentState::NotCompleted
        };
        let mut a = e.clone().into_active_model();
        a.state = Set(state.as_str().to_owned());
        a.attendance = Set(m.percent());
        if verdicts.is_some() {
            a.passed = Set(passed);
        }
        a.updated_at = Set(Utc::now());
        let e = a.update(conn).await?;
        let kind = if done {
            out.completed += 1;
            "training.completed"
        } else {
            out.not_completed += 1;
            "training.not_completed"
        };
        crate::enrolment::on_timeline(conn, ctx, e.person_id, kind, c, None).await?;
        if done {
            crate::certificates::issue(conn, ctx, &e, c, (&course, &institution), &skills, today)
                .await?;
            crate::paths::on_course_completed(conn, ctx, e.person_id, course.id, c.office_id)
                .await?;
            out.certificates += 1;
        }
    }
    out.without_place = crate::enrolment::withdraw_in(
        conn,
        ctx,
        c,
        &[EnrolmentState::Waitlisted],
        WithdrawalReason::NoPlace,
    )
    .await?;
    Ok(out)
}
